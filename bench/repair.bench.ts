// bench:repair — how fast kubemend repairs each runbook scenario, against what a cluster does without it.
// Per scenario, three arms, each on a fresh simulator (so request counts are the arm's own):
//   kubemend        the daemon (startRuntime, auto mode, default policy) watching the namespace
//   kubernetes      nobody acts: the bounded wait ends with "never recovers" and the restart count
//   delete-the-pod  a naive playbook: every N simulated seconds, list the pods and delete every unhealthy one
// Time runs from the failure's first sign (first Warning event or crashed container) to verified recovery:
// healthy for the same window kubemend verifies (policy verifyWindowSeconds) on the cluster's clock. The bench
// observes the simulator's store in-process, so observing costs no API requests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { Reporter } from '../src/daemon/reporter.js';
import { startRuntime } from '../src/daemon/runtime.js';
import type { Incident } from '../src/detect/index.js';
import { connect } from '../src/kube/connect.js';
import { memoryDir, openMemory } from '../src/memory/index.js';
import { resolvePolicy } from '../src/remedy/policy.js';
import type { PolicyConfig } from '../src/remedy/types.js';
import { RESOURCES, type ResourceInfo } from '../src/sim/resources.js';
import { applyScenario, getScenario, type Scenario } from '../src/sim/scenarios/index.js';
import { crashAfterRollout } from '../src/sim/scenarios/variants.js';
import { type Simulator, startSimulator } from '../src/sim/simulator.js';
import { machineInfo, writeBenchSection } from './lib/report.js';

const SPEED = 100;
/** Simulated seconds a baseline gets before it is declared "never recovers". */
const BASELINE_WAIT_S = 600;
/** The naive playbook's period, simulated seconds. */
const DELETE_EVERY_S = 30;
/** Simulated seconds kubemend gets per scenario before the bench calls it a failure. */
const KUBEMEND_WAIT_S = 1200;
const POLICY: PolicyConfig = resolvePolicy({ mode: 'auto' });
const WINDOW_MS = POLICY.verifyWindowSeconds * 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function resource(plural: string, group = ''): ResourceInfo {
  const r = RESOURCES.find((x) => x.plural === plural && x.group === group);
  if (!r) throw new Error(`no resource ${group}/${plural}`);
  return r;
}
const PODS = resource('pods');
const EVENTS = resource('events');
const DEPLOYMENTS = resource('deployments', 'apps');

function scenario(name: string): Scenario {
  const s = getScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
}

// --- observing the simulator's store (no API requests) ---

type Obj = { metadata: Record<string, unknown>; spec?: Record<string, unknown>; status?: Record<string, unknown> };
type ContainerStatus = {
  ready?: boolean;
  restartCount?: number;
  lastState?: { terminated?: { finishedAt?: string; reason?: string } };
  state?: { terminated?: { finishedAt?: string; reason?: string } };
};

function objects(sim: Simulator, r: ResourceInfo, ns: string): Obj[] {
  return sim.store.all(r, ns) as unknown as Obj[];
}

