import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Details, Problem } from '../finding.js';
import { isJobComplete, isSupersededFailure, jobFailedCondition } from '../job-status.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { toMs } from '../time.js';
import { failedCreateProblem } from '../workload-problems.js';

function lastFailedPod(job: V1Job, snapshot: ClusterSnapshot): V1Pod | undefined {
  const uid = job.metadata?.uid;
  const finished = (p: V1Pod) =>
    Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => toMs(c.state?.terminated?.finishedAt) ?? 0));
  return snapshot
    .list('Pod', job.metadata?.namespace)
    .filter((p) => p.status?.phase === 'Failed' && p.metadata?.ownerReferences?.some((r) => r.uid === uid))
    .sort((a, b) => finished(b) - finished(a))[0];
}

/** What the last failed attempt's containers said: the exit code a person looks for first. */
function attemptDetails(pod: V1Pod | undefined): Details {
  const failed = pod?.status?.containerStatuses?.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
  const t = failed?.state?.terminated;
  if (!pod || !failed || !t) return {};
  return {
    lastFailedPod: pod.metadata?.name ?? '',
    container: failed.name,
    exitCode: t.exitCode,
    ...(t.reason ? { terminationReason: t.reason } : {}),
  };
}

/**
 * A Job that failed (BackoffLimitExceeded, DeadlineExceeded, a pod failure policy), unless a later run of its
 * CronJob succeeded; or one that cannot create its pods. Completed and suspended Jobs are fine.
 */
export const jobAnalyzer: Analyzer<'Job'> = {
  name: 'Job',
  kind: 'Job',
  analyze(job, snapshot) {
    if (isJobComplete(job) || job.spec?.suspend) return [];
    const failed = jobFailedCondition(job);
    if (failed) {
      if (isSupersededFailure(job, snapshot)) return [];
      const attempt = attemptDetails(lastFailedPod(job, snapshot));
      const exit = attempt.exitCode !== undefined ? `; last attempt exited with code ${attempt.exitCode}` : '';
      const problem: Problem = {
        failureClass: 'JobFailed',
        severity: 'high',
        reason: failed.reason ?? 'Failed',
        summary: `job failed (${failed.reason ?? 'Failed'}): ${failed.message ?? ''} after ${job.status?.failed ?? 0} failed pod(s)${exit}`,
        details: {
          reason: failed.reason ?? 'Failed',
          message: failed.message ?? '',
          failedPods: job.status?.failed ?? 0,
          backoffLimit: job.spec?.backoffLimit ?? 6,
          ...(job.spec?.activeDeadlineSeconds !== undefined
            ? { activeDeadlineSeconds: job.spec.activeDeadlineSeconds }
            : {}),
          ...attempt,
        },
        status: {
          conditions: job.status?.conditions ?? [],
          failed: job.status?.failed ?? 0,
          succeeded: job.status?.succeeded ?? 0,
        },
        eventReasons: ['BackoffLimitExceeded', 'DeadlineExceeded', 'PodFailurePolicy', 'FailedCreate'],
        ...(failed.lastTransitionTime ? { since: failed.lastTransitionTime } : {}),
      };
      return [problem];
    }
    const created = failedCreateProblem(job, snapshot, undefined);
    return created ? [created] : [];
  },
};
