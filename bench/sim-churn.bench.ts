// bench:sim churn case — the simulated cluster with its controllers and kubelet under continuous rollouts:
// 100 Deployments × 10 nginx replicas while 20 clients watch every pod. Two kinds of churn: paced (one
// template change after another, 100 over 60 s) and continuous (every Deployment re-patched as soon as its
// last rollout completes), which finds how many rollouts per minute the simulator can carry. The simulator
// runs in its own process (bench/lib/sim-child.ts); this process plays every client, reads the simulator's
// CPU from /proc and asks it for its reconcile counters.
//
// Usage: node --import tsx bench/sim-churn.bench.ts [--deployments 100 --replicas 10 --watchers 20
//          --rollouts 100 --seconds 60 --continuous 30 --speed 20]
//        [--profile DIR]  (simulator under --cpu-prof; prints its hottest functions; leaves the doc alone)

import { mkdirSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ControllerStats } from '../src/sim/controllers/controller.js';
import { SimHttp } from './lib/cluster-fixture.js';
import { hotFunctions, mainThreadProfile } from './lib/cpu-profile.js';
import { machineInfo, markdownTable, writeBenchSection } from './lib/report.js';
import { cpuSeconds, peakRssMb, startSimChild } from './lib/sim-process.js';
import { percentile } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '10' },
    watchers: { type: 'string', default: '20' },
    rollouts: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    continuous: { type: 'string', default: '30' },
    speed: { type: 'string', default: '20' },
    profile: { type: 'string' },
  },
});
const DEPLOYMENTS = Number(values.deployments);
const REPLICAS = Number(values.replicas);
const WATCHERS = Number(values.watchers);
const ROLLOUTS = Number(values.rollouts);
const SECONDS = Number(values.seconds);
const CONTINUOUS_SECONDS = Number(values.continuous);
const SPEED = Number(values.speed);
const NAMESPACES = Math.max(1, Math.ceil(DEPLOYMENTS / 10));
// 110 pods per node; every Deployment may surge 25% at once, so leave 60% headroom.
const NODES = Math.max(3, Math.ceil((DEPLOYMENTS * REPLICAS * 1.6) / 110));
const STEADY_SECONDS = 5;
const SETTLE_TIMEOUT_MS = 90_000;

const nowMs = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WatchEvent {
  readonly type: string;
  readonly object: { readonly metadata: { readonly resourceVersion?: string } };
}

/** A watch that parses every event and resumes from the last resourceVersion if the server ends it. */
function follow(base: string, path: string, fromRv: string, onEvent: (e: WatchEvent) => void): () => void {
  let rv = fromRv;
  let res: IncomingMessage | undefined;
  let stopped = false;
  const open = (): void => {
    const req = request(new URL(`${path}?watch=true&resourceVersion=${rv}`, base), (r) => {
      res = r;
      let buf = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buf += chunk;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const e = JSON.parse(buf.slice(0, nl)) as WatchEvent;
          buf = buf.slice(nl + 1);
          if (e.type === 'ERROR') throw new Error(`watch ${path} failed: ${JSON.stringify(e.object)}`);
          rv = e.object.metadata.resourceVersion ?? rv;
          onEvent(e);
        }
      });
      r.on('end', () => {
        if (!stopped) open();
      });
    });
    req.on('error', (err) => {
      if (!stopped) throw new Error(`watch ${path}: ${err.message}`);
    });
    req.end();
  };
  open();
  return () => {
    stopped = true;
    res?.destroy();
  };
}

interface Snapshot {
  readonly atMs: number;
  readonly controllers: readonly ControllerStats[];
  /** The simulator's event loop: ms busy since it started. */
  readonly loopActiveMs: number;
  readonly simCpuSeconds: number;
  readonly benchCpuMs: number;
  readonly podEvents: number;
}

function deployment(ns: string, name: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 80 }],
              readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
}

interface DeploymentView {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly generation: number };
  readonly spec: { readonly replicas: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
  };
}

/** `kubectl rollout status`'s test: the controller saw the change and only updated, available pods remain. */
function rolledOut(d: DeploymentView, generation: number): boolean {
  const s = d.status ?? {};
  const want = d.spec.replicas;
  return (
    (s.observedGeneration ?? 0) >= generation &&
    s.updatedReplicas === want &&
    (s.replicas ?? 0) === want &&
    s.availableReplicas === want
  );
}

/** The bench's informer on deployments: the latest object per key, and the rollouts still to complete. */
class Rollouts {
  private readonly latest = new Map<string, DeploymentView>();
  private readonly waiting = new Map<string, { generation: number; sentAt: number; done: (ms: number) => void }>();
  superseded = 0;

