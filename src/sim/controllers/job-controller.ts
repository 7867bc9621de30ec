// The Job controller (batch/v1, 1.32 behaviour): runs pods until `completions` succeed with at most
// `parallelism` at a time, counts failures against `backoffLimit` (restarts too, for OnFailure pods),
// delays replacements with the pod-failure back-off (10s doubling), enforces activeDeadlineSeconds, honours
// suspend, and finishes with FailureTarget+Failed or SuccessCriteriaMet+Complete. Finished Jobs with
// ttlSecondsAfterFinished are deleted when it runs out (the ttl-after-finished controller's job).

import type { KubeObject } from '../objects.js';
import { isoSeconds } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { findCondition, upsertCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { ownerKey } from './owner-refs.js';
import { createPodFor, deletePodFor, podFromTemplate, writeStatus } from './pod-control.js';
import { rankForDeletion } from './pod-ranking.js';
import { isPodActive, isPodReady, podFinishedAt, podPhase, podRestarts } from './pod-status.js';
import { RetryBackoff } from './retry-backoff.js';
import { type Condition, intOr, type PodTemplate, specOf, statusOf } from './shapes.js';

const COMPONENT = 'job-controller';
const POD_BACKOFF_MS = 10_000;
const MAX_POD_BACKOFF_MS = 600_000;
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

interface JobSpec {
  completions?: number | null;
  parallelism?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  template?: PodTemplate;
}

interface JobStatus {
  conditions?: Condition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  completedIndexes?: string;
}

/** What the controller remembers about a Job's pods: which finished pods it has counted. */
interface Tally {
  readonly succeeded: Set<string>;
  readonly failed: Set<string>;
  failuresSinceSuccess: number;
  lastFailure: number;
}

export function jobController(ctx: ControllerContext, index: ObjectIndex): Controller {
  const tallies = new Map<string, Tally>();
  const backoff = new RetryBackoff();
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.jobs) {
        if (e.type === 'DELETED') tallies.delete(e.object.metadata.uid ?? '');
        return [keyOf(e.object)];
      }
      if (e.resource !== K.pods) return [];
      const keys = new Set<string>();
      for (const o of [e.object, e.previous]) {
        const k = ownerKey(o, 'Job');
        if (k) keys.add(k);
      }
      return [...keys];
    },
    initialKeys: () => ctx.store.all(K.jobs).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const job = ctx.store.get(K.jobs, namespace, name);
      if (!job) return;
      const res = syncJob(ctx, index, job, tallyFor(tallies, job, index));
      if (res.error) return backoff.failed(key);
      backoff.succeeded(key);
      return res.requeue;
    },
  };
}

function tallyFor(tallies: Map<string, Tally>, job: KubeObject, index: ObjectIndex): Tally {
  const uid = job.metadata.uid ?? '';
  let t = tallies.get(uid);
  if (!t) {
    // First sight (or a restart): pods already finished are what the status counters already hold.
    const pods = index.ownedBy(K.pods, uid);
    t = {
      succeeded: new Set(pods.filter((p) => podPhase(p) === 'Succeeded').map((p) => p.metadata.uid ?? '')),
      failed: new Set(pods.filter((p) => podPhase(p) === 'Failed').map((p) => p.metadata.uid ?? '')),
      failuresSinceSuccess: 0,
      lastFailure: 0,
    };
    tallies.set(uid, t);
  }
  return t;
}