function statuses(pod: Obj): ContainerStatus[] {
  return ((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []).filter(Boolean);
}

/** Simulated ms of the failure's first sign after `since`: a Warning event, or a container that terminated badly. */
function firstFailure(sim: Simulator, ns: string, since: number): number | undefined {
  const times: number[] = [];
  for (const e of objects(sim, EVENTS, ns) as unknown as Record<string, unknown>[]) {
    if (e.type !== 'Warning') continue;
    const t = Date.parse(String(e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp ?? ''));
    if (t >= since) times.push(t);
  }
  for (const pod of objects(sim, PODS, ns))
    for (const c of statuses(pod))
      for (const term of [c.lastState?.terminated, c.state?.terminated]) {
        const t = term && term.reason !== 'Completed' ? Date.parse(term.finishedAt ?? '') : Number.NaN;
        if (t >= since) times.push(t);
      }
  return times.length ? Math.min(...times) : undefined;
}

function restarts(sim: Simulator, ns: string): number {
  return objects(sim, PODS, ns).reduce((n, p) => n + statuses(p).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0);
}

/** Every Deployment rolled out, every live pod Ready: a snapshot of health (stability is the caller's window). */
function healthyNow(sim: Simulator, ns: string): boolean {
  for (const d of objects(sim, DEPLOYMENTS, ns)) {
    const want = (d.spec?.replicas as number | undefined) ?? 1;
    const st = d.status ?? {};
    if (((st.observedGeneration as number | undefined) ?? 0) < ((d.metadata.generation as number | undefined) ?? 0))
      return false;
    for (const field of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
      if ((st[field] ?? 0) !== want) return false;
  }
  const live = objects(sim, PODS, ns).filter((p) => !p.metadata.deletionTimestamp);
  return live.length > 0 && live.every((p) => statuses(p).length > 0 && statuses(p).every((c) => c.ready === true));
}

function restartsByPod(sim: Simulator, ns: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of objects(sim, PODS, ns))
    out.set(
      String(p.metadata.uid),
      statuses(p).reduce((m, c) => m + (c.restartCount ?? 0), 0),
    );
  return out;
}

/**
 * Tracks "healthy and no container restarted" continuously; `recoveredAt` is when the window first completed.
 * Restarts are compared per pod: a deleted pod's count leaving the sum must not hide a new restart.
 */
class Stability {
  private since: number | undefined;
  private atStart = new Map<string, number>();
  recoveredAt: number | undefined;

  look(sim: Simulator, ns: string): void {
    const now = sim.clock.now().getTime();
    const counts = restartsByPod(sim, ns);
    const restarted = [...counts].some(([uid, n]) => n > (this.atStart.get(uid) ?? 0));
    if (!healthyNow(sim, ns) || (this.since !== undefined && restarted)) {
      this.since = undefined;
      return;
    }
    if (this.since === undefined) {
      this.since = now;
      this.atStart = counts;
    }
    if (this.recoveredAt === undefined && now - this.since >= WINDOW_MS) this.recoveredAt = now;
  }
}

// --- the arms ---

interface ArmResult {
  readonly recovered: boolean;
  /** Simulated seconds from the failure's first sign to verified recovery (or to the end of the wait). */
  readonly simS: number;
  readonly wallS: number;
  readonly requests: number;
  readonly restarts: number;
  readonly note: string;
}

interface Started {
  readonly sim: Simulator;
  /** Wall ms and simulated ms at the same instant, to place simulated times on the wall clock (linear clock). */
  readonly wall0: number;
  readonly sim0: number;
  readonly requestsAfterApply: number;
}

async function startScenario(s: Scenario): Promise<Started> {
  const sim = await startSimulator({ speed: SPEED });
  await applyScenario(sim.kubeconfigPath, s);
  return { sim, wall0: performance.now(), sim0: sim.clock.now().getTime(), requestsAfterApply: sim.requestCount() };
}

function wallAt(st: Started, simMs: number): number {
  return st.wall0 + (simMs - st.sim0) / SPEED;
}

async function failureStart(st: Started, ns: string, applyStartSim: number): Promise<number> {
  for (;;) {
    const t = firstFailure(st.sim, ns, applyStartSim);
    if (t !== undefined) return t;
    await sleep(20);
  }
}

function secondsBetween(a: number, b: number): number {
  return (b - a) / 1000;
}

async function kubemendArm(s: Scenario): Promise<ArmResult> {
  const applyStart = Date.now();
  const st = await startScenario(s);
  const { sim } = st;
  const stateDir = mkdtempSync(join(tmpdir(), 'kubemend-bench-repair-'));
  const conn = connect({ kubeconfig: sim.kubeconfigPath });
  if (!conn.ok) throw new Error(conn.error.message);
  const memory = await openMemory({ dir: memoryDir(stateDir), sync: 'none' });
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const runtime = await startRuntime({
    conn: conn.value,
    memory,
    stateDir,
    policy: POLICY,
    reporter: new Reporter({ stdout: sink, stderr: sink, format: 'json' }),
    quiet: true,
    env: {},
    namespace: s.namespace,
  });
  try {
    const ours = (i: Incident) =>
      i.workload.name === s.expect.workload.name && i.workload.kind === s.expect.workload.kind;
    const settled = new Promise<{ outcome: string; sim: number; wall: number; requests: number }>((resolve) => {
      runtime.daemon.onOutcome((incident, run) => {
        if (!ours(incident) || run.outcome === 'awaiting-approval') return;
        resolve({
          outcome: run.outcome,
          sim: sim.clock.now().getTime(),
          wall: performance.now(),
          requests: sim.requestCount(),
        });
      });
    });
    const deadline = sleep((KUBEMEND_WAIT_S * 1000) / SPEED).then(() => undefined);
    const start = await failureStart(st, s.namespace, applyStart - 1000);
    const done = await Promise.race([settled, deadline]);
    if (!done) throw new Error(`${s.name}: kubemend did not settle within ${KUBEMEND_WAIT_S} simulated seconds`);
    return {
      recovered: done.outcome === 'resolved',
      simS: secondsBetween(start, done.sim),
      wallS: (done.wall - wallAt(st, start)) / 1000,
      requests: done.requests - st.requestsAfterApply,
      restarts: restarts(sim, s.namespace),
      note: done.outcome,
    };
  } finally {
    await runtime.stop(0);
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Kubernetes alone (deleteEverySeconds undefined) or the naive delete-the-pod playbook. */
async function baselineArm(s: Scenario, deleteEverySeconds?: number): Promise<ArmResult> {
  const applyStart = Date.now();
  const st = await startScenario(s);
  const { sim } = st;
  try {
    const conn = connect({ kubeconfig: sim.kubeconfigPath });
    if (!conn.ok) throw new Error(conn.error.message);
    const core = conn.value.kc.makeApiClient(CoreV1Api);
    const start = await failureStart(st, s.namespace, applyStart - 1000);
    const stability = new Stability();
    const end = start + BASELINE_WAIT_S * 1000;
    let nextDelete = start;
    let deleted = 0;
    while (sim.clock.now().getTime() < end && stability.recoveredAt === undefined) {
      const now = sim.clock.now().getTime();
      if (deleteEverySeconds !== undefined && now >= nextDelete) {
        nextDelete = now + deleteEverySeconds * 1000;
        const pods = await core.listNamespacedPod({ namespace: s.namespace });
        for (const pod of pods.items) {
          const cs = pod.status?.containerStatuses ?? [];
          const unhealthy = cs.length === 0 || cs.some((c) => !c.ready || (c.restartCount ?? 0) > 0);
          if (!unhealthy || pod.metadata?.deletionTimestamp || !pod.metadata?.name) continue;
          await core.deleteNamespacedPod({ name: pod.metadata.name, namespace: s.namespace }).catch(() => undefined);
          deleted++;
        }
      }
      stability.look(sim, s.namespace);
      await sleep(20);
    }
    const at = stability.recoveredAt ?? sim.clock.now().getTime();
    return {
      recovered: stability.recoveredAt !== undefined,
      simS: secondsBetween(start, at),
      wallS: (wallAt(st, at) - wallAt(st, start)) / 1000,
      requests: sim.requestCount() - st.requestsAfterApply,
      restarts: restarts(sim, s.namespace),
      note: deleteEverySeconds === undefined ? 'no action' : `${deleted} pods deleted`,
    };
  } finally {
    await sim.close();
  }
}

// --- the run ---

const SCENARIOS: readonly Scenario[] = [
  scenario('memory-hog'),
  scenario('bad-image-tag-after-rollout'),
  crashAfterRollout(),
  scenario('liveness-probe-bad-path'),
  scenario('readiness-probe-wrong-port'),
];

function cells(r: ArmResult): string[] {
  const time = r.recovered
    ? `${r.simS.toFixed(0)} s / ${r.wallS.toFixed(1)} s`
    : `never recovers (${r.simS.toFixed(0)} s watched)`;
  return [time, String(r.requests), String(r.restarts), r.note];
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const rows: string[][] = [];
  for (const s of SCENARIOS) {
    const kubemend = await kubemendArm(s);
    const alone = await baselineArm(s);
    const naive = await baselineArm(s, DELETE_EVERY_S);
    for (const [arm, r] of [
      ['kubemend', kubemend],
      ['Kubernetes alone', alone],
      [`delete failing pods every ${DELETE_EVERY_S} s`, naive],
    ] as const) {
      rows.push([s.name, arm, ...cells(r)]);
      process.stdout.write(`${[s.name, arm, ...cells(r)].join(' | ')}\n`);
    }
  }
  const total = (performance.now() - benchStart) / 1000;
  writeBenchSection('repair', {
    title: 'Repair: time to verified recovery (bench:repair)',
    machine: machineInfo(),
    notes: [
      `Each scenario and arm on a fresh in-process simulator with its clock at ×${SPEED}; the whole bench took ${total.toFixed(0)} s of wall clock.`,
      "Time is from the failure's first sign (first Warning event or badly terminated container) to verified recovery: every Deployment rolled out, every pod Ready and no restart, continuously for the policy's verification window " +
        `(${POLICY.verifyWindowSeconds} s of cluster time; kubemend's own verifier for kubemend, the bench's store observer for the baselines). Simulated seconds / wall seconds; wall time is the simulated time at ×${SPEED}.`,
      'kubemend: `kubemend run` in-process (startRuntime, auto mode, default policy, runbooks only, no model, 0 tokens); requests are every API request it made from its start (informers, log reads, dry-runs, patches, verification reads) to the outcome.',
      `Kubernetes alone: no action for ${BASELINE_WAIT_S} simulated seconds after the failure began; restarts are the pods' restart count at the end. Delete-the-pod: every ${DELETE_EVERY_S} simulated seconds list the pods and delete each one that is not Ready or has restarted; requests are its lists and deletes.`,
      "The crash-after-rollout scenario is the runbook tests' variant (a busybox Deployment whose new command exits 1). Requests of applying the scenario are excluded from every arm.",
    ],
    header: ['scenario', 'arm', 'to verified recovery (sim / wall)', 'API requests', 'restarts', 'outcome'],
    rows,
  });
  process.stdout.write(`bench:repair done in ${total.toFixed(0)} s; docs/benchmarks.md section "repair" written\n`);
}

await main();
