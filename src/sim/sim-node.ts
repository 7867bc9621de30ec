// A simulated Node as the kubelet registers it: capacity, allocatable, the four conditions healthy, addresses.
// One builder for the simulator's default nodes and for tests that need nodes of other shapes.

import type { KubeObject } from './objects.js';

export interface NodeShape {
  readonly name: string;
  /** 1-based position: picks the pod CIDR, the internal IP and the zone. */
  readonly index: number;
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  /** Allocatable when it differs from capacity (system reservations). */
  readonly allocatable?: { readonly cpu: string; readonly memory: string };
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly { key: string; value?: string; effect: string }[];
}

export function simNode(shape: NodeShape): KubeObject {
  const { name, index: i } = shape;
  const capacity = { cpu: shape.cpu ?? '4', memory: shape.memory ?? '16Gi', pods: shape.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `sim-zone-${((i - 1) % 3) + 1}`,
        ...shape.labels,
      },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, ...(shape.taints ? { taints: shape.taints.map((t) => ({ ...t })) } : {}) },
    status: {
      capacity: { ...capacity, 'ephemeral-storage': '100Gi' },
      allocatable: { ...capacity, ...shape.allocatable, 'ephemeral-storage': '95Gi' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
        },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `172.18.0.${i + 1}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: 'v1.32.4',
        containerRuntimeVersion: 'containerd://1.7.24',
        osImage: 'kubemend simulated node',
        operatingSystem: 'linux',
        architecture: 'amd64',
        kernelVersion: '6.1.0-sim',
      },
    },
  };
}
