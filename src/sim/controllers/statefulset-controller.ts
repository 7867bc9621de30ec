// The StatefulSet controller: pods with stable names <set>-<ordinal>, their volumeClaimTemplates' PVCs
// (<template>-<set>-<ordinal>) created first, OrderedReady creation/deletion one ordinal at a time (or all
// at once with Parallel), failed pods recreated, and RollingUpdate from the highest ordinal down to the
// partition. Revisions are template hashes kept in status (ControllerRevisions are not served).

import type { LabelSelectorSpec } from '../../kube/label-selector.js';
import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { claim } from './claim.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { ownerKey } from './owner-refs.js';
import { errorText, podFromTemplate, tryCreate, writeStatus } from './pod-control.js';
import { isPodAvailable, isPodReady, isPodTerminal, msUntilAvailable, podPhase } from './pod-status.js';
import { RetryBackoff } from './retry-backoff.js';
import { intOr, type PodTemplate, specOf, statusOf } from './shapes.js';
import { computeHash } from './template-hash.js';

const COMPONENT = 'statefulset-controller';
const REVISION_LABEL = 'controller-revision-hash';

interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorSpec;
  template?: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  volumeClaimTemplates?: KubeObject[];
  minReadySeconds?: number;
}

interface StatefulSetStatus {
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

export function statefulSetController(ctx: ControllerContext, index: ObjectIndex): Controller {
  const backoff = new RetryBackoff();
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.statefulSets) return [keyOf(e.object)];
      if (e.resource === K.pods) {
        const keys = new Set<string>();
        for (const o of [e.object, e.previous]) {
          const k = ownerKey(o, 'StatefulSet');
          if (k) keys.add(k);
        }
        if (keys.size === 0 && e.type !== 'DELETED') {
          for (const set of index.inNamespace(K.statefulSets, e.object.metadata.namespace ?? '')) {
            const sel = selectorFromSpec(specOf<StatefulSetSpec>(set).selector);
            if (sel.length && matchLabels(sel, e.object.metadata.labels)) keys.add(keyOf(set));
          }
        }
        return [...keys];
      }
      return [];
    },
    initialKeys: () => ctx.store.all(K.statefulSets).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const set = ctx.store.get(K.statefulSets, namespace, name);
      if (!set) return;
      const failed = set.metadata.deletionTimestamp ? undefined : syncSet(ctx, index, set);
      const pods = index.ownedBy(K.pods, set.metadata.uid);
      writeStatus(ctx, K.statefulSets, set, setStatus(set, pods, ctx.clock.now()));
      if (failed) return backoff.failed(key);
      backoff.succeeded(key);
      const minReady = intOr(specOf<StatefulSetSpec>(set).minReadySeconds, 0);
      const waits = pods
        .map((p) => msUntilAvailable(p, minReady, ctx.clock.now()))
        .filter((x): x is number => x !== undefined);
      return waits.length ? Math.min(...waits) : undefined;
    },
  };
}

