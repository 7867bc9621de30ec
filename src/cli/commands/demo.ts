import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { Incident, IncidentChange } from '../../detect/index.js';
import { IncidentWatcher } from '../../detect/watcher.js';
import { connect } from '../../kube/connect.js';
// `demo` is, with `sim`, the one command allowed to import the simulator: it brings its own cluster.
import { applyFix, applyScenario, getScenario, listScenarios } from '../../sim/scenarios/index.js';
import { startSimulator } from '../../sim/simulator.js';
import { CliError, type Command, type CommandIo } from '../command.js';

const USAGE = `Usage: kubemend demo [--scenario NAME] [--speed X] [--timeout SECONDS]

Offline, no API key: starts the built-in cluster simulator, applies a fault scenario (default: the seed's
memory-hog, OOMKilled under a 100Mi limit), and shows kubemend noticing it the moment Kubernetes reports it —
the incident, its evidence and how long detection took. Then it applies the scenario's documented fix, as a
person would, and shows the incident resolving once the workload is healthy.

Flags:
  --scenario NAME    a scenario from 'kubemend sim --list-scenarios' (default memory-hog)
  --speed X          simulated clock speed (default 30: back-offs of minutes take seconds)
  --timeout SECONDS  give up waiting for a stage after this long (default 60)`;

function waitFor(
  watcher: IncidentWatcher,
  match: (c: IncidentChange) => boolean,
  timeoutMs: number,
  what: string,
): Promise<IncidentChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new CliError(
          `no ${what} within ${timeoutMs / 1000}s`,
          'try a larger --timeout, or KUBEMEND_SIM_DEBUG=1 for simulator logs',
        ),
      );
    }, timeoutMs);
    const off = watcher.onChange((c) => {
      if (!match(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}

function printIncident(io: CommandIo, i: Incident): void {
  const w = i.workload;
  const details = Object.entries(i.evidence.details);
  const width = Math.max(12, ...details.map(([k]) => k.length));
  const row = (k: string, v: string) => `  ${k.padEnd(width)} ${v}`;
  const out = [
    row('incident', `${i.failureClass} (${i.severity}) on ${w.kind} ${w.namespace ?? ''}/${w.name}`),
    row('summary', i.summary),
    ...details.map(([k, v]) => row(k, String(v))),
    ...i.evidence.events.slice(0, 4).map((e) => row('event', `${e.type} ${e.reason} (x${e.count}): ${e.message}`)),
    ...(i.evidence.logs
      ? [
          `  log (${i.evidence.logs.container}${i.evidence.logs.previous ? ', previous' : ''})`,
          ...i.evidence.logs.lines.slice(-4).map((l) => `    | ${l}`),
        ]
      : []),
    row('fingerprint', i.fingerprint),
  ];
  io.stdout.write(`${out.join('\n')}\n`);
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'see kubemend detect a failing workload on the built-in simulator (offline, no API key)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string', default: 'memory-hog' },
        speed: { type: 'string', default: '30' },
        timeout: { type: 'string', default: '60' },
      },
    });
    const scenario = getScenario(values.scenario);
    if (!scenario)
      throw new CliError(
        `unknown scenario "${values.scenario}"`,
        `choose one of: ${listScenarios()
          .map((s) => s.name)
          .join(', ')}`,
      );
    if (scenario.expect.failureClass === 'Healthy')
      throw new CliError(
        `scenario "${scenario.name}" is healthy: there is nothing to detect`,
        'pick a failing scenario, e.g. memory-hog',
      );
    const speed = Number(values.speed);
    const timeoutMs = Number(values.timeout) * 1000;
    if (!(speed > 0) || !(timeoutMs > 0)) throw new CliError('--speed and --timeout must be positive numbers');

    const started = performance.now();
    const step = (text: string) =>
      io.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}\n`);
    const sim = await startSimulator({ speed });
    let watcher: IncidentWatcher | undefined;
    try {
      step(`simulated cluster up at ${sim.url} (3 nodes, clock x${speed})`);
      // From here on kubemend talks to the cluster like to any other: client-node over HTTP with a kubeconfig.
      const conn = connect({ kubeconfig: sim.kubeconfigPath });
      if (!conn.ok) throw new CliError(conn.error.message, conn.error.hint);
      watcher = new IncidentWatcher({
        kc: conn.value.kc,
        cluster: conn.value.context,
        namespace: scenario.namespace,
        fullPassMs: 2_000,
        tracker: { resolveAfterPasses: 2, quietPeriodMs: 3_000 },
        logs: async (ns, pod, container, previous) => {
          try {
            return await conn.value.kc
              .makeApiClient(k8s.CoreV1Api)
              .readNamespacedPodLog({ name: pod, namespace: ns, container, previous, tailLines: 50 });
          } catch {
            return undefined;
          }
        },
      });
      await watcher.start();
      step('kubemend is watching the cluster (informers on every kind, no LLM, no API key)');

      const isOurs = (c: IncidentChange) =>
        c.incident.workload.name === scenario.expect.workload.name &&
        c.incident.workload.kind === scenario.expect.workload.kind;
      const detected = waitFor(
        watcher,
        (c) => (c.type === 'opened' || c.type === 'reopened') && isOurs(c),
        timeoutMs,
        `${scenario.expect.failureClass} incident`,
      );
      step(`applying scenario "${scenario.name}": ${scenario.title}`);
      const appliedAt = performance.now();
      const simAppliedAt = sim.clock.now().getTime();
      await applyScenario(sim.kubeconfigPath, scenario);
      const opened = await detected;
      const wall = ((performance.now() - appliedAt) / 1000).toFixed(1);
      const simulated = ((sim.clock.now().getTime() - simAppliedAt) / 1000).toFixed(0);
      step(`detected ${wall}s after apply (${simulated}s of cluster time):`);
      printIncident(io, opened.incident);

      step(
        `applying the scenario's documented fix, as a person would: ${scenario.fix.description.trim().split('\n')[0]}`,
      );
      const resolved = waitFor(watcher, (c) => c.type === 'resolved' && isOurs(c), timeoutMs, 'resolution');
      await applyFix(sim.kubeconfigPath, scenario);
      await resolved;
      step(
        `resolved: ${scenario.expect.workload.kind} ${scenario.expect.workload.name} is healthy again and the incident closed itself`,
      );
      io.stdout.write(
        `\nsummary: detected in ${wall}s, 0 LLM tokens used. Repair by kubemend itself (policy gate, dry-run, apply,\n` +
          'verify, rollback) is the next stage on the roadmap; today kubemend detects, explains and tracks the incident.\n',
      );
      return 0;
    } finally {
      await watcher?.stop();
      await sim.close();
    }
  },
};
