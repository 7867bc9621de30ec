// The DaemonSet controller: one pod per eligible node (nodeSelector, required node affinity, NoSchedule /
// NoExecute taints against the pod's tolerations plus the ones the controller adds), pinned to its node
// with a matchFields node affinity the scheduler honours; failed pods replaced; RollingUpdate replaces
// outdated pods within maxUnavailable.

import type { LabelSelectorSpec } from '../../kube/label-selector.js';
import { selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { matchesNodeSelectorAndAffinity, toleratesTaint } from '../scheduler/node-filters.js';
import { type NodeSelectorTerm, nodeSpec, podSpec, type Taint, type Toleration } from '../scheduler/pod-shape.js';
import { claim } from './claim.js';
import type { Controller, ControllerContext } from './controller.js';
import { scaledValue } from './int-or-percent.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { ownerKey } from './owner-refs.js';
import { createPodFor, deletePodFor, podFromTemplate, writeStatus } from './pod-control.js';
import { isPodAvailable, isPodReady, msUntilAvailable, podPhase } from './pod-status.js';
import { type IntOrString, intOr, type PodTemplate, specOf, statusOf } from './shapes.js';
import { computeHash } from './template-hash.js';

const COMPONENT = 'daemonset-controller';
const REVISION_LABEL = 'controller-revision-hash';

interface DaemonSetSpec {
  selector?: LabelSelectorSpec;
  template?: PodTemplate;
  minReadySeconds?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString } };
}

// AddOrUpdateDaemonPodTolerations: daemons keep running through node trouble.
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export function daemonSetController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.daemonSets) return [keyOf(e.object)];
      if (e.resource === K.nodes) return ctx.store.all(K.daemonSets).map(keyOf);
      if (e.resource === K.pods) {
        const keys = new Set<string>();
        for (const o of [e.object, e.previous]) {
          const k = ownerKey(o, 'DaemonSet');
          if (k) keys.add(k);
        }
        return [...keys];
      }
      return [];
    },
    initialKeys: () => ctx.store.all(K.daemonSets).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const ds = ctx.store.get(K.daemonSets, namespace, name);
      if (!ds) return;
      if (!ds.metadata.deletionTimestamp) syncDaemonSet(ctx, index, ds);
      const now = ctx.clock.now();
      writeStatus(ctx, K.daemonSets, ds, daemonStatus(ctx, index, ds, now));
      const minReady = intOr(specOf<DaemonSetSpec>(ds).minReadySeconds, 0);
      const waits = index
        .ownedBy(K.pods, ds.metadata.uid)
        .map((p) => msUntilAvailable(p, minReady, now))
        .filter((x): x is number => x !== undefined);
      return waits.length ? Math.min(...waits) : undefined;
    },
  };
}

/** The template as a pod would get it, with the daemon tolerations merged in. */
function withDaemonTolerations(spec: Record<string, unknown>): void {
  const mine = (spec.tolerations as Toleration[] | undefined) ?? [];
  const extra = DAEMON_TOLERATIONS.filter((t) => !mine.some((m) => m.key === t.key && m.effect === t.effect));
  spec.tolerations = [...mine, ...extra];
}

function pinToNode(spec: Record<string, unknown>, node: string): void {
  const affinity = { ...((spec.affinity as Record<string, unknown> | undefined) ?? {}) };
  const nodeAffinity = { ...((affinity.nodeAffinity as Record<string, unknown> | undefined) ?? {}) };
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] };
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  affinity.nodeAffinity = nodeAffinity;
  spec.affinity = affinity;
}

/** The node a daemon pod is for: its binding, or the node its matchFields affinity pins it to. */
function targetNode(pod: KubeObject): string | undefined {
  const spec = podSpec(pod);
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    []) {
    const f = term.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In');
    if (f?.values?.[0]) return f.values[0];
  }
  return undefined;
}

/** nodeShouldRunDaemonPod: whether to place a new daemon pod, and whether an existing one may stay. */
function placement(ds: KubeObject, node: KubeObject): { run: boolean; keep: boolean } {
  const spec = { ...(specOf<DaemonSetSpec>(ds).template?.spec ?? {}) };
  withDaemonTolerations(spec);
  const probe = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec } as KubeObject;
  if (!matchesNodeSelectorAndAffinity(probe, node)) return { run: false, keep: false };
  const tolerations = (spec.tolerations as Toleration[]) ?? [];
  const untolerated = (nodeSpec(node).taints ?? []).filter(
    (t: Taint) => !tolerations.some((tol) => toleratesTaint(tol, t)),
  );
  const run = !untolerated.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const keep = !untolerated.some((t) => t.effect === 'NoExecute');
  return { run, keep };
}

