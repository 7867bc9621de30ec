// The node side of the simulated cluster, as the simulator wires it: scheduler, kubelets and node lifecycle
// as controllers, the metrics.k8s.io API, usage readers for the HPA, and node-condition switches.

import type { Controller, ControllerContext } from '../controllers/controller.js';
import type { ContainerRuntime } from './container-runtime.js';
import { createNodeControllers } from './node-agents.js';
import { resolveImage, startProgram } from './program/index.js';

export type { ContainerRuntime } from './container-runtime.js';
export { type MetricsContext, metricsApi } from './metrics-api.js';
export { podCpuMillis, podMemoryBytes, podMetricsSource } from './node-agents.js';
export {
  CONDITION_ANNOTATION_PREFIX,
  type ConditionStatus,
  conditionAnnotation,
  type NodeConditionType,
  setNodeCondition,
} from './node-conditions.js';

/** The image catalogue and program model: what the simulator's containers really do. */
export const defaultRuntime: ContainerRuntime = {
  pull: (image, pullSecrets) => resolveImage(image, { pullSecrets }),
  start: startProgram,
};

/** kube-scheduler, the kubelet of every node and the node lifecycle controller, for runControllers. */
export function nodeControllers(ctx: ControllerContext, runtime: ContainerRuntime = defaultRuntime): Controller[] {
  return createNodeControllers(ctx, runtime);
}
