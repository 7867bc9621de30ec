// The arithmetic of pkg/controller/deployment/util: surge and unavailability fenceposts, how far a new
// ReplicaSet may scale, proportional scaling shares, revisions and the replica annotations.

import type { KubeObject } from '../objects.js';
import { scaledValue } from './int-or-percent.js';
import {
  type DeploymentSpec,
  type DeploymentStatus,
  intOr,
  type ReplicaSetSpec,
  type ReplicaSetStatus,
  specOf,
  statusOf,
} from './shapes.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Deployment annotations that are not copied onto its ReplicaSets. */
const SKIP_COPY = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export function desiredReplicas(d: KubeObject): number {
  return Math.max(0, intOr(specOf<DeploymentSpec>(d).replicas, 1));
}

export function rsReplicas(rs: KubeObject | undefined): number {
  return rs ? intOr(specOf<ReplicaSetSpec>(rs).replicas, 1) : 0;
}

export function rsStatus(rs: KubeObject | undefined): ReplicaSetStatus {
  return rs ? statusOf<ReplicaSetStatus>(rs) : {};
}

export function isRollingUpdate(d: KubeObject): boolean {
  return (specOf<DeploymentSpec>(d).strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailability rounds down, and both zero means one unavailable. */
function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const ru = specOf<DeploymentSpec>(d).strategy?.rollingUpdate;
  const desired = desiredReplicas(d);
  const surge = scaledValue(ru?.maxSurge, desired, true, '25%');
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: KubeObject): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: KubeObject): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

export function sumReplicas(rss: readonly (KubeObject | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? rsReplicas(rs) : 0), 0);
}

export function sumStatus(
  rss: readonly (KubeObject | undefined)[],
  field: 'replicas' | 'readyReplicas' | 'availableReplicas',
): number {
  return rss.reduce((n, rs) => n + (rs ? intOr(rsStatus(rs)[field], 0) : 0), 0);
}

export function activeOnly(rss: readonly (KubeObject | undefined)[]): KubeObject[] {
  return rss.filter((rs): rs is KubeObject => !!rs && rsReplicas(rs) > 0);
}

/** NewRSNewReplicas: how many replicas the new ReplicaSet may have now. */
export function newRSNewReplicas(d: KubeObject, allRSs: readonly KubeObject[], newRSReplicas: number): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const maxTotal = desired + fenceposts(d).surge;
  const current = sumReplicas(allRSs);
  if (current >= maxTotal) return newRSReplicas;
  const up = Math.min(maxTotal - current, desired - newRSReplicas);
  return newRSReplicas + up;
}

export function revisionOf(rs: KubeObject | undefined): number {
  const v = rs?.metadata.annotations?.[REVISION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: readonly KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta !== tb ? ta - tb : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

export function annotationInt(rs: KubeObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** IsSaturated: the new ReplicaSet runs exactly the desired count, all available. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicas(d);
  return (
    annotationInt(rs, DESIRED_REPLICAS) === desired &&
    rsReplicas(rs) === desired &&
    intOr(rsStatus(rs).availableReplicas, 0) === desired
  );
}

/** FindActiveOrLatest: the single active ReplicaSet, or the newest when none is active. */
export function findActiveOrLatest(
  newRS: KubeObject | undefined,
  oldRSs: readonly KubeObject[],
): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeOnly([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

export function replicasAnnotations(d: KubeObject): Record<string, string> {
  const desired = desiredReplicas(d);
  return { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(desired + maxSurge(d)) };
}

/** getReplicaSetFraction/GetProportion: one ReplicaSet's share of a proportional scale. */
export function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  const replicas = rsReplicas(rs);
  if (replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  const desired = desiredReplicas(d);
  if (desired === 0) fraction = -replicas;
  else {
    const deploymentReplicas = desired + maxSurge(d);
    const annotated = annotationInt(rs, MAX_REPLICAS) ?? intOr(statusOf<DeploymentStatus>(d).replicas, 0);
    fraction = annotated > 0 ? roundHalfAway((replicas * deploymentReplicas) / annotated) - replicas : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** copyDeploymentAnnotationsToReplicaSet + revision bookkeeping; returns the annotations to store. */
export function newRSAnnotations(
  d: KubeObject,
  rs: KubeObject,
  newRevision: number,
  exists: boolean,
): Record<string, string> {
  const out: Record<string, string> = { ...(rs.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) out[k] = v;
  const old = out[REVISION];
  const oldRevision = old !== undefined && /^\d+$/.test(old) ? Number(old) : 0;
  if (old !== undefined && !/^\d+$/.test(old)) return out;
  if (oldRevision < newRevision) {
    out[REVISION] = String(newRevision);
    // A ReplicaSet that gets a newer revision is being rolled back to: remember its old revisions.
    if (old !== undefined) out[REVISION_HISTORY] = out[REVISION_HISTORY] ? `${out[REVISION_HISTORY]},${old}` : old;
  }
  if (!exists) Object.assign(out, replicasAnnotations(d));
  return out;
}
