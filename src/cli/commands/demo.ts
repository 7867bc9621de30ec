import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type RemedyRun, workloadKey } from '../../daemon/index.js';
import { Reporter } from '../../daemon/reporter.js';
import { type Runtime, startRuntime, TeamSetupError } from '../../daemon/runtime.js';
import type { Incident } from '../../detect/index.js';
import { connect } from '../../kube/connect.js';
import { memoryDir, openMemory } from '../../memory/index.js';
import { resolvePolicy } from '../../remedy/policy.js';
import type { AuditEntry } from '../../remedy/types.js';
// `demo` is, with `sim`, the one command allowed to import the simulator: it brings its own cluster.
import { applyScenario, getScenario, listScenarios } from '../../sim/scenarios/index.js';
import { startSimulator } from '../../sim/simulator.js';
import { CliError, type Command, type CommandIo } from '../command.js';

const USAGE = `Usage: kubemend demo [--scenario NAME] [--model NAME] [--speed X] [--timeout SECONDS]

Offline, no API key: starts the built-in cluster simulator, applies a fault scenario (default: the seed's
memory-hog, OOMKilled under a 100Mi limit) and runs kubemend's repair loop on it in auto mode, as 'kubemend run'
would: the incident is detected, diagnosed, a patch is proposed (diff shown), dry-run on the API server,
applied, verified healthy on the cluster's clock, and resolved — then a summary and the audit trail.

Flags:
  --scenario NAME    a scenario from 'kubemend sim --list-scenarios' (default memory-hog)
  --model NAME       let this configured model's agent team handle what no runbook knows
  --speed X          simulated clock speed (default 30: back-offs of minutes take seconds)
  --timeout SECONDS  give up after this long (default 60)`;

/** What each audit step looks like in the demo's progress view. */
const STEP_TEXT: Readonly<Record<AuditEntry['step'], string>> = {
  proposed: 'patch proposed',
  policy: 'policy',
  review: 'security review',
  'dry-run': 'dry-run on the API server',
  applied: 'applied',
  verify: 'verification',
  'rolled-back': 'rolled back',
  resolved: 'resolved',
  escalated: 'escalated to a person',
  'approval-requested': 'approval requested',
  approved: 'approved',
  rejected: 'rejected',
  notified: 'notified',
  experience: 'remembered',
};

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

