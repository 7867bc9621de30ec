// The Deployment controller (pkg/controller/deployment): finds or creates the ReplicaSet for the current
// pod template (named <deployment>-<pod-template-hash>), rolls over with maxSurge/maxUnavailable or
// Recreate, scales proportionally mid-rollout, keeps revisionHistoryLimit old ReplicaSets, honours
// spec.paused, and reports status with Progressing/Available conditions. `kubectl rollout undo` patches
// the template back; the matching old ReplicaSet is then found by template and given a new revision.

import { clone, type KubeObject } from '../objects.js';
import { matchLabels, selectorFromSpec } from '../store/selectors.js';
import { StatusError } from '../store/status-error.js';
import { claim } from './claim.js';
import { findCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller.js';
import {
  calculateStatus,
  deploymentComplete,
  deploymentStatus,
  msUntilDeadline,
  newCondition,
  progressDeadline,
  REASON,
  rolloutStatus,
} from './deployment-status.js';
import {
  activeOnly,
  annotationInt,
  byCreation,
  DESIRED_REPLICAS,
  desiredReplicas,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSAnnotations,
  newRSNewReplicas,
  proportion,
  REVISION,
  replicasAnnotations,
  revisionOf,
  rsReplicas,
  rsStatus,
  sumReplicas,
  sumStatus,
} from './deployment-util.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefOf, controllerRefTo, isControlledBy, ownerKey } from './owner-refs.js';
import { writeStatus } from './pod-control.js';
import { isPodTerminal } from './pod-status.js';
import { type DeploymentSpec, type DeploymentStatus, intOr, specOf } from './shapes.js';
import { canonicalJson, computeHash, POD_TEMPLATE_HASH, templatesEqualIgnoringHash } from './template-hash.js';

const COMPONENT = 'deployment-controller';

/** One reconcile's view: the deployment as last written, refreshed after every write. */
class Sync {
  d: KubeObject;
  delay: number | undefined;
  constructor(
    readonly ctx: ControllerContext,
    readonly index: ObjectIndex,
    d: KubeObject,
  ) {
    this.d = d;
  }
  get now(): Date {
    return this.ctx.clock.now();
  }
  refresh(rs: KubeObject): KubeObject {
    return this.ctx.store.get(K.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '') ?? rs;
  }
  event(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.ctx.events.record({ object: this.d, type, reason, message, component: COMPONENT });
  }
  /** Persists a new status (status subresource) and/or revision annotation (the object itself). */
  save(status: DeploymentStatus | undefined, revision?: string): void {
    const { store } = this.ctx;
    const ns = this.d.metadata.namespace;
    const name = this.d.metadata.name ?? '';
    if (revision !== undefined && this.d.metadata.annotations?.[REVISION] !== revision) {
      this.d =
        store.modify(K.deployments, ns, name, (cur) => {
          cur.metadata.annotations = { ...(cur.metadata.annotations ?? {}), [REVISION]: revision };
        }) ?? this.d;
    }
    if (status && canonicalJson(status) !== canonicalJson(deploymentStatus(this.d))) {
      writeStatus(this.ctx, K.deployments, this.d, status);
      this.d = store.get(K.deployments, ns, name) ?? this.d;
    }
  }
}

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

interface RSSets {
  newRS: KubeObject | undefined;
  oldRSs: KubeObject[];
}

/** getAllReplicaSetsAndSyncRevision. */
function replicaSets(s: Sync, rsList: readonly KubeObject[], createIfMissing: boolean): RSSets {
  const template = specOf<DeploymentSpec>(s.d).template;
  const hash = computeHash(template, deploymentStatus(s.d).collisionCount);
  const sorted = [...rsList].sort(byCreation);
  const existing = sorted.find(
    (rs) =>
      templatesEqualIgnoringHash(specOf<DeploymentSpec>(rs).template, template) ||
      rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash,
  );
  const oldRSs = sorted.filter((rs) => rs !== existing);
  const newRS = newReplicaSet(s, existing, oldRSs, createIfMissing);
  return { newRS, oldRSs };
}

function newReplicaSet(
  s: Sync,
  existing: KubeObject | undefined,
  oldRSs: readonly KubeObject[],
  create: boolean,
): KubeObject | undefined {
  const spec = specOf<DeploymentSpec>(s.d);
  const newRevision = maxRevision(oldRSs) + 1;
  const minReadySeconds = intOr(spec.minReadySeconds, 0);
  if (existing) {
    const annotations = newRSAnnotations(s.d, existing, newRevision, true);
    const annotationsChanged = canonicalJson(annotations) !== canonicalJson(existing.metadata.annotations ?? {});
    if (annotationsChanged || intOr(specOf<DeploymentSpec>(existing).minReadySeconds, 0) !== minReadySeconds) {
      return (
        s.ctx.store.modify(K.replicaSets, existing.metadata.namespace, existing.metadata.name ?? '', (rs) => {
          rs.metadata.annotations = annotations;
          (rs.spec as DeploymentSpec).minReadySeconds = minReadySeconds;
        }) ?? existing
      );
    }
    const st = deploymentStatus(s.d);
    let status: DeploymentStatus | undefined;
    if (progressDeadline(s.d) !== undefined && !findCondition(st.conditions, 'Progressing')) {
      const cond = newCondition(
        'Progressing',
        'True',
        REASON.foundNewRS,
        `Found new replica set "${existing.metadata.name}"`,
        s.now,
      );
      status = { ...st, conditions: [...(st.conditions ?? []), cond] };
    }
    s.save(status, existing.metadata.annotations?.[REVISION] ?? '');
    return existing;
  }
  if (!create) return undefined;
  const collisionCount = deploymentStatus(s.d).collisionCount;
  const hash = computeHash(spec.template, collisionCount);
  const template = clone(spec.template ?? {});
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
  };
  const selector = clone(spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const draft = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${s.d.metadata.name}-${hash}`,
      namespace: s.d.metadata.namespace,
      labels: template.metadata.labels,
      ownerReferences: [controllerRefTo(s.d)],
    },
    spec: { replicas: 0, minReadySeconds, selector, template },
  } as KubeObject;
  const replicas = newRSNewReplicas(s.d, [...oldRSs, draft], 0);
  (draft.spec as DeploymentSpec).replicas = replicas;
  draft.metadata.annotations = newRSAnnotations(s.d, draft, newRevision, false);
  let created: KubeObject;
  let alreadyExists = false;
  try {
    created = s.ctx.store.create(K.replicaSets, draft);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    const other =
      err.code === 409 ? s.ctx.store.get(K.replicaSets, s.d.metadata.namespace, draft.metadata.name ?? '') : undefined;
    if (
      other &&
      isControlledBy(other, s.d) &&
      templatesEqualIgnoringHash(specOf<DeploymentSpec>(other).template, spec.template)
    ) {
      created = other;
      alreadyExists = true;
    } else if (other) {
      // A hash collision with a ReplicaSet we do not own: bump collisionCount so the next hash differs.
      const st = deploymentStatus(s.d);
      s.save({ ...st, collisionCount: intOr(st.collisionCount, 0) + 1 });
      s.delay = 0;
      return undefined;
    } else {
      const msg = `Failed to create new replica set "${draft.metadata.name}": ${err.message}`;
      const st = deploymentStatus(s.d);
      const conditions = [
        ...(st.conditions ?? []).filter((c) => c.type !== 'Progressing'),
        newCondition('Progressing', 'False', REASON.failedRSCreate, msg, s.now),
      ];
      s.event(REASON.failedRSCreate, msg, 'Warning');
      s.save({ ...st, conditions });
      s.delay = 1_000;
      return undefined;
    }
  }
  if (!alreadyExists && replicas > 0)
    s.event('ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
  const st = deploymentStatus(s.d);
  let status: DeploymentStatus | undefined;
  if (!alreadyExists && progressDeadline(s.d) !== undefined) {
    const cond = newCondition(
      'Progressing',
      'True',
      REASON.newRSCreated,
      `Created new replica set "${created.metadata.name}"`,
      s.now,
    );
    status = { ...st, conditions: [...(st.conditions ?? []).filter((c) => c.type !== 'Progressing'), cond] };
  }
  s.save(status, String(newRevision));
  return created;
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

/** scaleReplicaSet: sets a ReplicaSet's size and replica annotations; ScalingReplicaSet when the size changes. */
function scaleReplicaSet(s: Sync, rs: KubeObject, size: number, operation: 'up' | 'down' | undefined): KubeObject {
  const current = rsReplicas(rs);
  const wanted = replicasAnnotations(s.d);
  const annotations = rs.metadata.annotations ?? {};
  const annotationsStale = Object.entries(wanted).some(([k, v]) => annotations[k] !== v);
  if (current === size && !annotationsStale) return rs;
  const updated =
    s.ctx.store.modify(K.replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', (cur) => {
      (cur.spec as DeploymentSpec).replicas = size;
      cur.metadata.annotations = { ...(cur.metadata.annotations ?? {}), ...wanted };
    }) ?? rs;
  if (current !== size)
    s.event(
      'ScalingReplicaSet',
      `Scaled ${operation ?? (current < size ? 'up' : 'down')} replica set ${rs.metadata.name} from ${current} to ${size}`,
    );
  return updated;
}

/** scaleReplicaSetAndRecordEvent: only a size change is written (annotations follow along with it). */
function resize(s: Sync, rs: KubeObject, size: number): KubeObject {
  if (rsReplicas(rs) === size) return rs;
  return scaleReplicaSet(s, rs, size, rsReplicas(rs) < size ? 'up' : 'down');
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

function rolloutRolling(s: Sync, rsList: readonly KubeObject[]): void {
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

function rolloutRecreate(s: Sync, rsList: readonly KubeObject[]): void {
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
function cleanup(s: Sync, oldRSs: readonly KubeObject[]): void {
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
