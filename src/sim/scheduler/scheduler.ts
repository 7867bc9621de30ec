// The simulated kube-scheduler (`default-scheduler`): binds each unscheduled pod to the best feasible node,
// or marks it PodScheduled=False/Unschedulable with kube-scheduler's FailedScheduling message. Unschedulable
// pods are retried when something that could make room changes (a node, a bound pod leaving, a claim), and
// every five simulated minutes regardless, like the scheduler's unschedulable queue flush.

import type { Controller, ControllerContext } from '../controllers/controller.js';
import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { StoreEvent } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';
import { fitErrorMessage, NO_NODES_MESSAGE } from './fit-error.js';
import {
  type ClusterView,
  type FilterFailure,
  filterNode,
  matchNodeSelectorTerm,
  type NodeInfo,
  tolerated,
} from './node-filters.js';
import { podRequests, qosClass, quantityValue } from './pod-requests.js';
import { isTerminal, nodeSpec, nodeStatus, type PodCondition, podKey, podSpec, podStatus } from './pod-shape.js';
import { NODES, PODS, SchedulerCache } from './scheduler-cache.js';
import { annotateSelectedNode, checkPodVolumes } from './volume-binding.js';

const NAMESPACES = RESOURCES.find((r) => r.plural === 'namespaces' && r.group === '')!;
const VOLUME_KINDS = new Set(['persistentvolumeclaims', 'persistentvolumes', 'storageclasses']);
const UNSCHEDULABLE_FLUSH_MS = 5 * 60_000;
export const DEFAULT_SCHEDULER = 'default-scheduler';

function wantsThisScheduler(pod: KubeObject): boolean {
  const spec = podSpec(pod);
  return (spec.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER;
}

function needsScheduling(pod: KubeObject): boolean {
  return !podSpec(pod).nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && wantsThisScheduler(pod);
}

function nodeShapeChanged(e: StoreEvent): boolean {
  if (e.type !== 'MODIFIED' || !e.previous) return true;
  const shape = (n: KubeObject) =>
    JSON.stringify([
      n.metadata.labels,
      n.spec,
      nodeStatus(n).allocatable,
      nodeStatus(n).conditions?.map((c) => [c.type, c.status]),
    ]);
  return shape(e.previous) !== shape(e.object);
}

/** Higher is better: room left after placing the pod, balance, spread of a controller's pods, preferences. */
function score(pod: KubeObject, info: NodeInfo): number {
  const alloc = nodeStatus(info.node).allocatable ?? {};
  const want = podRequests(pod);
  const frac = (r: string): number => {
    const cap = quantityValue(r, alloc[r]);
    return cap > 0 ? Math.min(1, ((info.requested.get(r) ?? 0) + (want.get(r) ?? 0)) / cap) : 1;
  };
  const cpu = frac('cpu');
  const mem = frac('memory');
  let s = (2 - cpu - mem) * 50 + (1 - Math.abs(cpu - mem)) * 10;
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
  if (owner) s -= 25 * info.pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === owner)).length;
  for (const pref of podSpec(pod).affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    if (matchNodeSelectorTerm(pref.preference, info.node)) s += pref.weight;
  const tolerations = podSpec(pod).tolerations;
  for (const t of nodeSpec(info.node).taints ?? [])
    if (t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)) s -= 50;
  return s;
}

