// Did the fix work? Measured against the cluster, on the cluster's clock: the rollout completes, the workload's
// pods are Ready, their restart counts hold still, and the analyzers no longer report the incident — all of it
// continuously for the verification window. A restart after the rollout fails verification at once (waiting out
// the window would only let a bad fix hurt longer).

import type { V1Pod } from '@kubernetes/client-node';
import { analyzeSnapshot, type ClusterSnapshot, type Incident, owningWorkload } from '../detect/index.js';
import { toMs } from '../detect/time.js';
import { readCluster } from '../kube/cluster-reader.js';
import type { Connection } from '../kube/connect.js';
import { ServerClock } from '../kube/server-clock.js';

export interface VerifyOptions {
  readonly windowSeconds: number;
  readonly timeoutSeconds: number;
  /** Wall-clock ms between looks (default 250). */
  readonly pollMs?: number;
  readonly clock?: ServerClock;
  readonly signal?: AbortSignal;
}

export type VerifyResult =
  | { readonly ok: true; readonly reason: string; readonly checks: number }
  | { readonly ok: false; readonly code: 'REGRESSED' | 'TIMEOUT' | 'ABORTED'; readonly reason: string };

interface Health {
  readonly healthy: boolean;
  readonly reason: string;
  /** A pod created after the fix that has already crashed: the fix failed, whatever the rollout says. */
  readonly crashed?: string;
  /** Restart count per pod uid, once the rollout is complete. */
  readonly restarts?: ReadonlyMap<string, { pod: string; count: number; last?: string }>;
}

