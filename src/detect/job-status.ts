import type { V1Job, V1JobCondition, V1Pod } from '@kubernetes/client-node';
import type { ClusterSnapshot } from './snapshot.js';
import { toMs } from './time.js';

function condition(job: V1Job, type: string): V1JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

export function jobFailedCondition(job: V1Job): V1JobCondition | undefined {
  return condition(job, 'Failed') ?? condition(job, 'FailureTarget');
}

export function isJobComplete(job: V1Job): boolean {
  return condition(job, 'Complete') !== undefined || condition(job, 'SuccessCriteriaMet') !== undefined;
}

/**
 * A failed Job whose CronJob has succeeded since is history: the controller keeps it around only because of
 * failedJobsHistoryLimit.
 */
export function isSupersededFailure(job: V1Job, snapshot: ClusterSnapshot): boolean {
  const owner = job.metadata?.ownerReferences?.find((r) => r.kind === 'CronJob');
  if (!owner) return false;
  const cron = snapshot.get('CronJob', job.metadata?.namespace, owner.name);
  if (!cron || cron.metadata?.uid !== owner.uid) return false;
  const lastSuccess = toMs(cron.status?.lastSuccessfulTime);
  const failedAt = toMs(jobFailedCondition(job)?.lastTransitionTime) ?? toMs(job.status?.startTime);
  return lastSuccess !== undefined && failedAt !== undefined && lastSuccess > failedAt;
}

function controllingJob(pod: V1Pod, snapshot: ClusterSnapshot): V1Job | undefined {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.kind === 'Job');
  if (!ref) return undefined;
  const job = snapshot.get('Job', pod.metadata?.namespace, ref.name);
  return job?.metadata?.uid === ref.uid ? job : undefined;
}

/**
 * A finished pod of a Job that is fine overall (completed, or a failure already superseded by a later
 * success): its failed attempts are not a problem any more.
 */
export function isSettledJobPod(pod: V1Pod, snapshot: ClusterSnapshot): boolean {
  if (pod.status?.phase !== 'Failed') return false;
  const job = controllingJob(pod, snapshot);
  if (!job) return false;
  return isJobComplete(job) || (jobFailedCondition(job) !== undefined && isSupersededFailure(job, snapshot));
}
