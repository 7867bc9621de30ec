import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { SECOND, toMs } from '../time.js';
import { failedCreateProblem } from '../workload-problems.js';

const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

function condition(d: V1Deployment, type: string): V1DeploymentCondition | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

function replicaStatus(d: V1Deployment): Record<string, unknown> {
  const s = d.status;
  return {
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    conditions: s?.conditions ?? [],
  };
}

/**
 * A Deployment is a problem when the controller says its rollout is stuck (Progressing=False after the progress
 * deadline) or it has been unavailable for longer than that deadline. A rollout still inside its deadline and a
 * Deployment scaled to zero or paused are not.
 */
export const deploymentAnalyzer: Analyzer<'Deployment'> = {
  name: 'Deployment',
  kind: 'Deployment',
  analyze(d, snapshot) {
    const desired = d.spec?.replicas ?? 1;
    if (desired === 0 || d.spec?.paused) return [];
    const problems: Problem[] = [];
    const available = d.status?.availableReplicas ?? 0;
    const details = {
      desired,
      ready: d.status?.readyReplicas ?? 0,
      available,
      updated: d.status?.updatedReplicas ?? 0,
    };
    const progressing = condition(d, 'Progressing');
    if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
      problems.push({
        failureClass: 'RolloutStuck',
        severity: available === 0 ? 'critical' : 'high',
        reason: 'ProgressDeadlineExceeded',
        summary: `rollout stuck: ${progressing.message ?? 'progress deadline exceeded'} (${available}/${desired} available)`,
        details: { ...details, message: progressing.message ?? '' },
        status: replicaStatus(d),
        ...(progressing.lastTransitionTime ? { since: progressing.lastTransitionTime } : {}),
      });
    }
    const created = failedCreateProblem(d, snapshot, d.status?.conditions);
    if (created) problems.push(created);
    const availableCond = condition(d, 'Available');
    const deadline = (d.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * SECOND;
    const unavailableSince = toMs(availableCond?.lastTransitionTime);
    const stale = (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0);
    if (
      problems.length === 0 &&
      !stale &&
      availableCond?.status === 'False' &&
      unavailableSince !== undefined &&
      snapshot.now().getTime() - unavailableSince > deadline
    ) {
      problems.push({
        failureClass: 'ReplicasUnavailable',
        severity: available === 0 ? 'critical' : 'medium',
        reason: availableCond.reason ?? 'MinimumReplicasUnavailable',
        summary: `only ${available}/${desired} replicas available for longer than the ${deadline / SECOND}s progress deadline`,
        details,
        status: replicaStatus(d),
        since: new Date(unavailableSince),
      });
    }
    return problems;
  },
};
