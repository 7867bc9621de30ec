// Deployment status and its conditions (pkg/controller/deployment/progress.go and sync.go): counts summed
// over the ReplicaSets, Available from minimum availability, and Progressing with kube-controller-manager's
// reasons and messages, including the ProgressDeadlineExceeded timeout.

import type { KubeObject } from '../objects.js';
import { isoSeconds } from '../store/object-store.js';
import { findCondition, removeCondition, setCondition } from './conditions.js';
import { desiredReplicas, maxUnavailable, rsStatus, sumReplicas, sumStatus } from './deployment-util.js';
import type { Condition, DeploymentSpec, DeploymentStatus } from './shapes.js';
import { intOr, specOf, statusOf } from './shapes.js';

export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function newCondition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: Date,
): Condition {
  const t = isoSeconds(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function deploymentStatus(d: KubeObject): DeploymentStatus {
  return statusOf<DeploymentStatus>(d);
}

/** progressDeadlineSeconds is set and not the "never" sentinel (MaxInt32). */
export function progressDeadline(d: KubeObject): number | undefined {
  const v = specOf<DeploymentSpec>(d).progressDeadlineSeconds;
  return typeof v === 'number' && v !== 2147483647 ? v : undefined;
}

/** Go's omitempty for the counters, in the field order kube-apiserver serialises. */
function withCounts(s: {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions?: Condition[];
  collisionCount?: number;
}): DeploymentStatus {
  const out: DeploymentStatus = { observedGeneration: s.observedGeneration };
  if (s.replicas) out.replicas = s.replicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.unavailableReplicas) out.unavailableReplicas = s.unavailableReplicas;
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.collisionCount) out.collisionCount = s.collisionCount;
  return out;
}

/** calculateStatus. */
export function calculateStatus(
  allRSs: readonly KubeObject[],
  newRS: KubeObject | undefined,
  d: KubeObject,
  now: Date,
): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const total = sumReplicas(allRSs);
  const prev = deploymentStatus(d);
  let conditions = [...(prev.conditions ?? [])];
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    conditions = setCondition(
      conditions,
      newCondition('Available', 'True', REASON.minAvailable, 'Deployment has minimum availability.', now),
    );
  } else {
    conditions = setCondition(
      conditions,
      newCondition('Available', 'False', REASON.minUnavailable, 'Deployment does not have minimum availability.', now),
    );
  }
  return withCounts({
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: newRS ? intOr(rsStatus(newRS).replicas, 0) : 0,
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions,
    ...(prev.collisionCount !== undefined ? { collisionCount: prev.collisionCount } : {}),
  });
}

/** DeploymentComplete: every desired replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const desired = desiredReplicas(d);
  return (
    intOr(s.updatedReplicas, 0) === desired &&
    intOr(s.replicas, 0) === desired &&
    intOr(s.availableReplicas, 0) === desired &&
    intOr(s.observedGeneration, 0) >= (d.metadata.generation ?? 1)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
function deploymentProgressing(d: KubeObject, next: DeploymentStatus): boolean {
  const old = deploymentStatus(d);
  const oldOld = intOr(old.replicas, 0) - intOr(old.updatedReplicas, 0);
  const newOld = intOr(next.replicas, 0) - intOr(next.updatedReplicas, 0);
  return (
    intOr(next.updatedReplicas, 0) > intOr(old.updatedReplicas, 0) ||
    newOld < oldOld ||
    intOr(next.readyReplicas, 0) > intOr(old.readyReplicas, 0) ||
    intOr(next.availableReplicas, 0) > intOr(old.availableReplicas, 0)
  );
}

function timedOut(d: KubeObject, s: DeploymentStatus, now: Date): boolean {
  const deadline = progressDeadline(d);
  const cond = findCondition(s.conditions, 'Progressing');
  if (deadline === undefined || !cond || cond.reason === REASON.newRSAvailable) return false;
  if (cond.reason === REASON.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + deadline * 1000 < now.getTime();
}

/** syncRolloutStatus's status: calculateStatus plus the Progressing condition. */
export function rolloutStatus(
  allRSs: readonly KubeObject[],
  newRS: KubeObject | undefined,
  d: KubeObject,
  now: Date,
): DeploymentStatus {
  const next = calculateStatus(allRSs, newRS, d, now);
  const name = d.metadata.name ?? '';
  const rsName = newRS?.metadata.name;
  let conditions = next.conditions ?? [];
  if (progressDeadline(d) === undefined) conditions = removeCondition(conditions, 'Progressing');
  const current = findCondition(deploymentStatus(d).conditions, 'Progressing');
  const complete =
    intOr(next.replicas, 0) === intOr(next.updatedReplicas, 0) && current?.reason === REASON.newRSAvailable;
  if (progressDeadline(d) !== undefined && !complete) {
    const withConds = { ...next, conditions };
    if (deploymentComplete(d, withConds)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${name}" has successfully progressed.`;
      conditions = setCondition(conditions, newCondition('Progressing', 'True', REASON.newRSAvailable, msg, now));
    } else if (deploymentProgressing(d, withConds)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${name}" is progressing.`;
      // Progress refreshes lastUpdateTime even when the reason is unchanged (that is what the deadline measures).
      const cond = newCondition('Progressing', 'True', REASON.rsUpdated, msg, now);
      if (current?.status === 'True' && current.lastTransitionTime)
        cond.lastTransitionTime = current.lastTransitionTime;
      conditions = [...removeCondition(conditions, 'Progressing'), cond];
    } else if (timedOut(d, withConds, now)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${name}" has timed out progressing.`;
      conditions = setCondition(conditions, newCondition('Progressing', 'False', REASON.timedOut, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  conditions = failure ? setCondition(conditions, { ...failure }) : removeCondition(conditions, 'ReplicaFailure');
  const out: DeploymentStatus = { ...next };
  delete out.conditions;
  delete out.collisionCount;
  if (conditions.length) out.conditions = conditions;
  if (next.collisionCount) out.collisionCount = next.collisionCount;
  return out;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition (else any old one's) moves up. */
function replicaFailure(allRSs: readonly KubeObject[], newRS: KubeObject | undefined): Condition | undefined {
  const pick = (rs: KubeObject | undefined): Condition | undefined => {
    const c = findCondition(rsStatus(rs).conditions, 'ReplicaFailure');
    if (!c) return undefined;
    const t = c.lastTransitionTime;
    return {
      type: 'ReplicaFailure',
      status: c.status,
      lastUpdateTime: t,
      lastTransitionTime: t,
      reason: c.reason ?? '',
      message: c.message ?? '',
    };
  };
  return pick(newRS) ?? allRSs.map(pick).find((c) => c);
}

/** requeueStuckDeployment: when to look again for a ProgressDeadlineExceeded timeout. */
export function msUntilDeadline(d: KubeObject, next: DeploymentStatus, now: Date): number | undefined {
  const deadline = progressDeadline(d);
  const cond = findCondition(deploymentStatus(d).conditions, 'Progressing');
  if (deadline === undefined || !cond) return undefined;
  if (deploymentComplete(d, next) || cond.reason === REASON.timedOut) return undefined;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return undefined;
  const after = from + deadline * 1000 - now.getTime();
  return after < 1000 ? 100 : after + 1000;
}