  observe(d: DeploymentView): void {
    const key = `${d.metadata.namespace}/${d.metadata.name}`;
    this.latest.set(key, d);
    this.check(key);
  }

  /** Resolves with the wall ms from `sentAt` until the rollout to `generation` completes (NaN if superseded). */
  expect(key: string, generation: number, sentAt: number): Promise<number> {
    const before = this.waiting.get(key);
    if (before) {
      this.superseded++;
      before.done(Number.NaN);
    }
    return new Promise((done) => {
      this.waiting.set(key, { generation, sentAt, done });
      this.check(key);
    });
  }

  private check(key: string): void {
    const w = this.waiting.get(key);
    const d = this.latest.get(key);
    if (w && d && rolledOut(d, w.generation)) {
      this.waiting.delete(key);
      w.done(nowMs() - w.sentAt);
    }
  }
}

interface Phase {
  readonly from: Snapshot;
  readonly to: Snapshot;
  /** Wall ms per completed rollout (or creation, for setup). */
  readonly durations: readonly number[];
  /** Simulator CPU per 1 s sample, % of one core. */
  readonly cpuSamples: readonly number[];
}
const seconds = (p: Phase) => (p.to.atMs - p.from.atMs) / 1000;
const loopBusy = (p: Phase) => ((p.to.loopActiveMs - p.from.loopActiveMs) / 1000 / seconds(p)) * 100;
const simCpu = (p: Phase) => ((p.to.simCpuSeconds - p.from.simCpuSeconds) / seconds(p)) * 100;
const benchCpu = (p: Phase) => ((p.to.benchCpuMs - p.from.benchCpuMs) / 1000 / seconds(p)) * 100;
const podEventRate = (p: Phase) => (p.to.podEvents - p.from.podEvents) / seconds(p);
function perController(p: Phase, name: string, field: 'reconciles' | 'busyMs'): number {
  const delta =
    (p.to.controllers.find((c) => c.name === name)?.[field] ?? 0) -
    (p.from.controllers.find((c) => c.name === name)?.[field] ?? 0);
  return field === 'busyMs' ? (delta / 1000 / seconds(p)) * 100 : delta / seconds(p);
}
const allReconciles = (p: Phase) =>
  p.to.controllers.reduce((n, c) => n + c.reconciles, 0) - p.from.controllers.reduce((n, c) => n + c.reconciles, 0);