function indent(text: string, by = '      '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'watch kubemend detect and repair a failing workload on the built-in simulator (offline, no API key)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string', default: 'memory-hog' },
        model: { type: 'string' },
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
    const stateDir = mkdtempSync(join(tmpdir(), 'kubemend-demo-'));
    const sim = await startSimulator({ speed });
    let runtime: Runtime | undefined;
    try {
      step(`simulated cluster up at ${sim.url} (3 nodes, clock x${speed})`);
      // From here on kubemend talks to the cluster like to any other: client-node over HTTP with a kubeconfig.
      const conn = connect({ kubeconfig: sim.kubeconfigPath });
      if (!conn.ok) throw new CliError(conn.error.message, conn.error.hint);
      const memory = await openMemory({ dir: memoryDir(stateDir) });
      const isOurs = (i: Incident) =>
        i.workload.name === scenario.expect.workload.name && i.workload.kind === scenario.expect.workload.kind;
      let detectedAt: { wall: number; sim: number } | undefined;
      let diagnosed: Incident | undefined;
      let detected: Incident | undefined;
      const appliedAt = { wall: 0, sim: 0 };
      let tokens = 0;
      const trail: AuditEntry[] = [];
      runtime = await startRuntime({
        conn: conn.value,
        memory,
        stateDir,
        // The demo's cluster is its own: repairing it unattended is the point. Verification lasts a minute of
        // cluster time (two seconds of the demo's), long enough for a relapse to show.
        policy: resolvePolicy({ mode: 'auto', verifyWindowSeconds: 60 }),
        // The demo prints its own progress from the audit trail; the daemon's lines would repeat it.
        reporter: new Reporter({
          stdout: io.stdout,
          stderr: io.stderr,
          format: 'text',
          only: (e) => e.event === 'error',
        }),
        quiet: true,
        env: io.env,
        namespace: scenario.namespace,
        watch: { fullPassMs: 2_000, tracker: { resolveAfterPasses: 2, quietPeriodMs: 3_000 } },
        // Only an explicit --model brings the team in: the demo stays offline whatever the environment configures.
        ...(values.model ? { model: values.model, cwd: io.cwd, kubeconfig: sim.kubeconfigPath } : {}),
        onIncident: (incident) => {
          if (!isOurs(incident) || detectedAt) return;
          detected = incident;
          detectedAt = { wall: performance.now(), sim: sim.clock.now().getTime() };
          const wall = ((detectedAt.wall - appliedAt.wall) / 1000).toFixed(1);
          const simulated = ((detectedAt.sim - appliedAt.sim) / 1000).toFixed(0);
          step(`detected ${wall}s after apply (${simulated}s of cluster time):`);
          printIncident(io, incident);
        },
        onAudit: (e) => {
          trail.push(e);
          const tokensUsed = (e.data as { tokens?: number } | undefined)?.tokens;
          if (typeof tokensUsed === 'number') tokens += tokensUsed;
          if (e.step === 'proposed' && detected && !diagnosed) {
            diagnosed = detected;
            step(`diagnosis [${e.actor}]: ${detected.failureClass}, ${detected.summary}`);
          }
          step(`${STEP_TEXT[e.step]} [${e.actor}]: ${e.reason}`);
          if (e.diff && (e.step === 'dry-run' || e.step === 'rolled-back')) io.stdout.write(`${indent(e.diff)}\n`);
        },
      }).catch(async (err: unknown) => {
        await memory.close();
        if (err instanceof TeamSetupError) throw new CliError(err.message, err.hint);
        throw err;
      });
      step(
        `kubemend is watching the cluster in auto mode (informers on every kind, zero-token runbooks${runtime.team ? `, agent team on ${runtime.team} for what no runbook knows` : ', no LLM, no API key'})`,
      );
      const finished = new Promise<{ incident: Incident; run: RemedyRun }>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new CliError(
                `no repair within ${timeoutMs / 1000}s`,
                'try a larger --timeout, or KUBEMEND_SIM_DEBUG=1 for simulator logs',
              ),
            ),
          timeoutMs,
        );
        runtime?.daemon.onOutcome((incident, run) => {
          if (!isOurs(incident) || run.outcome === 'awaiting-approval') return;
          clearTimeout(timer);
          resolve({ incident, run });
        });
      });
      step(`applying scenario "${scenario.name}": ${scenario.title}`);
      appliedAt.wall = performance.now();
      appliedAt.sim = sim.clock.now().getTime();
      await applyScenario(sim.kubeconfigPath, scenario);
      const { incident, run } = await finished;
      const repairWall = ((performance.now() - appliedAt.wall) / 1000).toFixed(1);
      const repairSim = ((sim.clock.now().getTime() - appliedAt.sim) / 1000).toFixed(0);
      const ok = run.outcome === 'resolved';
      step(
        ok
          ? `resolved: ${scenario.expect.workload.kind} ${scenario.expect.workload.name} is healthy again, verified on the cluster`
          : `${run.outcome}: ${run.reason}`,
      );
      const entries = trail.filter((e) => e.incidentId === incident.id);
      io.stdout.write(
        [
          '',
          `summary: ${ok ? 'repaired' : run.outcome} in ${repairWall}s (${repairSim}s of cluster time) after the failure began, ${tokens} LLM tokens used`,
          `audit entry for incident ${incident.id} (${workloadKey(incident)}), as 'kubemend audit' shows it:`,
          ...entries.map((e) => `  ${e.time.slice(11, 19)}  ${e.step.padEnd(12)} ${e.actor.padEnd(14)} ${e.reason}`),
          '',
        ].join('\n'),
      );
      return ok ? 0 : 1;
    } finally {
      await runtime?.stop();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};