export function schedulerController(ctx: ControllerContext): Controller {
  const { store, events, clock } = ctx;
  const cache = new SchedulerCache(store);
  /** Keys of pods that failed to schedule and wait for a change. */
  const unschedulable = new Set<string>();

  const view = (): ClusterView => ({
    nodes: store.all(NODES).map((n) => cache.nodeInfo(n)),
    namespaceLabels: (name) => store.get(NAMESPACES, undefined, name)?.metadata.labels,
  });

  const markUnschedulable = (pod: KubeObject, message: string): void => {
    const now = isoSeconds(clock.now());
    store.modify(
      PODS,
      pod.metadata.namespace,
      pod.metadata.name!,
      (p) => {
        const status = { ...(p.status as Record<string, unknown> | undefined) };
        const conditions = [...((status.conditions as PodCondition[] | undefined) ?? [])];
        const i = conditions.findIndex((c) => c.type === 'PodScheduled');
        const prev = i >= 0 ? conditions[i] : undefined;
        const same = prev?.status === 'False' && prev.reason === 'Unschedulable';
        const cond: PodCondition = {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastProbeTime: null,
          lastTransitionTime: same && prev?.lastTransitionTime ? prev.lastTransitionTime : now,
        };
        if (i >= 0) conditions[i] = cond;
        else conditions.push(cond);
        p.status = { ...status, phase: 'Pending', conditions, qosClass: status.qosClass ?? qosClass(p) };
      },
      { subresource: 'status' },
    );
    events.record({ object: pod, type: 'Warning', reason: 'FailedScheduling', message, component: DEFAULT_SCHEDULER });
  };

  const bind = (pod: KubeObject, node: string, delayedClaims: readonly string[]): void => {
    annotateSelectedNode(store, pod.metadata.namespace, delayedClaims, node);
    store.update(
      PODS,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
        spec: { nodeName: node },
      },
      { subresource: 'binding' },
    );
    events.record({
      object: pod,
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
      component: DEFAULT_SCHEDULER,
    });
  };

  /** One scheduling cycle for one pod; returns the delay before retrying, or undefined when bound. */
  const scheduleOne = (pod: KubeObject): number | undefined => {
    const nodes = store.all(NODES);
    if (nodes.length === 0) {
      markUnschedulable(pod, NO_NODES_MESSAGE);
      return UNSCHEDULABLE_FLUSH_MS;
    }
    const preemptionPolicy = (pod.spec as { preemptionPolicy?: string } | undefined)?.preemptionPolicy;
    const volumes = checkPodVolumes(store, pod);
    if (!volumes.ok) {
      markUnschedulable(
        pod,
        fitErrorMessage({
          totalNodes: nodes.length,
          failures: [],
          preFilterMessage: volumes.message,
          preemptionPolicy,
        }),
      );
      return UNSCHEDULABLE_FLUSH_MS;
    }
    const cluster = view();
    const failures: FilterFailure[] = [];
    let best: { info: NodeInfo; score: number } | undefined;
    for (const info of cluster.nodes) {
      const failure = filterNode(pod, info, cluster, { volumeFilter: volumes.filter });
      if (failure) {
        failures.push(failure);
        continue;
      }
      const s = score(pod, info);
      const better =
        !best ||
        s > best.score ||
        (s === best.score &&
          (info.pods.length < best.info.pods.length ||
            (info.pods.length === best.info.pods.length &&
              (info.node.metadata.name ?? '') < (best.info.node.metadata.name ?? ''))));
      if (better) best = { info, score: s };
    }
    if (!best) {
      markUnschedulable(pod, fitErrorMessage({ totalNodes: nodes.length, failures, preemptionPolicy }));
      return UNSCHEDULABLE_FLUSH_MS;
    }
    try {
      bind(pod, best.info.node.metadata.name!, volumes.delayedClaims);
    } catch (err) {
      const message = `Binding rejected: ${err instanceof Error ? err.message : String(err)}`;
      events.record({
        object: pod,
        type: 'Warning',
        reason: 'FailedScheduling',
        message,
        component: DEFAULT_SCHEDULER,
      });
      return 1_000;
    }
    if (podStatus(pod).conditions?.some((c) => c.type === 'PodScheduled' && c.status !== 'True')) {
      store.modify(
        PODS,
        pod.metadata.namespace,
        pod.metadata.name!,
        (p) => {
          const status = p.status as { conditions?: PodCondition[] };
          status.conditions = (status.conditions ?? []).map((c) =>
            c.type === 'PodScheduled'
              ? {
                  type: 'PodScheduled',
                  status: 'True',
                  lastProbeTime: null,
                  lastTransitionTime: isoSeconds(clock.now()),
                }
              : c,
          );
        },
        { subresource: 'status' },
      );
    }
    return undefined;
  };

  return {
    name: DEFAULT_SCHEDULER,
    initialKeys: () => store.all(PODS).filter(needsScheduling).map(podKey),
    keysFor(e) {
      if (e.resource === PODS) {
        const moved = cache.observe(e);
        if (e.type === 'DELETED') unschedulable.delete(podKey(e.object));
        else if (needsScheduling(e.object)) {
          // Our own status writes must not requeue the pod (that would record each failure twice).
          const specChanged = e.type === 'ADDED' || e.previous?.metadata.generation !== e.object.metadata.generation;
          return specChanged ? [podKey(e.object)] : [];
        }
        const labelsChanged =
          e.type === 'MODIFIED' &&
          JSON.stringify(e.previous?.metadata.labels) !== JSON.stringify(e.object.metadata.labels);
        return moved || labelsChanged ? [...unschedulable] : [];
      }
      if (e.resource === NODES) return nodeShapeChanged(e) ? [...unschedulable] : [];
      if (VOLUME_KINDS.has(e.resource.plural)) return [...unschedulable];
      return [];
    },
    reconcile(key) {
      const slash = key.indexOf('/');
      const pod = store.get(PODS, key.slice(0, slash), key.slice(slash + 1));
      if (!pod || !needsScheduling(pod)) {
        unschedulable.delete(key);
        return undefined;
      }
      const retry = scheduleOne(pod);
      if (retry === undefined) unschedulable.delete(key);
      else unschedulable.add(key);
      return retry;
    },
  };
}
