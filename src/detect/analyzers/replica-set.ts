import type { Analyzer } from '../analyzer.js';
import { failedCreateProblem } from '../workload-problems.js';

/** A ReplicaSet that cannot create the pods it wants (quota, admission webhooks, pod security). */
export const replicaSetAnalyzer: Analyzer<'ReplicaSet'> = {
  name: 'ReplicaSet',
  kind: 'ReplicaSet',
  analyze(rs, snapshot) {
    const desired = rs.spec?.replicas ?? 1;
    if (desired === 0 || (rs.status?.replicas ?? 0) >= desired) return [];
    const problem = failedCreateProblem(rs, snapshot, rs.status?.conditions);
    return problem ? [problem] : [];
  },
};
