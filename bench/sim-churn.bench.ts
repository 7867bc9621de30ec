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
      const msg = JSON.parse(line) as {
        url?: string;
        pid?: number;
        stats?: { controllers: ControllerStats[]; requests: number };
      };
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