function revisionOf(ds: KubeObject): string {
  return computeHash(specOf<DaemonSetSpec>(ds).template);
}

function syncDaemonSet(ctx: ControllerContext, index: ObjectIndex, ds: KubeObject): void {
  const spec = specOf<DaemonSetSpec>(ds);
  const pods = claim(ctx, index, K.pods, ds, selectorFromSpec(spec.selector)).filter(
    (p) => !p.metadata.deletionTimestamp,
  );
  const nodes = ctx.store.all(K.nodes);
  const nodeNames = new Set(nodes.map((n) => n.metadata.name ?? ''));
  const byNode = new Map<string, KubeObject[]>();
  for (const p of pods) {
    const n = targetNode(p) ?? '';
    if (!nodeNames.has(n)) {
      deletePodFor(ctx, ds, COMPONENT, p);
      continue;
    }
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const revision = revisionOf(ds);
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const { run, keep } = placement(ds, node);
    let mine = byNode.get(name) ?? [];
    for (const p of mine.filter((q) => podPhase(q) === 'Failed')) {
      ctx.events.record({
        object: ds,
        type: 'Warning',
        reason: 'FailedDaemonPod',
        message: `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`,
        component: COMPONENT,
      });
      deletePodFor(ctx, ds, COMPONENT, p);
    }
    mine = mine.filter((q) => podPhase(q) !== 'Failed');
    if (!keep || (!run && mine.length === 0)) {
      for (const p of mine) deletePodFor(ctx, ds, COMPONENT, p);
      continue;
    }
    if (mine.length === 0) {
      const pod = podFromTemplate(spec.template, ds, {
        labels: { [REVISION_LABEL]: revision, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        editSpec: (s) => {
          withDaemonTolerations(s);
          pinToNode(s, name);
        },
      });
      createPodFor(ctx, ds, COMPONENT, pod);
      continue;
    }
    // More than one daemon pod on a node: keep the oldest.
    const sorted = [...mine].sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    for (const p of sorted.slice(1)) deletePodFor(ctx, ds, COMPONENT, p);
  }
  rollingUpdate(ctx, index, ds, revision);
}

function rollingUpdate(ctx: ControllerContext, index: ObjectIndex, ds: KubeObject, revision: string): void {
  const spec = specOf<DaemonSetSpec>(ds);
  if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  const now = ctx.clock.now();
  const minReady = intOr(spec.minReadySeconds, 0);
  const pods = index.ownedBy(K.pods, ds.metadata.uid).filter((p) => !p.metadata.deletionTimestamp);
  const desired = ctx.store.all(K.nodes).filter((n) => placement(ds, n).run).length;
  const maxUnavailable = Math.max(1, scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1));
  let unavailable = desired - pods.filter((p) => isPodAvailable(p, minReady, now)).length;
  for (const p of pods) {
    if (p.metadata.labels?.[REVISION_LABEL] === revision) continue;
    // An outdated pod that is not available anyway costs nothing to replace.
    if (!isPodAvailable(p, minReady, now)) deletePodFor(ctx, ds, COMPONENT, p);
    else if (unavailable < maxUnavailable) {
      deletePodFor(ctx, ds, COMPONENT, p);
      unavailable++;
    }
  }
}

function daemonStatus(ctx: ControllerContext, index: ObjectIndex, ds: KubeObject, now: Date): Record<string, unknown> {
  const spec = specOf<DaemonSetSpec>(ds);
  const minReady = intOr(spec.minReadySeconds, 0);
  const revision = revisionOf(ds);
  const pods = index.ownedBy(K.pods, ds.metadata.uid).filter((p) => !p.metadata.deletionTimestamp);
  let desired = 0;
  let scheduled = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of ctx.store.all(K.nodes)) {
    const { run } = placement(ds, node);
    const onNode = pods.filter((p) => targetNode(p) === node.metadata.name);
    if (run) desired++;
    if (onNode.length === 0) continue;
    if (!run) {
      misscheduled++;
      continue;
    }
    scheduled++;
    const p = onNode[0]!;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, now)) available++;
    if (p.metadata.labels?.[REVISION_LABEL] === revision) updated++;
  }
  return {
    currentNumberScheduled: scheduled,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    ...(updated ? { updatedNumberScheduled: updated } : {}),
    ...(available ? { numberAvailable: available } : {}),
    ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
    ...(statusOf<{ collisionCount?: number }>(ds).collisionCount
      ? { collisionCount: statusOf<{ collisionCount?: number }>(ds).collisionCount }
      : {}),
  };
}
