// The node lifecycle controller: turns node conditions (and cordoning) into the taints kube-controller-manager
// adds, marks the pods of a NotReady node not ready, evicts pods from NoExecute taints once their toleration
// runs out (taint-eviction-controller), deletes pods bound to a node that no longer exists (pod GC), and
// applies the `sim.kubemend.io/condition-*` annotations scenarios use to flip conditions. It also does the
// node-level posting of each simulated kubelet: registration, condition timestamps and the node Lease.

import type { Controller, ControllerContext } from '../controllers/controller.js';
import type { KubeObject } from '../objects.js';
import { tolerated } from '../scheduler/node-filters.js';
import { nodeCondition, nodeSpec, type PodCondition, podSpec, podStatus, type Taint } from '../scheduler/pod-shape.js';
import { isoSeconds } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { NODES, PODS } from './kubelet.js';
import {
  type ConditionStatus,
  conditionAnnotation,
  HEALTHY,
  isConditionStatus,
  NODE_CONDITION_TYPES,
  type NodeConditionType,
  registerNodeStatus,
  setNodeCondition,
} from './node-conditions.js';
import { renewLease, stampConditions } from './node-heartbeat.js';

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** What the DefaultTolerationSeconds admission plugin gives every pod for the two keys above. */
const DEFAULT_TOLERATION_SECONDS = 300;

const PRESSURE_TAINTS: Readonly<Record<string, string>> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};
const MANAGED_KEYS = new Set([
  NOT_READY,
  UNREACHABLE,
  'node.kubernetes.io/unschedulable',
  ...Object.values(PRESSURE_TAINTS),
]);

/** kubelet's node events for pressure transitions: [when True, when False]. */
const PRESSURE_EVENTS: Readonly<Record<string, readonly [string, string]>> = {
  MemoryPressure: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
  DiskPressure: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
  PIDPressure: ['NodeHasInsufficientPID', 'NodeHasSufficientPID'],
};

function desiredTaints(node: KubeObject, now: string, existing: readonly Taint[]): Taint[] {
  const out: Taint[] = [];
  const keep = (key: string, effect: string) => {
    const prev = existing.find((t) => t.key === key && t.effect === effect);
    out.push(prev ?? { key, effect, ...(effect === 'NoExecute' ? { timeAdded: now } : {}) });
  };
  const ready = nodeCondition(node, 'Ready')?.status;
  if (ready === 'False') {
    keep(NOT_READY, 'NoSchedule');
    keep(NOT_READY, 'NoExecute');
  } else if (ready === 'Unknown' || ready === undefined) {
    keep(UNREACHABLE, 'NoSchedule');
    keep(UNREACHABLE, 'NoExecute');
  }
  for (const [type, key] of Object.entries(PRESSURE_TAINTS))
    if (nodeCondition(node, type)?.status === 'True') keep(key, 'NoSchedule');
  if (nodeSpec(node).unschedulable) keep('node.kubernetes.io/unschedulable', 'NoSchedule');
  return out;
}

/** Seconds a pod tolerates a NoExecute taint: 0 = evict now, Infinity = never. */
function toleranceSeconds(pod: KubeObject, taint: Taint): number {
  const matching = (podSpec(pod).tolerations ?? []).filter((t) => tolerated([t], taint));
  if (matching.length === 0)
    return taint.key === NOT_READY || taint.key === UNREACHABLE ? DEFAULT_TOLERATION_SECONDS : 0;
  if (matching.some((t) => t.tolerationSeconds === undefined)) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(...matching.map((t) => t.tolerationSeconds ?? 0)));
}

