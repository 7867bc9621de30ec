// One Deployment reconcile's working state and the ReplicaSet operations the sync and rollout paths share:
// finding the ReplicaSet for the current template (or creating <deployment>-<pod-template-hash>), keeping
// revisions and the replica annotations current, and resizing with ScalingReplicaSet events.

import { clone, type KubeObject } from '../objects.js';
import { StatusError } from '../store/status-error.js';
import { findCondition } from './conditions.js';
import type { ControllerContext } from './controller.js';
import { deploymentStatus, newCondition, progressDeadline, REASON } from './deployment-status.js';
import {
  byCreation,
  maxRevision,
  newRSAnnotations,
  newRSNewReplicas,
  REVISION,
  replicasAnnotations,
  rsReplicas,
} from './deployment-util.js';
import { K } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefTo, isControlledBy } from './owner-refs.js';
import { writeStatus } from './pod-control.js';
import { type DeploymentSpec, type DeploymentStatus, intOr, specOf } from './shapes.js';
import { canonicalJson, computeHash, POD_TEMPLATE_HASH, templatesEqualIgnoringHash } from './template-hash.js';

export const COMPONENT = 'deployment-controller';

/** One reconcile's view: the deployment as last written, refreshed after every write. */
export class Sync {
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

export interface RSSets {
  newRS: KubeObject | undefined;
  oldRSs: KubeObject[];
}

/** getAllReplicaSetsAndSyncRevision. */
export function replicaSets(s: Sync, rsList: readonly KubeObject[], createIfMissing: boolean): RSSets {
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

/** scaleReplicaSet: sets a ReplicaSet's size and replica annotations; ScalingReplicaSet when the size changes. */
export function scaleReplicaSet(
  s: Sync,
  rs: KubeObject,
  size: number,
  operation: 'up' | 'down' | undefined,
): KubeObject {
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
export function resize(s: Sync, rs: KubeObject, size: number): KubeObject {
  if (rsReplicas(rs) === size) return rs;
  return scaleReplicaSet(s, rs, size, rsReplicas(rs) < size ? 'up' : 'down');
}