function ordinalOf(set: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function updateRevision(set: KubeObject): string {
  return `${set.metadata.name}-${computeHash(specOf<StatefulSetSpec>(set).template, statusOf<StatefulSetStatus>(set).collisionCount)}`;
}

function healthy(p: KubeObject): boolean {
  return podPhase(p) === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;
}

function claimName(template: KubeObject, set: KubeObject, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/** One sync; returns true when a write failed and the set should be retried with back-off. */
function syncSet(ctx: ControllerContext, index: ObjectIndex, set: KubeObject): boolean {
  const spec = specOf<StatefulSetSpec>(set);
  const replicas = Math.max(0, intOr(spec.replicas, 1));
  const monotonic = (spec.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
  const pods = claim(ctx, index, K.pods, set, selectorFromSpec(spec.selector));
  const byOrdinal = new Map<number, KubeObject>();
  const condemned: KubeObject[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p);
    if (ord !== undefined && ord < replicas) byOrdinal.set(ord, p);
    else condemned.push(p);
  }
  const event = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
    ctx.events.record({ object: set, type, reason, message, component: COMPONENT });
  const remove = (p: KubeObject): boolean => {
    try {
      ctx.store.delete(K.pods, p.metadata.namespace, p.metadata.name ?? '');
      event(
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${p.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      );
      return true;
    } catch (err) {
      event(
        'Warning',
        'FailedDelete',
        `delete Pod ${p.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`,
      );
      return false;
    }
  };

  // Failed pods are deleted so the next pass recreates them under the same name.
  for (const [ord, p] of byOrdinal) {
    if (podPhase(p) !== 'Failed') continue;
    event(
      'Warning',
      'RecreatingFailedPod',
      `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${p.metadata.name}`,
    );
    if (!remove(p)) return true;
    byOrdinal.delete(ord);
    if (monotonic) return false;
  }

  const revision = updateRevision(set);
  for (let ord = 0; ord < replicas; ord++) {
    const p = byOrdinal.get(ord);
    if (!p) {
      if (!createPod(ctx, set, ord, revision, event)) return true;
      if (monotonic) return false;
      continue;
    }
    if (monotonic && !healthy(p)) return false;
  }

  // Scale down from the highest ordinal; OrderedReady waits until every remaining pod is healthy.
  condemned.sort((a, b) => (ordinalOf(set, b) ?? -1) - (ordinalOf(set, a) ?? -1));
  for (const p of condemned) {
    if (p.metadata.deletionTimestamp) {
      if (monotonic) return false;
      continue;
    }
    if (monotonic && [...byOrdinal.values()].some((q) => !healthy(q))) return false;
    if (!remove(p)) return true;
    if (monotonic) return false;
  }

  // RollingUpdate: replace one outdated pod at a time, highest ordinal first, down to the partition.
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy !== 'RollingUpdate') return false;
  const partition = intOr(spec.updateStrategy?.rollingUpdate?.partition, 0);
  if ([...byOrdinal.values()].some((q) => !healthy(q))) return false;
  for (let ord = replicas - 1; ord >= partition; ord--) {
    const p = byOrdinal.get(ord);
    if (p && p.metadata.labels?.[REVISION_LABEL] !== revision) return !remove(p);
  }
  return false;
}

function createPod(
  ctx: ControllerContext,
  set: KubeObject,
  ordinal: number,
  revision: string,
  event: (type: 'Normal' | 'Warning', reason: string, message: string) => void,
): boolean {
  const spec = specOf<StatefulSetSpec>(set);
  const name = `${set.metadata.name}-${ordinal}`;
  const claims = spec.volumeClaimTemplates ?? [];
  for (const tpl of claims) {
    const pvcName = claimName(tpl, set, ordinal);
    if (ctx.store.get(K.pvcs, set.metadata.namespace, pvcName)) continue;
    const labels = { ...(tpl.metadata.labels ?? {}), ...(spec.selector?.matchLabels ?? {}) };
    const res = tryCreate(ctx, K.pvcs, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: pvcName,
        namespace: set.metadata.namespace,
        labels,
        ...(tpl.metadata.annotations ? { annotations: tpl.metadata.annotations } : {}),
      },
      spec: tpl.spec,
    } as KubeObject);
    if (!res.ok) {
      event(
        'Warning',
        'FailedCreate',
        `create Claim ${pvcName} for Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${res.message}`,
      );
      return false;
    }
    event(
      'Normal',
      'SuccessfulCreate',
      `create Claim ${pvcName} Pod ${name} in StatefulSet ${set.metadata.name} success`,
    );
  }
  const pod = podFromTemplate(spec.template, set, {
    name,
    labels: {
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    },
    editSpec: (podSpec) => {
      podSpec.hostname = name;
      if (spec.serviceName) podSpec.subdomain = spec.serviceName;
      // Each claim template replaces a same-named volume of the template.
      const volumes = ((podSpec.volumes as { name: string }[] | undefined) ?? []).filter(
        (v) => !claims.some((t) => t.metadata.name === v.name),
      );
      for (const tpl of claims)
        volumes.push({
          name: tpl.metadata.name ?? '',
          persistentVolumeClaim: { claimName: claimName(tpl, set, ordinal) },
        } as { name: string });
      if (volumes.length) podSpec.volumes = volumes;
    },
  });
  const res = tryCreate(ctx, K.pods, pod);
  if (!res.ok) {
    event(
      'Warning',
      'FailedCreate',
      `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${res.message}`,
    );
    return false;
  }
  event('Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} successful`);
  return true;
}

function setStatus(set: KubeObject, pods: readonly KubeObject[], now: Date): Record<string, unknown> {
  const spec = specOf<StatefulSetSpec>(set);
  const prev = statusOf<StatefulSetStatus>(set);
  const update = updateRevision(set);
  const live = pods.filter((p) => !isPodTerminal(p) || podPhase(p) === 'Failed');
  const ready = live.filter(isPodReady).length;
  const available = live.filter((p) => isPodAvailable(p, intOr(spec.minReadySeconds, 0), now)).length;
  const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === update).length;
  let current = prev.currentRevision ?? update;
  // The rollout is complete once every pod runs the update revision and is ready.
  if (updated === live.length && ready === live.length) current = update;
  const currentReplicas = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === current).length;
  return {
    observedGeneration: set.metadata.generation ?? 1,
    replicas: live.length,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(currentReplicas ? { currentReplicas } : {}),
    ...(updated ? { updatedReplicas: updated } : {}),
    currentRevision: current,
    updateRevision: update,
    collisionCount: intOr(prev.collisionCount, 0),
    availableReplicas: available,
  };
}