export function nodeLifecycleController(ctx: ControllerContext): Controller {
  const { store, events, clock } = ctx;
  /** Last-applied annotation values per node, so removing one restores health without fighting direct writes. */
  const applied = new Map<string, Map<NodeConditionType, ConditionStatus>>();
  /** Last seen condition statuses per node, for transition events. */
  const seen = new Map<string, Map<string, string>>();

  const podsOn = (node: string) => store.all(PODS).filter((p) => podSpec(p).nodeName === node);

  const applyAnnotations = (node: KubeObject): void => {
    const name = node.metadata.name ?? '';
    let mine = applied.get(name);
    if (!mine) {
      mine = new Map();
      applied.set(name, mine);
    }
    for (const type of NODE_CONDITION_TYPES) {
      const raw = node.metadata.annotations?.[conditionAnnotation(type)];
      const want = isConditionStatus(raw) ? raw : undefined;
      if (want !== undefined && mine.get(type) !== want) {
        mine.set(type, want);
        setNodeCondition(store, name, type, want);
      } else if (want === undefined && mine.has(type)) {
        mine.delete(type);
        setNodeCondition(store, name, type, HEALTHY[type]);
      }
    }
  };

  const markPodsNotReady = (node: string): void => {
    for (const pod of podsOn(node)) {
      const ready = podStatus(pod).conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      store.modify(
        PODS,
        pod.metadata.namespace,
        pod.metadata.name!,
        (p) => {
          const st = p.status as { conditions?: PodCondition[] };
          st.conditions = (st.conditions ?? []).map((c) =>
            c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: isoSeconds(clock.now()) } : c,
          );
        },
        { subresource: 'status' },
      );
      events.record({
        object: pod,
        type: 'Warning',
        reason: 'NodeNotReady',
        message: 'Node is not ready',
        component: 'node-controller',
      });
    }
  };

  const statuses = (node: KubeObject) =>
    new Map(
      (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.map((c) => [
        c.type,
        c.status,
      ]) ?? [],
    );

  const transitions = (node: KubeObject): void => {
    const name = node.metadata.name ?? '';
    const before = seen.get(name);
    const now = statuses(node);
    seen.set(name, now);
    if (!before) return;
    const ready = now.get('Ready');
    if (before.get('Ready') === 'True' && ready !== 'True') {
      events.record({
        object: node,
        type: 'Normal',
        reason: 'NodeNotReady',
        message: `Node ${name} status is now: NodeNotReady`,
        component: 'node-controller',
      });
      markPodsNotReady(name);
    } else if (before.get('Ready') !== 'True' && ready === 'True') {
      events.record({
        object: node,
        type: 'Normal',
        reason: 'NodeReady',
        message: `Node ${name} status is now: NodeReady`,
        component: 'kubelet',
        host: name,
      });
    }
    for (const [type, [onTrue, onFalse]] of Object.entries(PRESSURE_EVENTS)) {
      const s = now.get(type);
      if (s === before.get(type) || (s !== 'True' && s !== 'False')) continue;
      const reason = s === 'True' ? onTrue : onFalse;
      events.record({
        object: node,
        type: 'Normal',
        reason,
        message: `Node ${name} status is now: ${reason}`,
        component: 'kubelet',
        host: name,
      });
    }
  };

  const syncTaints = (node: KubeObject): KubeObject => {
    const now = isoSeconds(clock.now());
    const existing = nodeSpec(node).taints ?? [];
    const managed = desiredTaints(
      node,
      now,
      existing.filter((t) => MANAGED_KEYS.has(t.key)),
    );
    const next = [...existing.filter((t) => !MANAGED_KEYS.has(t.key)), ...managed];
    if (JSON.stringify(next) === JSON.stringify(existing)) return node;
    return (
      store.modify(NODES, undefined, node.metadata.name!, (n) => {
        const spec = (n.spec ?? {}) as Record<string, unknown>;
        if (next.length > 0) spec.taints = next;
        else delete spec.taints;
        n.spec = spec;
      }) ?? node
    );
  };

  /** Evicts pods whose NoExecute tolerance ran out; returns the delay until the next eviction is due. */
  const evict = (node: KubeObject): number | undefined => {
    const taints = (nodeSpec(node).taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (taints.length === 0) return undefined;
    const nowMs = clock.now().getTime();
    let next = Number.POSITIVE_INFINITY;
    for (const pod of podsOn(node.metadata.name ?? '')) {
      if (pod.metadata.deletionTimestamp) continue;
      let due = Number.POSITIVE_INFINITY;
      for (const t of taints) {
        const added = t.timeAdded ? Date.parse(t.timeAdded) : nowMs;
        due = Math.min(due, added + toleranceSeconds(pod, t) * 1000);
      }
      if (due > nowMs) {
        next = Math.min(next, due);
        continue;
      }
      const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
      events.record({
        object: pod,
        type: 'Normal',
        reason: 'TaintManagerEviction',
        message: `Marking for deletion Pod ${ref}`,
        component: 'taint-eviction-controller',
      });
      try {
        store.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return Number.isFinite(next) ? Math.max(0, next - nowMs) : undefined;
  };

  return {
    name: 'node-lifecycle-controller',
    initialKeys: () => store.all(NODES).map((n) => n.metadata.name ?? ''),
    keysFor(e) {
      if (e.resource === NODES) return [e.object.metadata.name ?? ''];
      if (e.resource === PODS && e.type !== 'DELETED') {
        const node = podSpec(e.object).nodeName;
        // A pod bound to a node that is gone or NoExecute-tainted needs the node's eviction clock.
        if (node && podSpec(e.previous ?? e.object).nodeName !== node) {
          const n = store.get(NODES, undefined, node);
          if (!n || (nodeSpec(n).taints ?? []).some((t) => t.effect === 'NoExecute')) return [node];
        }
      }
      return [];
    },
    reconcile(name) {
      const node = store.get(NODES, undefined, name);
      if (!node) {
        applied.delete(name);
        seen.delete(name);
        for (const pod of podsOn(name)) {
          try {
            store.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { propagationPolicy: 'Background' });
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 404)) throw err;
          }
        }
        return undefined;
      }
      if (!nodeCondition(node, 'Ready')) registerNodeStatus(store, name, store.all(NODES).indexOf(node));
      if (!seen.has(name)) seen.set(name, statuses(store.get(NODES, undefined, name) ?? node));
      applyAnnotations(node);
      stampConditions(store, store.get(NODES, undefined, name) ?? node);
      const current = store.get(NODES, undefined, name) ?? node;
      transitions(current);
      const evictIn = evict(syncTaints(current));
      const renewIn = renewLease(store, current);
      return evictIn === undefined ? renewIn : renewIn === undefined ? evictIn : Math.min(evictIn, renewIn);
    },
  };
}
