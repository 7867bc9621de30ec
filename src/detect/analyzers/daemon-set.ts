import type { Analyzer } from '../analyzer.js';
import { failedCreateProblem } from '../workload-problems.js';

/**
 * A DaemonSet that cannot create its pods. Its failing pods are the Pod analyzer's; a DaemonSet with fewer pods
 * than nodes is normal (node selectors, taints), so counts alone say nothing.
 */
export const daemonSetAnalyzer: Analyzer<'DaemonSet'> = {
  name: 'DaemonSet',
  kind: 'DaemonSet',
  analyze(ds, snapshot) {
    if ((ds.status?.currentNumberScheduled ?? 0) >= (ds.status?.desiredNumberScheduled ?? 0)) return [];
    const problem = failedCreateProblem(ds, snapshot, ds.status?.conditions);
    return problem ? [problem] : [];
  },
};