async function main(): Promise<void> {
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const loadAtStart = loadavg()[0]!;
  const sim = await startSimChild({
    controllers: true,
    speed: SPEED,
    nodes: NODES,
    ...(profileDir ? { profileDir } : {}),
  });
  const started = nowMs();
  console.log(`simulator at ${sim.url} (pid ${sim.pid}), speed ${SPEED}, ${NODES} nodes`);
  const http = new SimHttp(sim.url, 128);

  const rv = (JSON.parse((await http.send('GET', '/api/v1/pods')).body) as WatchEvent['object']).metadata
    .resourceVersion!;
  const perWatcher = new Array<number>(WATCHERS).fill(0);
  let podEvents = 0;
  const stops = Array.from({ length: WATCHERS }, (_, w) =>
    follow(sim.url, '/api/v1/pods', rv, () => {
      perWatcher[w]!++;
      podEvents++;
    }),
  );
  const rollouts = new Rollouts();
  stops.push(follow(sim.url, '/apis/apps/v1/deployments', rv, (e) => rollouts.observe(e.object as DeploymentView)));

  const snapshot = async (): Promise<Snapshot> => ({
    ...(await sim.stats().then((s) => ({ controllers: s.stats, loopActiveMs: s.eventLoop.active }))),
    atMs: nowMs(),
    simCpuSeconds: cpuSeconds(sim.pid),
    benchCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    podEvents,
  });
  const measure = async (work: () => Promise<readonly number[]>): Promise<Phase> => {
    const from = await snapshot();
    const cpuSamples: number[] = [];
    let last = from.simCpuSeconds;
    const sampler = setInterval(() => {
      const t = cpuSeconds(sim.pid);
      cpuSamples.push((t - last) * 100);
      last = t;
    }, 1000);
    const deadline = setTimeout(
      () => {
        throw new Error(`a phase did not settle within ${SETTLE_TIMEOUT_MS / 1000} s of its work`);
      },
      SETTLE_TIMEOUT_MS + 1000 * Math.max(SECONDS, CONTINUOUS_SECONDS),
    );
    const durations = (await work()).filter((d) => !Number.isNaN(d));
    clearTimeout(deadline);
    clearInterval(sampler);
    return { from, to: await snapshot(), durations, cpuSamples };
  };
  const names = Array.from({ length: DEPLOYMENTS }, (_, i) => ({ ns: `churn-${i % NAMESPACES}`, name: `web-${i}` }));
  let serial = 0;
  const rollOut = async (ns: string, name: string): Promise<number> => {
    const sentAt = nowMs();
    const patch = {
      spec: { template: { metadata: { annotations: { 'bench.kubemend.io/rollout': String(serial++) } } } },
    };
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
    // The server closes keep-alive sockets idle for 5 s (as long as the steady phase): one retry covers a reuse
    // that races that close.
    const patched = (await http
      .write('PATCH', path, patch)
      .catch((err: NodeJS.ErrnoException) =>
        err.code === 'ECONNRESET' ? http.write('PATCH', path, patch) : Promise.reject(err),
      )) as unknown as DeploymentView;
    return rollouts.expect(`${ns}/${name}`, patched.metadata.generation, sentAt);
  };

  const setup = await measure(async () => {
    for (let n = 0; n < NAMESPACES; n++)
      await http.write('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `churn-${n}` },
      });
    const created: Promise<number>[] = [];
    for (const { ns, name } of names) {
      const sentAt = nowMs();
      await http.write('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment(ns, name));
      created.push(rollouts.expect(`${ns}/${name}`, 1, sentAt));
    }
    return Promise.all(created);
  });
  console.log(`setup: ${DEPLOYMENTS * REPLICAS} pods available in ${seconds(setup).toFixed(1)} s`);

  // Nothing changes; the kubelet still advances every running container and its readiness probe.
  const steady = await measure(async () => {
    await sleep(STEADY_SECONDS * 1000);
    return [];
  });

  const paced = await measure(async () => {
    const start = nowMs();
    const done: Promise<number>[] = [];
    for (let i = 0; i < ROLLOUTS; i++) {
      await sleep(Math.max(0, start + (i * SECONDS * 1000) / ROLLOUTS - nowMs()));
      const { ns, name } = names[i % DEPLOYMENTS]!;
      done.push(rollOut(ns, name));
    }
    return Promise.all(done);
  });
  console.log(`paced churn: ${paced.durations.length} rollouts in ${seconds(paced).toFixed(1)} s`);

  const continuous = await measure(async () => {
    const end = nowMs() + CONTINUOUS_SECONDS * 1000;
    const perDeployment = await Promise.all(
      names.map(async ({ ns, name }) => {
        const durations: number[] = [];
        while (nowMs() < end) durations.push(await rollOut(ns, name));
        return durations;
      }),
    );
    return perDeployment.flat();
  });
  console.log(`continuous churn: ${continuous.durations.length} rollouts in ${seconds(continuous).toFixed(1)} s`);

  await sleep(1000); // the watchers drain before their counts are compared
  for (const stop of stops) stop();
  const rss = peakRssMb(sim.pid);
  await sim.stop();
  http.close();

  const phases = [setup, steady, paced, continuous];
  const fmt = (n: number) => (Number.isNaN(n) ? '—' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  const perMinute = (p: Phase) => Math.round((p.durations.length / seconds(p)) * 60).toLocaleString('en-US');
  const duration = (p: Phase) => {
    const [p50, p95] = [percentile(p.durations, 50) / 1000, percentile(p.durations, 95) / 1000];
    return p.durations.length
      ? `${p50.toFixed(2)} / ${p95.toFixed(2)} s (${fmt(p50 * SPEED)} / ${fmt(p95 * SPEED)} s sim.)`
      : '—';
  };
  const row = (what: string, cell: (p: Phase) => string) => [what, ...phases.map(cell)];
  const rows = [
    row('wall time', (p) => `${seconds(p).toFixed(1)} s`),
    row('rollouts completed (setup: Deployments created and available)', (p) => String(p.durations.length)),
    row('rollouts completed per minute', (p) => (p === steady ? '—' : perMinute(p))),
    row('rollout duration p50 / p95, wall (simulated)', duration),
    row(`pod events delivered/s, all ${WATCHERS} watchers`, (p) => fmt(podEventRate(p))),
    row('reconciles/s, all controllers', (p) => fmt(allReconciles(p) / seconds(p))),
    row('simulator event loop busy (share of wall time)', (p) => `${loopBusy(p).toFixed(0)}%`),
    row('simulator CPU, mean (% of one core)', (p) => `${simCpu(p).toFixed(0)}%`),
    row('simulator CPU, highest 1 s sample', (p) =>
      p.cpuSamples.length ? `${Math.max(...p.cpuSamples).toFixed(0)}%` : '—',
    ),
    row('bench process CPU (the clients), mean', (p) => `${benchCpu(p).toFixed(0)}%`),
  ];
  const header = [
    'measure',
    'setup',
    `steady (${STEADY_SECONDS} s)`,
    `paced churn (${ROLLOUTS} over ${SECONDS} s)`,
    `continuous churn (${CONTINUOUS_SECONDS} s)`,
  ];
  const names0 = continuous.to.controllers.map((c) => c.name);
  const controllerRows = names0
    .filter((name) => phases.some((p) => perController(p, name, 'reconciles') > 0))
    .map((name) => [
      name,
      ...phases.map(
        (p) => `${fmt(perController(p, name, 'reconciles'))} (${perController(p, name, 'busyMs').toFixed(1)}%)`,
      ),
    ]);
  const controllerTable = markdownTable(['controller', ...header.slice(1)], controllerRows);
  const consistent = perWatcher.every((n) => n === perWatcher[0]);
  const failed = continuous.to.controllers.filter((c) => c.errors > 0).map((c) => `${c.name} ${c.errors}`);
  console.log(markdownTable(header, rows));
  console.log(`\nreconciles/s (busy share of wall time):\n${controllerTable}`);
  console.log(
    `\npeak RSS ${rss.toFixed(0)} MB; ${rollouts.superseded} rollouts superseded; reconcile errors: ${failed.join(', ') || 'none'}; watchers received identical streams: ${consistent} (${perWatcher[0]} events each)`,
  );

  if (profileDir) {
    const hot = hotFunctions(mainThreadProfile(profileDir), 30);
    console.log(`\nsimulator CPU profile, self time, share of busy CPU:\n${hot.self.join('\n')}`);
    console.log(`\ninclusive time (the function and its callees):\n${hot.inclusive.join('\n')}`);
    console.log('\n(profiled run: docs/benchmarks.md left unchanged)');
    return;
  }
  writeBenchSection('sim-churn', {
    title: 'Simulated cluster under rollout churn (`npm run bench:sim`, churn case)',
    machine: machineInfo(),
    notes: [
      `${DEPLOYMENTS} Deployments × ${REPLICAS} replicas of nginx:1.27 (httpGet readiness probe, default RollingUpdate: 25% surge, 25% unavailable) in ${NAMESPACES} namespaces. The simulator (controllers, scheduler, kubelet; clock ${SPEED}× real time, ${NODES} nodes of 110 pods) runs in its own process; this process plays every client: ${WATCHERS} watches on all pods (every event JSON-parsed), one watch on Deployments to see rollouts complete, and the patches. Both share the machine's cores.`,
      `Paced churn patches a template annotation on one Deployment after another, evenly over ${SECONDS} s; continuous churn keeps all ${DEPLOYMENTS} rolling, re-patching each as soon as its rollout completes, for ${CONTINUOUS_SECONDS} s. A phase ends when its last rollout completes. A rollout is complete by \`kubectl rollout status\`'s test (observedGeneration current, updated = replicas = available); its duration runs from just before the PATCH is sent.`,
      `CPU is the simulator process's utime + stime from /proc/<pid>/stat. Reconciles/s and busy (wall time inside reconcile() as a share of the phase) come from the controllers' counters; busy includes the store writes a reconcile makes, which synchronously feed every controller's keysFor and serialise the event for every watch stream. Event loop busy is the simulator's own performance.eventLoopUtilization(): near 100% it is saturated and rollouts queue, which is what continuous churn measures.`,
      '`--profile DIR` runs the simulator under `--cpu-prof` and prints its hottest functions (self and inclusive) instead of writing this section.',
      `Simulator peak RSS (VmHWM, whole run, watch history window 200,000 events): ${rss.toFixed(0)} MB. Every watcher received the same ${perWatcher[0]?.toLocaleString('en-US')} pod events: ${consistent ? 'yes' : 'NO'}. Reconciles that threw (and were retried): ${failed.join(', ') || 'none'}. Whole run ${((nowMs() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadAtStart.toFixed(1)} when it started, ${loadavg()[0]!.toFixed(1)} when it ended (this bench's two processes account for about 1.5; more means other work took cores from them).`,
    ],
    header,
    rows,
    extra: `### Reconciles per second per controller (busy share of wall time)\n\n${controllerTable}`,
  });
  console.log('results written to docs/benchmarks.md');
}

await main();
