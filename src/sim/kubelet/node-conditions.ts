// Node conditions a scenario can flip, with the reasons and messages kubelet and the node controller write.
// Two ways in: `setNodeCondition()` from code, or an annotation on the Node (so a plain `kubectl annotate`
// in a scenario works), which the node lifecycle controller applies:
//
//   sim.kubemend.io/condition-ready=False|Unknown|True
//   sim.kubemend.io/condition-memorypressure=True|False
//   sim.kubemend.io/condition-diskpressure=True|False
//   sim.kubemend.io/condition-pidpressure=True|False
//
// Removing the annotation restores the healthy value.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { NodeCondition } from '../scheduler/pod-shape.js';
import type { ObjectStore } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';

const NODES = RESOURCES.find((r) => r.plural === 'nodes' && r.group === '')!;

export type NodeConditionType = 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export const CONDITION_ANNOTATION_PREFIX = 'sim.kubemend.io/condition-';
export const NODE_CONDITION_TYPES: readonly NodeConditionType[] = [
  'Ready',
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure',
];

/** The value each condition has on a healthy node. */
export const HEALTHY: Readonly<Record<NodeConditionType, ConditionStatus>> = {
  Ready: 'True',
  MemoryPressure: 'False',
  DiskPressure: 'False',
  PIDPressure: 'False',
};

const UNKNOWN = { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };

const TEXTS: Readonly<
  Record<NodeConditionType, Readonly<Record<'True' | 'False', { reason: string; message: string }>>>
> = {
  Ready: {
    True: { reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    False: {
      reason: 'KubeletNotReady',
      message:
        'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    },
  },
  MemoryPressure: {
    True: { reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' },
    False: { reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  },
  DiskPressure: {
    True: { reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' },
    False: { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  },
  PIDPressure: {
    True: { reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' },
    False: { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  },
};

/** The annotation key that drives a condition, e.g. `sim.kubemend.io/condition-memorypressure`. */
export function conditionAnnotation(type: NodeConditionType): string {
  return `${CONDITION_ANNOTATION_PREFIX}${type.toLowerCase()}`;
}

export function isConditionStatus(v: string | undefined): v is ConditionStatus {
  return v === 'True' || v === 'False' || v === 'Unknown';
}

function conditionFor(
  type: NodeConditionType,
  status: ConditionStatus,
  prev: NodeCondition | undefined,
  now: string,
): NodeCondition {
  const text = status === 'Unknown' ? UNKNOWN : TEXTS[type][status];
  return {
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    reason: text.reason,
    message: text.message,
  };
}

/**
 * Sets one condition of a node (status subresource). A kubelet that stops posting leaves every condition
 * Unknown, so Ready=Unknown marks them all Unknown. Returns the updated node, or undefined when it is gone.
 */
export function setNodeCondition(
  store: ObjectStore,
  node: string,
  type: NodeConditionType,
  status: ConditionStatus,
): KubeObject | undefined {
  const now = isoSeconds(store.now());
  return store.modify(
    NODES,
    undefined,
    node,
    (n) => {
      const st = (n.status ?? {}) as { conditions?: NodeCondition[] };
      const conditions = [...(st.conditions ?? [])];
      const apply = (t: NodeConditionType, s: ConditionStatus) => {
        const i = conditions.findIndex((c) => c.type === t);
        const c = conditionFor(t, s, conditions[i], now);
        if (i >= 0) conditions[i] = c;
        else conditions.push(c);
      };
      apply(type, status);
      if (type === 'Ready' && status === 'Unknown')
        for (const t of NODE_CONDITION_TYPES) if (t !== 'Ready') apply(t, 'Unknown');
      if (type === 'Ready' && status !== 'Unknown')
        for (const c of [...conditions])
          if (c.type !== 'Ready' && c.status === 'Unknown')
            apply(c.type as NodeConditionType, HEALTHY[c.type as NodeConditionType] ?? 'False');
      n.status = { ...st, conditions };
    },
    { subresource: 'status' },
  );
}

/**
 * What a kubelet posts when it registers: a Node created without status (say, by `kubectl apply`) gets a
 * healthy simulated kubelet with the same shape as the simulator's seeded nodes.
 */
export function registerNodeStatus(store: ObjectStore, node: string, index: number): KubeObject | undefined {
  const now = isoSeconds(store.now());
  return store.modify(
    NODES,
    undefined,
    node,
    (n) => {
      const st = (n.status ?? {}) as Record<string, unknown>;
      const capacity = st.capacity ?? { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
      n.status = {
        ...st,
        capacity,
        allocatable: st.allocatable ?? capacity,
        conditions: NODE_CONDITION_TYPES.map((t) => conditionFor(t, HEALTHY[t], undefined, now)),
        addresses: st.addresses ?? [
          { type: 'InternalIP', address: `172.18.1.${(index % 250) + 2}` },
          { type: 'Hostname', address: node },
        ],
        nodeInfo: st.nodeInfo ?? {
          kubeletVersion: 'v1.32.4',
          kubeProxyVersion: 'v1.32.4',
          containerRuntimeVersion: 'containerd://1.7.24',
          osImage: 'kubemend simulated node',
          operatingSystem: 'linux',
          architecture: 'amd64',
          kernelVersion: '6.1.0-sim',
        },
      } as KubeObject['status'];
    },
    { subresource: 'status' },
  );
}
