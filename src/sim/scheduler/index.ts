// The simulated kube-scheduler and the placement predicates other controllers (DaemonSet) reuse.

export { fitErrorMessage } from './fit-error.js';
export {
  type ClusterView,
  type FilterFailure,
  filterNode,
  matchesNodeSelectorAndAffinity,
  type NodeInfo,
  tolerated,
  toleratesTaint,
  untoleratedTaint,
} from './node-filters.js';
export { podRequests, qosClass } from './pod-requests.js';
export { DEFAULT_SCHEDULER, schedulerController } from './scheduler.js';

import type { KubeObject } from '../objects.js';
import { filterNode } from './node-filters.js';

/**
 * Whether a DaemonSet-style pod may run on a node: taints (NoSchedule/NoExecute), cordon, nodeSelector and
 * node affinity — the checks the DaemonSet controller makes; resources and pod affinity are left to scheduling.
 */
export function nodeAllowsPod(
  pod: KubeObject,
  node: KubeObject,
): { readonly ok: boolean; readonly reasons: readonly string[] } {
  const failure = filterNode(
    pod,
    { node, pods: [], requested: new Map() },
    { nodes: [], namespaceLabels: () => undefined },
    { placementOnly: true },
  );
  return failure ? { ok: false, reasons: failure.reasons } : { ok: true, reasons: [] };
}