interface RolloutLike {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

function rolloutPending(kind: string, o: RolloutLike): string | undefined {
  const st = o.status ?? {};
  if ((st.observedGeneration ?? 0) < (o.metadata?.generation ?? 0)) return 'the controller has not seen the change yet';
  const want = o.spec?.replicas ?? 1;
  if (kind === 'DaemonSet') {
    const desired = st.desiredNumberScheduled ?? 0;
    return (st.updatedNumberScheduled ?? 0) >= desired && (st.numberAvailable ?? 0) >= desired
      ? undefined
      : `${st.numberAvailable ?? 0}/${desired} pods available`;
  }
  const updated = st.updatedReplicas ?? 0;
  if (updated < want) return `${updated}/${want} pods updated`;
  if (kind === 'Deployment' && (st.replicas ?? 0) > updated) return `${(st.replicas ?? 0) - updated} old pods remain`;
  const available = kind === 'StatefulSet' ? (st.readyReplicas ?? 0) : (st.availableReplicas ?? 0);
  return available >= want ? undefined : `${available}/${want} pods available`;
}

/**
 * Pods running the workload's current template: for a Deployment, those of its newest ReplicaSet (highest
 * revision); for other kinds, pods created since verification began. Their crash is the fix's failure, while
 * old pods crashing until they are replaced is expected.
 */
function currentPods(snap: ClusterSnapshot, kind: string, pods: readonly V1Pod[], sinceMs: number): V1Pod[] {
  if (kind === 'Deployment') {
    const rsNames = new Set(
      pods.flatMap((p) =>
        (p.metadata?.ownerReferences ?? []).filter((o) => o.kind === 'ReplicaSet').map((o) => o.name),
      ),
    );
    let newest: { name: string; revision: number } | undefined;
    for (const name of rsNames) {
      const rs = snap.get('ReplicaSet', pods[0]?.metadata?.namespace, name);
      const revision = Number(rs?.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      if (!newest || revision > newest.revision) newest = { name, revision };
    }
    return pods.filter((p) =>
      p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === newest?.name),
    );
  }
  return pods.filter((p) => (toMs(p.metadata?.creationTimestamp) ?? 0) >= sinceMs);
}

/** The first current-template pod whose container already terminated badly or restarted. */
function freshCrash(pods: readonly V1Pod[]): string | undefined {
  for (const p of pods) {
    for (const c of p.status?.containerStatuses ?? []) {
      const last = c.lastState?.terminated ?? c.state?.terminated;
      if (c.restartCount > 0 || (last && last.exitCode !== 0))
        return `pod ${p.metadata?.name} created by the fix crashed (${c.name}: ${last?.reason ?? c.state?.waiting?.reason ?? 'restarted'}${last ? `, exit ${last.exitCode}` : ''})`;
    }
  }
  return undefined;
}

function workloadHealth(snap: ClusterSnapshot, incident: Incident, sinceMs: number): Health {
  const { kind, name, namespace } = incident.workload;
  if (kind === 'Service') {
    const ep = snap.get('Endpoints', namespace, name);
    const ready = (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    return ready > 0
      ? { healthy: true, reason: `${ready} ready endpoints`, restarts: new Map() }
      : { healthy: false, reason: 'the Service has no ready endpoints' };
  }
  if (kind !== 'Deployment' && kind !== 'StatefulSet' && kind !== 'DaemonSet')
    return { healthy: true, reason: `${kind} has no rollout to wait for`, restarts: new Map() };
  const obj = snap.get(kind, namespace, name) as RolloutLike | undefined;
  if (!obj) return { healthy: false, reason: `${kind}/${name} is gone` };
  const pods = snap.list('Pod', namespace).filter((p) => {
    const owner = owningWorkload('Pod', p, snap);
    return owner.kind === kind && owner.name === name && !p.metadata?.deletionTimestamp;
  });
  const crashed = freshCrash(currentPods(snap, kind, pods, sinceMs));
  const pending = rolloutPending(kind, obj);
  if (pending) return { healthy: false, reason: `rollout in progress: ${pending}`, ...(crashed ? { crashed } : {}) };
  const restarts = new Map<string, { pod: string; count: number; last?: string }>();
  let notReady: string | undefined;
  for (const p of pods) {
    const statuses = p.status?.containerStatuses ?? [];
    const waiting = statuses.find((c) => !c.ready);
    if (!notReady && (waiting || statuses.length === 0))
      notReady = `pod ${p.metadata?.name} is not Ready${waiting ? ` (${waiting.name})` : ''}`;
    const last = statuses.map((c) => c.lastState?.terminated?.reason).find((r) => r !== undefined);
    restarts.set(p.metadata?.uid ?? p.metadata?.name ?? '', {
      pod: p.metadata?.name ?? '',
      count: statuses.reduce((n, c) => n + c.restartCount, 0),
      ...(last ? { last } : {}),
    });
  }
  if (notReady) return { healthy: false, reason: notReady, restarts, ...(crashed ? { crashed } : {}) };
  return { healthy: true, reason: `rolled out, ${pods.length} pods Ready`, restarts, ...(crashed ? { crashed } : {}) };
}

async function look(conn: Connection, incident: Incident, sinceMs: number): Promise<Health> {
  const namespace = incident.workload.namespace;
  const read = await readCluster(conn, { ...(namespace ? { namespace } : {}), logs: true });
  if (!read.ok) return { healthy: false, reason: read.error.message };
  const health = workloadHealth(read.snapshot, incident, sinceMs);
  const { incidents } = await analyzeSnapshot(read.snapshot, {
    ...(namespace ? { namespace } : {}),
    cluster: incident.cluster,
  });
  const still = incidents.find((i) => i.fingerprint === incident.fingerprint);
  if (still) return { ...health, healthy: false, reason: `${still.failureClass} still reported: ${still.summary}` };
  return health;
}

function regression(
  baseline: ReadonlyMap<string, { pod: string; count: number }>,
  now: ReadonlyMap<string, { pod: string; count: number; last?: string }>,
): string | undefined {
  for (const [uid, was] of baseline) {
    const is = now.get(uid);
    if (is && is.count > was.count)
      return `pod ${is.pod} restarted after the fix (${was.count} → ${is.count}${is.last ? `, last: ${is.last}` : ''})`;
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export async function verifyFix(conn: Connection, incident: Incident, opts: VerifyOptions): Promise<VerifyResult> {
  const clock = opts.clock ?? new ServerClock();
  await clock.sync(conn.kc);
  const start = clock.now().getTime();
  let healthySince: number | undefined;
  let baseline: ReadonlyMap<string, { pod: string; count: number }> | undefined;
  let reason = 'not checked yet';
  for (let checks = 1; ; checks++) {
    if (opts.signal?.aborted) return { ok: false, code: 'ABORTED', reason: 'verification was cancelled' };
    const health = await look(conn, incident, start);
    await clock.sync(conn.kc);
    const now = clock.now().getTime();
    reason = health.reason;
    // A pod the fix created crashing is a verdict already; waiting for the timeout would only prolong the outage.
    if (health.crashed) return { ok: false, code: 'REGRESSED', reason: health.crashed };
    if (health.restarts) {
      // New pods (a rollout finishing, a rescheduled pod) join the baseline; only pods seen before can regress.
      const regressed = baseline && regression(baseline, health.restarts);
      if (regressed) return { ok: false, code: 'REGRESSED', reason: regressed };
      baseline = new Map([...health.restarts, ...(baseline ?? [])].filter(([uid]) => health.restarts?.has(uid)));
    }
    if (health.healthy) {
      healthySince ??= now;
      if (now - healthySince >= opts.windowSeconds * 1000)
        return {
          ok: true,
          checks,
          reason: `healthy for ${Math.round((now - healthySince) / 1000)}s of cluster time: ${health.reason}`,
        };
    } else healthySince = undefined;
    if (now - start > opts.timeoutSeconds * 1000)
      return {
        ok: false,
        code: 'TIMEOUT',
        reason: `not healthy within ${opts.timeoutSeconds}s of cluster time: ${reason}`,
      };
    await sleep(opts.pollMs ?? 250, opts.signal);
  }
}
