// The two rollout strategies (pkg/controller/deployment/rolling.go and recreate.go): RollingUpdate steps
// the new ReplicaSet up within maxSurge and old ones down within maxUnavailable, dropping unavailable old
// replicas first; Recreate empties the old ReplicaSets before the new one starts. Both end by cleaning up
// history and syncing status with the progress deadline.

import type { KubeObject } from '../objects.js';
import { StatusError } from '../store/status-error.js';
import { deploymentComplete, deploymentStatus, msUntilDeadline, rolloutStatus } from './deployment-status.js';
import { replicaSets, resize, type Sync } from './deployment-sync.js';
import {
  activeOnly,
  byCreation,
  desiredReplicas,
  maxUnavailable,
  newRSNewReplicas,
  revisionOf,
  rsReplicas,
  rsStatus,
  sumReplicas,
  sumStatus,
} from './deployment-util.js';
import { K } from './kinds.js';
import { isPodTerminal } from './pod-status.js';
import { type DeploymentSpec, intOr, specOf } from './shapes.js';

export function rolloutRolling(s: Sync, rsList: readonly KubeObject[]): void {
  const { newRS, oldRSs } = replicaSets(s, rsList, true);
  if (!newRS) {
    syncRolloutStatus(s, oldRSs, undefined);
    return;
  }
  let nrs = newRS;
  let olds = oldRSs;
  if (reconcileNewReplicaSet(s, [...olds, nrs], nrs)) {
    nrs = s.refresh(nrs);
    syncRolloutStatus(s, olds, nrs);
    return;
  }
  if (reconcileOldReplicaSets(s, olds, nrs)) {
    olds = olds.map((rs) => s.refresh(rs));
    syncRolloutStatus(s, olds, nrs);
    return;
  }
  if (deploymentComplete(s.d, deploymentStatus(s.d))) cleanup(s, olds);
  syncRolloutStatus(
    s,
    olds.map((rs) => s.refresh(rs)),
    nrs,
  );
}

function reconcileNewReplicaSet(s: Sync, allRSs: readonly KubeObject[], newRS: KubeObject): boolean {
  const desired = desiredReplicas(s.d);
  const current = rsReplicas(newRS);
  if (current === desired) return false;
  const next = current > desired ? desired : newRSNewReplicas(s.d, allRSs, current);
  if (next === current) return false;
  resize(s, newRS, next);
  return true;
}

function reconcileOldReplicaSets(s: Sync, oldRSs: readonly KubeObject[], newRS: KubeObject): boolean {
  if (sumReplicas(oldRSs) === 0) return false;
  const all = [...oldRSs, newRS];
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = rsReplicas(newRS) - intOr(rsStatus(newRS).availableReplicas, 0);
  const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First drop old replicas that are not available anyway, then scale down available ones within bounds.
  let cleaned = 0;
  const olds = [...activeOnly(oldRSs)].sort(byCreation);
  for (let i = 0; i < olds.length && cleaned < maxScaledDown; i++) {
    const rs = olds[i]!;
    const replicas = rsReplicas(rs);
    const available = intOr(rsStatus(rs).availableReplicas, 0);
    if (replicas === 0 || replicas === available) continue;
    const down = Math.min(maxScaledDown - cleaned, replicas - available);
    olds[i] = resize(s, rs, replicas - down);
    cleaned += down;
  }
  const availableNow = sumStatus([...olds, newRS], 'availableReplicas');
  let scaledDown = 0;
  if (availableNow > minAvailable) {
    const budget = availableNow - minAvailable;
    for (const rs of olds) {
      if (scaledDown >= budget) break;
      const replicas = rsReplicas(rs);
      if (replicas === 0) continue;
      const down = Math.min(replicas, budget - scaledDown);
      resize(s, rs, replicas - down);
      scaledDown += down;
    }
  }
  return cleaned + scaledDown > 0;
}

export function rolloutRecreate(s: Sync, rsList: readonly KubeObject[]): void {
  let { newRS, oldRSs } = replicaSets(s, rsList, false);
  let scaledDown = false;
  for (const rs of activeOnly(oldRSs)) {
    resize(s, rs, 0);
    scaledDown = true;
  }
  oldRSs = oldRSs.map((rs) => s.refresh(rs));
  if (scaledDown || oldPodsRunning(s, newRS, oldRSs)) {
    syncRolloutStatus(s, oldRSs, newRS);
    return;
  }
  if (!newRS) ({ newRS, oldRSs } = replicaSets(s, rsList, true));
  if (newRS) newRS = resize(s, newRS, desiredReplicas(s.d));
  if (deploymentComplete(s.d, deploymentStatus(s.d))) cleanup(s, oldRSs);
  syncRolloutStatus(s, oldRSs, newRS);
}

function oldPodsRunning(s: Sync, newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  return oldRSs.some((rs) => rs !== newRS && s.index.ownedBy(K.pods, rs.metadata.uid).some((p) => !isPodTerminal(p)));
}

/** cleanupDeployment: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export function cleanup(s: Sync, oldRSs: readonly KubeObject[]): void {
  const limit = specOf<DeploymentSpec>(s.d).revisionHistoryLimit;
  if (typeof limit !== 'number') return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, excess)) {
    const st = rsStatus(rs);
    if (
      intOr(st.replicas, 0) !== 0 ||
      rsReplicas(rs) !== 0 ||
      (rs.metadata.generation ?? 1) > intOr(st.observedGeneration, 0)
    )
      continue;
    try {
      s.ctx.store.delete(K.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', {
        propagationPolicy: 'Background',
      });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
    }
  }
}

function syncRolloutStatus(s: Sync, oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): void {
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const next = rolloutStatus(all, newRS, s.d, s.now);
  const before = s.d;
  s.save(next);
  const wait = msUntilDeadline(before, next, s.now);
  if (wait !== undefined) s.delay = s.delay === undefined ? wait : Math.min(s.delay, wait);
}