function isFinished(st: JobStatus): Condition | undefined {
  return st.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function syncJob(
  ctx: ControllerContext,
  index: ObjectIndex,
  job: KubeObject,
  tally: Tally,
): { requeue?: number; error?: boolean } {
  const spec = specOf<JobSpec>(job);
  const prev = statusOf<JobStatus>(job);
  const now = ctx.clock.now();
  const finished = isFinished(prev);
  if (finished) return ttl(ctx, job, spec, prev, finished, now);

  const pods = index.ownedBy(K.pods, job.metadata.uid);
  let succeeded = Math.max(intOr(prev.succeeded, 0), 0);
  let failed = Math.max(intOr(prev.failed, 0), 0);
  for (const p of pods) {
    const uid = p.metadata.uid ?? '';
    const phase = podPhase(p);
    if (phase === 'Succeeded' && !tally.succeeded.has(uid)) {
      tally.succeeded.add(uid);
      succeeded++;
      tally.failuresSinceSuccess = 0;
    } else if (phase === 'Failed' && !tally.failed.has(uid)) {
      tally.failed.add(uid);
      failed++;
      tally.failuresSinceSuccess++;
      tally.lastFailure = Math.max(tally.lastFailure, podFinishedAt(p));
    }
  }
  succeeded = Math.max(succeeded, tally.succeeded.size);
  failed = Math.max(failed, tally.failed.size);
  let active = pods.filter(isPodActive);
  const suspended = !!spec.suspend;
  const status: JobStatus = { ...prev };
  if (!status.startTime && !suspended) status.startTime = isoSeconds(now);
  const event = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
    ctx.events.record({ object: job, type, reason, message, component: COMPONENT });

  const backoffLimit = intOr(spec.backoffLimit, 6);
  let failure: { reason: string; message: string } | undefined;
  let requeue: number | undefined;
  if (failed > backoffLimit || pastBackoffLimitOnFailure(spec, pods, backoffLimit)) {
    failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  } else if (spec.activeDeadlineSeconds !== undefined && status.startTime && !suspended) {
    const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now.getTime();
    if (left <= 0) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    else requeue = left;
  }

  let error = false;
  let conditions = status.conditions ?? [];
  if (failure) {
    // Every pod still running when the Job fails is terminated and counted as failed.
    for (const p of active) {
      if (deletePodFor(ctx, job, COMPONENT, p)) {
        tally.failed.add(p.metadata.uid ?? '');
        failed++;
      }
    }
    active = [];
    const t = isoSeconds(now);
    const base = {
      status: 'True' as const,
      reason: failure.reason,
      message: failure.message,
      lastProbeTime: t,
      lastTransitionTime: t,
    };
    conditions = upsertCondition(upsertCondition(conditions, { type: 'FailureTarget', ...base }), {
      type: 'Failed',
      ...base,
    });
    event('Warning', failure.reason, failure.message);
  } else {
    const managed = manageJob(ctx, job, spec, active, succeeded, tally, now);
    active = managed.active;
    error = managed.error;
    if (managed.requeue !== undefined)
      requeue = requeue === undefined ? managed.requeue : Math.min(requeue, managed.requeue);
    const completions = spec.completions ?? undefined;
    const complete =
      completions === undefined || completions === null
        ? succeeded > 0 && active.length === 0
        : succeeded >= completions && active.length === 0;
    if (complete) {
      const t = isoSeconds(now);
      const base = {
        status: 'True' as const,
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: t,
        lastTransitionTime: t,
      };
      conditions = upsertCondition(upsertCondition(conditions, { type: 'SuccessCriteriaMet', ...base }), {
        type: 'Complete',
        ...base,
      });
      status.completionTime = t;
      event('Normal', 'Completed', 'Job completed');
    } else {
      const cur = findCondition(conditions, 'Suspended');
      const t = isoSeconds(now);
      if (suspended && cur?.status !== 'True') {
        conditions = upsertCondition(conditions, {
          type: 'Suspended',
          status: 'True',
          reason: 'JobSuspended',
          message: 'Job suspended',
          lastProbeTime: t,
          lastTransitionTime: t,
        });
        event('Normal', 'Suspended', 'Job suspended');
      } else if (!suspended && cur?.status === 'True') {
        conditions = upsertCondition(conditions, {
          type: 'Suspended',
          status: 'False',
          reason: 'JobResumed',
          message: 'Job resumed',
          lastProbeTime: t,
          lastTransitionTime: t,
        });
        event('Normal', 'Resumed', 'Job resumed');
        status.startTime = t;
      }
    }
  }
  const indexed = spec.completionMode === 'Indexed';
  const out: Record<string, unknown> = {
    ...(conditions.length ? { conditions } : {}),
    ...(status.startTime ? { startTime: status.startTime } : {}),
    ...(status.completionTime ? { completionTime: status.completionTime } : {}),
    ...(active.length ? { active: active.length } : {}),
    ...(succeeded ? { succeeded } : {}),
    ...(failed ? { failed } : {}),
    terminating: 0,
    ...(indexed && succeededIndexes(pods).length ? { completedIndexes: formatIndexes(succeededIndexes(pods)) } : {}),
    uncountedTerminatedPods: {},
    ready: active.filter(isPodReady).length,
  };
  writeStatus(ctx, K.jobs, job, out);
  const after = isFinished(out as JobStatus);
  if (after) {
    const fresh = ctx.store.get(K.jobs, job.metadata.namespace, job.metadata.name ?? '') ?? job;
    return ttl(ctx, fresh, spec, out as JobStatus, after, now);
  }
  return { ...(requeue !== undefined ? { requeue } : {}), error };
}

/** pastBackoffLimitOnFailure: OnFailure pods retry in place, so their restarts are the failures. */
function pastBackoffLimitOnFailure(spec: JobSpec, pods: readonly KubeObject[], limit: number): boolean {
  if ((spec.template?.spec as { restartPolicy?: string } | undefined)?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = podPhase(p);
    if (phase === 'Running' || phase === 'Pending') restarts += podRestarts(p);
  }
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function manageJob(
  ctx: ControllerContext,
  job: KubeObject,
  spec: JobSpec,
  active: KubeObject[],
  succeeded: number,
  tally: Tally,
  now: Date,
): { active: KubeObject[]; requeue?: number; error: boolean } {
  if (spec.suspend) {
    for (const p of active) deletePodFor(ctx, job, COMPONENT, p);
    return { active: [], error: false };
  }
  const parallelism = Math.max(0, intOr(spec.parallelism, 1));
  const completions = spec.completions;
  let want: number;
  if (completions === undefined || completions === null) want = succeeded > 0 ? active.length : parallelism;
  else want = Math.max(0, Math.min(completions - succeeded, parallelism));
  if (active.length > want) {
    const extra = rankForDeletion(active, active).slice(0, active.length - want);
    for (const p of extra) deletePodFor(ctx, job, COMPONENT, p);
    return { active: active.filter((p) => !extra.includes(p)), error: false };
  }
  if (active.length === want) return { active, error: false };
  // The pod-failure back-off: 10s, 20s, 40s, ... after the latest failure before a replacement.
  if (tally.failuresSinceSuccess > 0) {
    const delay = Math.min(MAX_POD_BACKOFF_MS, POD_BACKOFF_MS * 2 ** (tally.failuresSinceSuccess - 1));
    const left = tally.lastFailure + delay - now.getTime();
    if (left > 0) return { active, requeue: left, error: false };
  }
  const created = [...active];
  const indexes = spec.completionMode === 'Indexed' ? freeIndexes(ctx, job, completions ?? 0, active) : [];
  for (let i = active.length; i < want; i++) {
    const ix = indexes.shift();
    if (spec.completionMode === 'Indexed' && ix === undefined) break;
    const res = createPodFor(ctx, job, COMPONENT, jobPod(job, spec, ix));
    if (!res.ok) return { active: created, error: true };
    created.push(res.object);
  }
  return { active: created, error: false };
}

function jobPod(job: KubeObject, spec: JobSpec, index: number | undefined): KubeObject {
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  const labels: Record<string, string> = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  if (index === undefined) return podFromTemplate(spec.template, job, { labels });
  const pod = podFromTemplate(spec.template, job, {
    labels: { ...labels, [INDEX_ANNOTATION]: String(index) },
    annotations: { [INDEX_ANNOTATION]: String(index) },
    editSpec: (s) => {
      s.hostname = `${name}-${index}`;
    },
  });
  pod.metadata.generateName = `${name}-${index}-`;
  return pod;
}

function indexOf(p: KubeObject): number | undefined {
  const v = p.metadata.annotations?.[INDEX_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function succeededIndexes(pods: readonly KubeObject[]): number[] {
  const set = new Set<number>();
  for (const p of pods) {
    const ix = indexOf(p);
    if (ix !== undefined && podPhase(p) === 'Succeeded') set.add(ix);
  }
  return [...set].sort((a, b) => a - b);
}

function freeIndexes(
  ctx: ControllerContext,
  job: KubeObject,
  completions: number,
  active: readonly KubeObject[],
): number[] {
  const taken = new Set<number>(active.map(indexOf).filter((x): x is number => x !== undefined));
  const pods = ctx.store
    .all(K.pods, job.metadata.namespace)
    .filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid));
  for (const ix of succeededIndexes(pods)) taken.add(ix);
  const out: number[] = [];
  for (let i = 0; i < completions; i++) if (!taken.has(i)) out.push(i);
  return out;
}

/** "0-2,4": the completedIndexes notation. */
function formatIndexes(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function ttl(
  ctx: ControllerContext,
  job: KubeObject,
  spec: JobSpec,
  st: JobStatus,
  finished: Condition,
  now: Date,
): { requeue?: number } {
  if (spec.ttlSecondsAfterFinished === undefined) return {};
  const at = Date.parse(st.completionTime ?? finished.lastTransitionTime ?? '');
  if (!Number.isFinite(at)) return {};
  const left = at + spec.ttlSecondsAfterFinished * 1000 - now.getTime();
  if (left > 0) return { requeue: left };
  try {
    ctx.store.delete(K.jobs, job.metadata.namespace, job.metadata.name ?? '', { propagationPolicy: 'Foreground' });
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
  }
  return {};
}
