// bench:sim churn case — the simulated cluster with its controllers and kubelet under continuous rollouts:
// 100 Deployments × 10 nginx replicas, 20 clients watching every pod, and one template change after another.
// The simulator runs in its own process (bench/lib/sim-child.ts); this process plays every client and reads
// the simulator's CPU from /proc and its reconcile counters over SIGUSR2.
//
// Usage: node --import tsx bench/sim-churn.bench.ts
//          [--deployments 100 --replicas 10 --watchers 20 --rollouts 100 --seconds 60 --speed 20]
//          [--profile DIR]  (runs the simulator under --cpu-prof, prints its hottest functions, writes no doc)

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, type IncomingMessage, request } from 'node:http';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { ControllerStats } from '../src/sim/controllers/controller.js';
import { machineInfo, markdownTable, writeBenchSection } from './lib/report.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '10' },
    watchers: { type: 'string', default: '20' },
    rollouts: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    speed: { type: 'string', default: '20' },
    profile: { type: 'string' },
  },
});
const DEPLOYMENTS = Number(values.deployments);
const REPLICAS = Number(values.replicas);
const WATCHERS = Number(values.watchers);
const ROLLOUTS = Number(values.rollouts);
const SECONDS = Number(values.seconds);
const SPEED = Number(values.speed);
const NAMESPACES = Math.max(1, Math.ceil(DEPLOYMENTS / 10));
// 110 pods per node; a rollout surges 25% and terminating pods hold their slot, so leave 60% headroom.
const NODES = Math.max(3, Math.ceil((DEPLOYMENTS * REPLICAS * 1.6) / 110));
const STEADY_SECONDS = 5;
const SETTLE_TIMEOUT_MS = 90_000;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const nowMs = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
  readonly status: number;
  readonly body: string;
}

function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json') {
  return new Promise<Reply>((done, fail) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, base),
      {
        method,
        agent,
        headers: { 'Content-Type': contentType, ...(text ? { 'Content-Length': Buffer.byteLength(text) } : {}) },
      },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          out += c;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, body: out }));
      },
    );
    req.on('error', fail);
    if (text) req.write(text);
    req.end();
  });
}

interface WatchEvent {
  readonly type: string;
  readonly object: KubeLike;
}
interface KubeLike {
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string };
  readonly [field: string]: unknown;
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
      if (!stopped) throw err;
    });
    req.end();
  };
  open();
  return () => {
    stopped = true;
    res?.destroy();
  };
}

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** The simulator's counters right now (asks the child over SIGUSR2). */
  stats(): Promise<Snapshot>;
}
interface Snapshot {
  readonly atMs: number;
  readonly controllers: readonly ControllerStats[];
  readonly requests: number;
  readonly cpuTicks: number;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 'NaN') / 1024;
}

async function startChild(profileDir: string | undefined): Promise<Child> {
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', new URL('./lib/sim-child.ts', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SIM_CONTROLLERS: '1', SIM_SPEED: String(SPEED), SIM_NODES: String(NODES) },
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((s: Snapshot['controllers'], requests: number) => void)[] = [];
  const info = await new Promise<{ url: string; pid: number }>((ready) => {
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { url?: string; pid?: number; stats?: { controllers: ControllerStats[]; requests: number } };
      if (msg.stats) waiting.shift()?.(msg.stats.controllers, msg.stats.requests);
      else ready({ url: msg.url!, pid: msg.pid! });
    });
  });
  return {
    process: child,
    ...info,
    stats: () =>
      new Promise((done) => {
        waiting.push((controllers, requests) =>
          done({ atMs: nowMs(), controllers, requests, cpuTicks: cpuTicks(info.pid) }),
        );
        child.kill('SIGUSR2');
      }),
  };
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

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

interface Phase {
  readonly name: string;
  readonly from: Snapshot;
  readonly to: Snapshot;
  readonly podEvents: number;
}
const phaseSeconds = (p: Phase) => (p.to.atMs - p.from.atMs) / 1000;
const cpuPercent = (p: Phase) => ((p.to.cpuTicks - p.from.cpuTicks) / CLK_TCK / phaseSeconds(p)) * 100;
function reconcileRate(p: Phase, name: string): number {
  const after = p.to.controllers.find((c) => c.name === name)?.reconciles ?? 0;
  const before = p.from.controllers.find((c) => c.name === name)?.reconciles ?? 0;
  return (after - before) / phaseSeconds(p);
}
function busyShare(p: Phase, name: string): number {
  const after = p.to.controllers.find((c) => c.name === name)?.busyMs ?? 0;
  const before = p.from.controllers.find((c) => c.name === name)?.busyMs ?? 0;
  return ((after - before) / 1000 / phaseSeconds(p)) * 100;
}

