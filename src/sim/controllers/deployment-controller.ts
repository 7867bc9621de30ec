// The Deployment controller (pkg/controller/deployment): finds or creates the ReplicaSet for the current
// pod template (named <deployment>-<pod-template-hash>), rolls over with maxSurge/maxUnavailable or
// Recreate, scales proportionally mid-rollout, keeps revisionHistoryLimit old ReplicaSets, honours
// spec.paused, and reports status with Progressing/Available conditions. `kubectl rollout undo` patches
// the template back; the matching old ReplicaSet is then found by template and given a new revision.

import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { claim } from './claim.js';
import { findCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller.js';
import { cleanup, rolloutRecreate, rolloutRolling } from './deployment-rollout.js';
import { calculateStatus, deploymentStatus, newCondition, progressDeadline, REASON } from './deployment-status.js';
import { COMPONENT, replicaSets, resize, Sync, scaleReplicaSet } from './deployment-sync.js';
import {
  activeOnly,
  annotationInt,
  byCreation,
  DESIRED_REPLICAS,
  desiredReplicas,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  proportion,
  rsReplicas,
  sumReplicas,
} from './deployment-util.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefOf, ownerKey } from './owner-refs.js';
import { type DeploymentSpec, intOr, specOf } from './shapes.js';

export function deploymentController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.deployments) return [keyOf(e.object)];
      if (e.resource !== K.replicaSets) return [];
      const keys = new Set<string>();
      for (const o of [e.object, e.previous]) {
        const k = ownerKey(o, 'Deployment');
        if (k) keys.add(k);
      }
      if (keys.size === 0 && e.type !== 'DELETED' && !controllerRefOf(e.object)) {
        for (const d of index.inNamespace(K.deployments, e.object.metadata.namespace ?? '')) {
          const sel = selectorFromSpec(specOf<DeploymentSpec>(d).selector);
          if (sel.length && matchLabels(sel, e.object.metadata.labels)) keys.add(keyOf(d));
        }
      }
      return [...keys];
    },
    initialKeys: () => ctx.store.all(K.deployments).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const d = ctx.store.get(K.deployments, namespace, name);
      if (!d) return;
      const s = new Sync(ctx, index, d);
      syncDeployment(s);
      return s.delay;
    },
  };
}

function syncDeployment(s: Sync): void {
  const selector = selectorFromSpec(specOf<DeploymentSpec>(s.d).selector);
  if (selector.length === 0) {
    s.event('SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', 'Warning');
    const st = deploymentStatus(s.d);
    if (intOr(st.observedGeneration, 0) < (s.d.metadata.generation ?? 1))
      s.save({ ...st, observedGeneration: s.d.metadata.generation ?? 1 });
    return;
  }
  const rsList = claim(s.ctx, s.index, K.replicaSets, s.d, selector);
  if (s.d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = replicaSets(s, rsList, false);
    s.save(calculateStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, s.d, s.now));
    return;
  }
  checkPausedConditions(s);
  if (specOf<DeploymentSpec>(s.d).paused || isScalingEvent(s, rsList)) {
    sync(s, rsList);
    return;
  }
  if (isRollingUpdate(s.d)) rolloutRolling(s, rsList);
  else rolloutRecreate(s, rsList);
}

function checkPausedConditions(s: Sync): void {
  if (progressDeadline(s.d) === undefined) return;
  const st = deploymentStatus(s.d);
  const cond = findCondition(st.conditions, 'Progressing');
  if (cond?.reason === REASON.timedOut) return;
  const paused = !!specOf<DeploymentSpec>(s.d).paused;
  const pausedCond = cond?.reason === REASON.paused;
  let next: ReturnType<typeof newCondition> | undefined;
  if (paused && !pausedCond)
    next = newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', s.now);
  else if (!paused && pausedCond)
    next = newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', s.now);
  if (!next) return;
  const conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'Progressing'), next];
  s.save({ ...st, conditions });
}

function isScalingEvent(s: Sync, rsList: readonly KubeObject[]): boolean {
  const { newRS, oldRSs } = replicaSets(s, rsList, false);
  if (!newRS) return false;
  const desired = desiredReplicas(s.d);
  return activeOnly([...oldRSs, newRS]).some((rs) => {
    const annotated = annotationInt(rs, DESIRED_REPLICAS);
    return annotated !== undefined && annotated !== desired;
  });
}

/** dc.scale: a scaling event (or a paused rollout) resizes the ReplicaSets, proportionally if several run. */
function scale(s: Sync, newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
  const desired = desiredReplicas(s.d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    resize(s, activeOrLatest, desired);
    return;
  }
  if (isSaturated(s.d, newRS)) {
    for (const old of activeOnly(oldRSs)) resize(s, old, 0);
    return;
  }
  if (!isRollingUpdate(s.d)) return;
  const all = activeOnly([...oldRSs, newRS]);
  const allowed = desired > 0 ? desired + maxSurge(s.d) : 0;
  const toAdd = allowed - sumReplicas(all);
  if (toAdd > 0) all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || byCreation(b, a));
  else if (toAdd < 0) all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || byCreation(a, b));
  const sizes = new Map<KubeObject, number>();
  let added = 0;
  for (const rs of all) {
    const p = toAdd !== 0 ? proportion(rs, s.d, toAdd, added) : 0;
    sizes.set(rs, rsReplicas(rs) + p);
    added += p;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs) ?? rsReplicas(rs);
    // Leftovers go to the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(s, rs, size, toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : undefined);
  });
}

function sync(s: Sync, rsList: readonly KubeObject[]): void {
  const { newRS, oldRSs } = replicaSets(s, rsList, false);
  scale(s, newRS, oldRSs);
  const olds = oldRSs.map((rs) => s.refresh(rs));
  if (specOf<DeploymentSpec>(s.d).paused) cleanup(s, olds);
  const nrs = newRS ? s.refresh(newRS) : undefined;
  s.save(calculateStatus([...olds, ...(nrs ? [nrs] : [])], nrs, s.d, s.now));
}
