// The simulated kube-scheduler and the placement predicates other controllers (the DaemonSet's) reuse.

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