/** Self time per function of a V8 .cpuprofile, hottest first, as shares of the busy (non-idle) time. */
function hotFunctions(file: string, top: number): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const frame = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const f = frame.get(id);
    const dt = prof.timeDeltas[i] ?? 0;
    if (f?.functionName === '(idle)') return;
    const where = f?.url ? `${f.url.replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}` : '';
    const key = `${f?.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

async function main(): Promise<void> {
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const sim = await startChild(profileDir);
  const started = nowMs();
  console.log(`simulator at ${sim.url} (pid ${sim.pid}), speed ${SPEED}, ${NODES} nodes`);

  const podsRv = JSON.parse((await call(sim.url, 'GET', '/api/v1/pods')).body).metadata.resourceVersion as string;
  const perWatcher = new Array<number>(WATCHERS).fill(0);
  let podEvents = 0;
  const stops = Array.from({ length: WATCHERS }, (_, w) =>
    follow(sim.url, '/api/v1/pods', podsRv, () => {
      perWatcher[w]!++;
      podEvents++;
    }),
  );

  // The bench's own informer on deployments: the latest object per name, and rollouts waiting to finish.
  const latest = new Map<string, DeploymentView>();
  const waiting = new Map<string, { generation: number; sentAt: number }>();
  const durations: number[] = [];
  let superseded = 0;
  const check = (key: string): void => {
    const w = waiting.get(key);
    const d = latest.get(key);
    if (w && d && rolledOut(d, w.generation)) {
      waiting.delete(key);
      durations.push(nowMs() - w.sentAt);
    }
  };
  stops.push(
    follow(sim.url, '/apis/apps/v1/deployments', podsRv, (e) => {
      const d = e.object as unknown as DeploymentView;
      const key = `${d.metadata.namespace}/${d.metadata.name}`;
      latest.set(key, d);
      check(key);
    }),
  );
  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = nowMs() + SETTLE_TIMEOUT_MS;
    while (!done()) {
      if (nowMs() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };

  // Setup: every deployment created and fully available.
  const names = Array.from({ length: DEPLOYMENTS }, (_, i) => ({ ns: `churn-${i % NAMESPACES}`, name: `web-${i}` }));
  const s0 = await sim.stats();
  const events0 = podEvents;
  for (let n = 0; n < NAMESPACES; n++)
    await call(sim.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `churn-${n}` } });
  for (const { ns, name } of names) {
    waiting.set(`${ns}/${name}`, { generation: 1, sentAt: nowMs() });
    const r = await call(sim.url, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment(ns, name));
    if (r.status !== 201) throw new Error(`create ${ns}/${name}: HTTP ${r.status} ${r.body}`);
  }
  await until(() => waiting.size === 0, 'the deployments to become available');
  const s1 = await sim.stats();
  const setup: Phase = { name: 'setup', from: s0, to: s1, podEvents: podEvents - events0 };
  durations.length = 0;
  console.log(`setup: ${DEPLOYMENTS * REPLICAS} pods available in ${phaseSeconds(setup).toFixed(1)} s`);

  // Steady state: nothing changes; the kubelet still advances 1000 running containers and their probes.
  const events1 = podEvents;
  await sleep(STEADY_SECONDS * 1000);
  const s2 = await sim.stats();
  const steady: Phase = { name: 'steady', from: s1, to: s2, podEvents: podEvents - events1 };

  // Churn: one template change after another, spread evenly, then wait for the last rollouts to finish.
  const events2 = podEvents;
  const cpuSamples: number[] = [];
  let lastTicks = s2.cpuTicks;
  const sampler = setInterval(() => {
    const t = cpuTicks(sim.pid);
    cpuSamples.push(((t - lastTicks) / CLK_TCK) * 100);
    lastTicks = t;
  }, 1000);
  const churnStart = nowMs();
  for (let i = 0; i < ROLLOUTS; i++) {
    await sleep(Math.max(0, churnStart + (i * SECONDS * 1000) / ROLLOUTS - nowMs()));
    const { ns, name } = names[i % DEPLOYMENTS]!;
    const key = `${ns}/${name}`;
    const sentAt = nowMs();
    const patch = { spec: { template: { metadata: { annotations: { 'bench.kubemend.io/rollout': String(i) } } } } };
    const r = await call(sim.url, 'PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, patch, 'application/merge-patch+json');
    if (r.status !== 200) throw new Error(`patch ${key}: HTTP ${r.status} ${r.body}`);
    if (waiting.has(key)) superseded++;
    waiting.set(key, { generation: (JSON.parse(r.body) as DeploymentView).metadata.generation, sentAt });
    check(key);
  }
  await until(() => waiting.size === 0, 'the last rollouts to finish');
  clearInterval(sampler);
  const s3 = await sim.stats();
  const churn: Phase = { name: 'churn', from: s2, to: s3, podEvents: podEvents - events2 };

  await sleep(1000); // let the watchers drain before comparing what each received
  for (const stop of stops) stop();
  const rss = peakRssMb(sim.pid);
  const exited = new Promise((r) => sim.process.once('exit', r));
  sim.process.kill('SIGTERM');
  await exited;
  agent.destroy();

  const completed = durations.length;
  const perMinute = (completed / phaseSeconds(churn)) * 60;
  const p50 = percentile(durations, 50) / 1000;
  const p95 = percentile(durations, 95) / 1000;
  const consistent = perWatcher.every((n) => n === perWatcher[0]);
  const controllerNames = s3.controllers.map((c) => c.name);
  const phases = [setup, steady, churn];
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

  console.log(
    `steady: simulator CPU ${cpuPercent(steady).toFixed(0)}% of a core; churn: ${completed} rollouts completed in ${phaseSeconds(churn).toFixed(1)} s (${perMinute.toFixed(0)}/min, ${superseded} superseded), duration p50 ${p50.toFixed(1)} s p95 ${p95.toFixed(1)} s`,
  );
  console.log(
    `churn: ${fmt(churn.podEvents / phaseSeconds(churn))} pod events/s to ${WATCHERS} watchers (identical streams: ${consistent}), simulator CPU mean ${cpuPercent(churn).toFixed(0)}% max ${Math.max(...cpuSamples).toFixed(0)}% of a core, peak RSS ${rss.toFixed(0)} MB`,
  );
  const perController = controllerNames
    .map((name) => [name, ...phases.flatMap((p) => [fmt(reconcileRate(p, name)), `${busyShare(p, name).toFixed(1)}%`])])
    .filter((row) => row.slice(1).some((c) => c !== '0.0' && c !== '0.0%'));
  const controllerTable = markdownTable(
    ['controller', 'setup reconciles/s', 'busy', 'steady reconciles/s', 'busy', 'churn reconciles/s', 'busy'],
    perController,
  );
  console.log(controllerTable);

  if (profileDir) {
    // One profile per thread (tsx runs a loader thread); the main thread's is the big one.
    const file = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
    if (file) console.log(`\nsimulator self time (whole run, ${file}):\n${hotFunctions(file, 25).join('\n')}`);
    console.log('\n(profiled run: docs/benchmarks.md left unchanged)');
    return;
  }

  const rows = [
    [
      `setup: ${DEPLOYMENTS} Deployments × ${REPLICAS} replicas created and available`,
      `${phaseSeconds(setup).toFixed(1)} s; simulator CPU ${cpuPercent(setup).toFixed(0)}%`,
    ],
    [`steady state (${STEADY_SECONDS} s, no changes): simulator CPU`, `${cpuPercent(steady).toFixed(0)}% of a core`],
    [`churn: rollouts triggered over ${SECONDS} s`, `${ROLLOUTS} (${superseded} superseded a running rollout)`],
    [
      'churn: rollouts completed per minute (window ends when the last completes)',
      `${perMinute.toFixed(0)} (${completed} in ${phaseSeconds(churn).toFixed(1)} s)`,
    ],
    [
      'churn: rollout duration, template patch to `rollout status` complete, p50 / p95',
      `${p50.toFixed(1)} / ${p95.toFixed(1)} s wall (${(p50 * SPEED).toFixed(0)} / ${(p95 * SPEED).toFixed(0)} s simulated)`,
    ],
    [
      `churn: pod events delivered to ${WATCHERS} watchers`,
      `${fmt(churn.podEvents / phaseSeconds(churn))}/s (${fmt(churn.podEvents / phaseSeconds(churn) / WATCHERS)}/s each; streams identical: ${consistent ? 'yes' : 'NO'})`,
    ],
    [
      'churn: simulator CPU, mean / max 1 s sample (% of one core)',
      `${cpuPercent(churn).toFixed(0)}% / ${Math.max(...cpuSamples).toFixed(0)}%`,
    ],
    ['simulator peak RSS (whole run)', `${rss.toFixed(0)} MB`],
  ];
  writeBenchSection('sim-churn', {
    title: 'Simulated cluster under rollout churn (`npm run bench:sim`, churn case)',
    machine: machineInfo(),
    notes: [
      `The simulator (controllers, scheduler, kubelet; clock speed ${SPEED}×, ${NODES} nodes of 110 pods) runs in its own process; this process plays the clients: ${WATCHERS} watches on all pods (every event JSON-parsed), one watch on deployments to see rollouts finish, and the template patches. Both share the machine's cores.`,
      `Each Deployment runs nginx:1.27 with an httpGet readiness probe, default RollingUpdate (25% surge, 25% unavailable). Churn patches a template annotation on one Deployment after another, evenly over ${SECONDS} s; a rollout is complete by \`kubectl rollout status\`'s test (observedGeneration current, updated = replicas = available).`,
      "CPU is the simulator process's utime + stime from /proc/<pid>/stat. Reconciles/s and busy (wall time inside reconcile() as a share of the phase) come from the controllers' counters; busy includes the store writes a reconcile makes, which feed the other controllers and serialise the event to every watch stream synchronously.",
      `Whole run ${((nowMs() - started) / 1000).toFixed(0)} s.`,
    ],
    header: ['case', 'result'],
    rows,
    extra: `### Reconciles per controller\n\n${controllerTable}`,
  });
  console.log('results written to docs/benchmarks.md');
}

await main();
