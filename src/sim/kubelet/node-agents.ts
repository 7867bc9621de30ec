// The node side of the simulated cluster as controllers: kube-scheduler, the kubelets of every node and the
// node lifecycle controller, sharing one kubelet registry entry per store (metrics and the HPA read it).

import type { Controller, ControllerContext } from '../controllers/controller.js';
import { schedulerController } from '../scheduler/scheduler.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ContainerRuntime } from './container-runtime.js';
import { Kubelet, kubeletFor, registerKubelet } from './kubelet.js';
import { nodeLifecycleController } from './node-lifecycle.js';

export function createNodeControllers(ctx: ControllerContext, runtime: ContainerRuntime): Controller[] {
  const kubelet = new Kubelet(ctx, runtime);
  registerKubelet(ctx.store, kubelet);
  return [schedulerController(ctx), kubelet.controller(), nodeLifecycleController(ctx)];
}

/** A running pod's CPU usage in millicores (sum of its containers), or undefined when it runs nothing. */
export function podCpuMillis(store: ObjectStore, namespace: string, pod: string): number | undefined {
  return kubeletFor(store)?.podCpuMillis(namespace, pod);
}

/** A running pod's memory in bytes (sum of its containers), or undefined when it runs nothing. */
export function podMemoryBytes(store: ObjectStore, namespace: string, pod: string): number | undefined {
  return kubeletFor(store)?.podMemoryBytes(namespace, pod);
}

/** The HPA's metrics source (C1's PodMetricsSource shape), reading the store's simulated kubelet. */
export function podMetricsSource(store: ObjectStore): {
  cpuMillis(namespace: string, pod: string): number | undefined;
  memoryBytes(namespace: string, pod: string): number | undefined;
} {
  return {
    cpuMillis: (namespace, pod) => podCpuMillis(store, namespace, pod),
    memoryBytes: (namespace, pod) => podMemoryBytes(store, namespace, pod),
  };
}
