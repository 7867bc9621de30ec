// The ReplicaSet controller: keeps `spec.replicas` active pods from the template, deleting the least useful
// pods first, and reports replicas/ready/available counts. A refused create (quota, LimitRange) becomes a
// FailedCreate event and a ReplicaFailure condition, retried with back-off.

import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { isoSeconds } from '../store/object-store.js';
import { claim } from './claim.js';
import { findCondition, removeCondition, upsertCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { ownerKey } from './owner-refs.js';
import { createPodFor, deletePodFor, podFromTemplate, writeStatus } from './pod-control.js';
import { rankForDeletion } from './pod-ranking.js';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from './pod-status.js';
import { RetryBackoff } from './retry-backoff.js';
import { intOr, type ReplicaSetSpec, type ReplicaSetStatus, specOf, statusOf } from './shapes.js';

const COMPONENT = 'replicaset-controller';
// kube-controller-manager's burstReplicas: at most this many creations or deletions per sync.
const BURST = 500;

export function replicaSetController(ctx: ControllerContext, index: ObjectIndex): Controller {
  const backoff = new RetryBackoff();
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.replicaSets) return [keyOf(e.object)];
      if (e.resource === K.pods) {
        const keys = new Set<string>();
        for (const o of [e.object, e.previous]) {
          const k = ownerKey(o, 'ReplicaSet');
          if (k) keys.add(k);
        }
        // An orphan pod may be adopted by a ReplicaSet whose selector it matches.
        if (keys.size === 0 && e.type !== 'DELETED') {
          for (const rs of index.inNamespace(K.replicaSets, e.object.metadata.namespace ?? '')) {
            const sel = selectorFromSpec(specOf<ReplicaSetSpec>(rs).selector);
            if (sel.length && matchLabels(sel, e.object.metadata.labels)) keys.add(keyOf(rs));
          }
        }
        return [...keys];
      }
      // A changed quota or LimitRange may let a failing ReplicaSet create its pods now.
      if (e.resource === K.quotas || e.resource === K.limitRanges) {
        return index
          .inNamespace(K.replicaSets, e.object.metadata.namespace ?? '')
          .filter((rs) => findCondition(statusOf<ReplicaSetStatus>(rs).conditions, 'ReplicaFailure'))
          .map(keyOf);
      }
      return [];
    },
    initialKeys: () => ctx.store.all(K.replicaSets).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const rs = ctx.store.get(K.replicaSets, namespace, name);
      if (!rs) {
        backoff.succeeded(key);
        return;
      }
      const spec = specOf<ReplicaSetSpec>(rs);
      const pods = claim(ctx, index, K.pods, rs, selectorFromSpec(spec.selector));
      const active = pods.filter(isPodActive);
      const error = rs.metadata.deletionTimestamp ? undefined : manageReplicas(ctx, rs, active);
      const now = ctx.clock.now();
      const current = claimedActive(index, rs);
      writeStatus(ctx, K.replicaSets, rs, computeStatus(rs, current, error, now));
      if (error) return backoff.failed(key);
      backoff.succeeded(key);
      return soonestAvailable(current, intOr(spec.minReadySeconds, 0), now);
    },
  };
}

function claimedActive(index: ObjectIndex, rs: KubeObject): KubeObject[] {
  return index.ownedBy(K.pods, rs.metadata.uid).filter(isPodActive);
}

/** Creates or deletes pods toward spec.replicas; returns the first create/delete error, if any. */
function manageReplicas(ctx: ControllerContext, rs: KubeObject, active: readonly KubeObject[]): string | undefined {
  const spec = specOf<ReplicaSetSpec>(rs);
  const want = Math.max(0, intOr(spec.replicas, 1));
  const diff = active.length - want;
  if (diff < 0) {
    // slowStartBatch: 1, 2, 4, ... creations, stopping at the first batch with a failure.
    let remaining = Math.min(-diff, BURST);
    for (let batch = 1; remaining > 0; batch *= 2) {
      const n = Math.min(batch, remaining);
      let failure: string | undefined;
      for (let i = 0; i < n; i++) {
        const res = createPodFor(ctx, rs, COMPONENT, podFromTemplate(spec.template, rs));
        if (!res.ok) failure ??= res.message;
      }
      if (failure) return failure;
      remaining -= n;
    }
    return undefined;
  }
  if (diff > 0) {
    const victims = rankForDeletion(active, active).slice(0, Math.min(diff, BURST));
    for (const p of victims) if (!deletePodFor(ctx, rs, COMPONENT, p)) return `unable to delete pod ${p.metadata.name}`;
  }
  return undefined;
}

function computeStatus(
  rs: KubeObject,
  active: readonly KubeObject[],
  error: string | undefined,
  now: Date,
): ReplicaSetStatus {
  const spec = specOf<ReplicaSetSpec>(rs);
  const templateLabels = spec.template?.metadata?.labels ?? {};
  const minReady = intOr(spec.minReadySeconds, 0);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of active) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const prev = statusOf<ReplicaSetStatus>(rs);
  let conditions = prev.conditions;
  const failure = findCondition(conditions, 'ReplicaFailure');
  if (error && !failure) {
    const reason = active.length < intOr(spec.replicas, 1) ? 'FailedCreate' : 'FailedDelete';
    conditions = upsertCondition(conditions, {
      type: 'ReplicaFailure',
      status: 'True',
      reason,
      message: error,
      lastTransitionTime: isoSeconds(now),
    });
  } else if (!error && failure) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  // Go's omitempty: zero counts are absent from a real ReplicaSet's status.
  return {
    replicas: active.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    observedGeneration: rs.metadata.generation ?? 1,
    ...(conditions?.length ? { conditions } : {}),
  };
}

function soonestAvailable(active: readonly KubeObject[], minReadySeconds: number, now: Date): number | undefined {
  let soonest: number | undefined;
  for (const p of active) {
    const ms = msUntilAvailable(p, minReadySeconds, now);
    if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
  }
  return soonest;
}
