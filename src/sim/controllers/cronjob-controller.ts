// The CronJob controller (cronjob_controllerv2): on the simulated clock, creates Job <cronjob>-<scheduled
// time in minutes> for the most recent missed schedule (within startingDeadlineSeconds), applies the
// concurrency policy, tracks active Jobs, records lastScheduleTime/lastSuccessfulTime, and trims finished
// Jobs to the history limits. Bad schedules and time zones become the real Warning events.

import { type CronSchedule, knownTimeZone, parseCronSchedule } from '../../kube/cron.js';
import type { KubeObject } from '../objects.js';
import { isoSeconds } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefTo, ownerKey } from './owner-refs.js';
import { tryCreate, writeStatus } from './pod-control.js';
import { type Condition, intOr, specOf, statusOf } from './shapes.js';

const COMPONENT = 'cronjob-controller';
// nextScheduleDelta: wake a little after the scheduled minute so it has surely passed.
const NEXT_DELTA_MS = 100;
const SCHEDULED_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface CronJobSpec {
  schedule?: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: string;
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
}

interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  resourceVersion?: string;
}

interface CronJobStatus {
  active?: ObjectRef[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export function cronJobController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.cronJobs) return [keyOf(e.object)];
      if (e.resource !== K.jobs) return [];
      const keys = new Set<string>();
      for (const o of [e.object, e.previous]) {
        const k = ownerKey(o, 'CronJob');
        if (k) keys.add(k);
      }
      return [...keys];
    },
    initialKeys: () => ctx.store.all(K.cronJobs).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const cj = ctx.store.get(K.cronJobs, namespace, name);
      if (!cj) return;
      return syncCronJob(ctx, index, cj);
    },
  };
}

function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const c = statusOf<{ conditions?: Condition[] }>(job).conditions?.find(
    (x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True',
  );
  return c ? (c.type as 'Complete' | 'Failed') : undefined;
}

function refTo(job: KubeObject): ObjectRef {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name ?? '',
    namespace: job.metadata.namespace ?? '',
    uid: job.metadata.uid ?? '',
    resourceVersion: job.metadata.resourceVersion ?? '',
  };
}

function syncCronJob(ctx: ControllerContext, index: ObjectIndex, cj: KubeObject): number | undefined {
  const spec = specOf<CronJobSpec>(cj);
  const now = ctx.clock.now();
  const event = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
    ctx.events.record({ object: cj, type, reason, message, component: COMPONENT });
  const status: CronJobStatus = { ...statusOf<CronJobStatus>(cj) };
  const jobs = index.ownedBy(K.jobs, cj.metadata.uid);

  // Reconcile the active list with the Jobs that exist.
  const active = new Map((status.active ?? []).map((r) => [r.uid, r]));
  for (const job of jobs) {
    const done = jobFinished(job);
    const uid = job.metadata.uid ?? '';
    if (!done && !active.has(uid)) active.set(uid, refTo(job));
    if (done && active.has(uid)) {
      active.delete(uid);
      event('Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${done}`);
      if (done === 'Complete') {
        const t = statusOf<{ completionTime?: string }>(job).completionTime;
        if (t && (!status.lastSuccessfulTime || t > status.lastSuccessfulTime)) status.lastSuccessfulTime = t;
      }
    }
  }
  for (const [uid, ref] of active) {
    if (!jobs.some((j) => j.metadata.uid === uid)) {
      event('Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active.delete(uid);
    }
  }
  status.active = [...active.values()];

  let requeue: number | undefined;
  if (!cj.metadata.deletionTimestamp) requeue = schedule(ctx, cj, spec, status, now, event);
  cleanupFinished(ctx, spec, index.ownedBy(K.jobs, cj.metadata.uid), event);
  const out: Record<string, unknown> = {
    ...(status.active?.length ? { active: status.active } : {}),
    ...(status.lastScheduleTime ? { lastScheduleTime: status.lastScheduleTime } : {}),
    ...(status.lastSuccessfulTime ? { lastSuccessfulTime: status.lastSuccessfulTime } : {}),
  };
  writeStatus(ctx, K.cronJobs, cj, out);
  return requeue;
}

type Recorder = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** Creates the Job for a due schedule; returns how long until the next one (ms), if any. */
function schedule(
  ctx: ControllerContext,
  cj: KubeObject,
  spec: CronJobSpec,
  status: CronJobStatus,
  now: Date,
  event: Recorder,
): number | undefined {
  if (spec.timeZone !== undefined && !knownTimeZone(spec.timeZone)) {
    event('Warning', 'UnknownTimeZone', `invalid timeZone: "${spec.timeZone}": unknown time zone ${spec.timeZone}`);
    return undefined;
  }
  if (spec.suspend) return undefined;
  const text = spec.schedule ?? '';
  const parsed = parseCronSchedule(text, spec.timeZone);
  if (!parsed.ok) {
    event('Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(text)} : ${parsed.message}`);
    return undefined;
  }
  const sched = parsed.schedule;
  const recent = mostRecent(cj, spec, status, sched, now, true);
  if ('error' in recent) {
    event('Warning', 'InvalidSchedule', `invalid schedule: ${text} : ${recent.error}`);
    return undefined;
  }
  const untilNext = (): number | undefined => {
    const r = mostRecent(cj, spec, status, sched, now, false);
    const base = 'error' in r ? undefined : (r.time ?? r.earliest);
    const next = base ? sched.next(base) : undefined;
    return next ? Math.max(0, next.getTime() + NEXT_DELTA_MS - now.getTime()) : undefined;
  };
  const scheduled = recent.time;
  if (!scheduled || scheduled.getTime() > now.getTime()) return untilNext();
  if (recent.missed > 100) {
    event(
      'Warning',
      'TooManyMissedTimes',
      `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    );
  }
  if (
    spec.startingDeadlineSeconds !== undefined &&
    scheduled.getTime() + spec.startingDeadlineSeconds * 1000 < now.getTime()
  ) {
    event('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
    return untilNext();
  }
  const jobName = `${cj.metadata.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
  const scheduledIso = isoSeconds(scheduled);
  if ((status.active ?? []).some((r) => r.name === jobName) || status.lastScheduleTime === scheduledIso)
    return untilNext();
  const policy = spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (status.active ?? []).length > 0) {
    event(
      'Normal',
      'JobAlreadyActive',
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    return untilNext();
  }
  if (policy === 'Replace') {
    for (const ref of status.active ?? []) {
      try {
        ctx.store.delete(K.jobs, ref.namespace, ref.name, { propagationPolicy: 'Background' });
        event('Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    status.active = [];
  }
  const tpl = spec.jobTemplate ?? {};
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace: cj.metadata.namespace,
      ...(tpl.metadata?.labels ? { labels: { ...tpl.metadata.labels } } : {}),
      annotations: {
        ...(tpl.metadata?.annotations ?? {}),
        [SCHEDULED_ANNOTATION]: scheduled.toISOString().replace('.000Z', 'Z'),
      },
      ownerReferences: [controllerRefTo(cj)],
    },
    spec: tpl.spec ?? {},
  } as KubeObject;
  let created: KubeObject | undefined;
  const res = tryCreate(ctx, K.jobs, job);
  if (res.ok) {
    created = res.object;
    event('Normal', 'SuccessfulCreate', `Created job ${jobName}`);
  } else {
    const existing = ctx.store.get(K.jobs, cj.metadata.namespace, jobName);
    if (!existing?.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid)) {
      event('Warning', 'FailedCreate', `Error creating job: ${res.message}`);
      return 1_000;
    }
    created = existing;
  }
  status.active = [...(status.active ?? []).filter((r) => r.uid !== created.metadata.uid), refTo(created)];
  status.lastScheduleTime = scheduledIso;
  return untilNext();
}

/** mostRecentScheduleTime: the latest activation at or before now, extrapolating over missed ones. */
function mostRecent(
  cj: KubeObject,
  spec: CronJobSpec,
  status: CronJobStatus,
  sched: CronSchedule,
  now: Date,
  withDeadline: boolean,
): { earliest: Date; time?: Date; missed: number } | { error: string } {
  let earliest = new Date(Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now.getTime());
  if (withDeadline && spec.startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - spec.startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = sched.next(earliest);
  if (!t1) return { error: 'time difference between two schedules is less than 1 second' };
  if (now < t1) return { earliest, missed: 0 };
  const t2 = sched.next(t1);
  if (!t2 || now < t2) return { earliest, time: t1, missed: 1 };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) return { error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  return { earliest, time: new Date((Math.floor(t1.getTime() / 1000) + (missed - 1) * between) * 1000), missed };
}

function rfc1123z(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs. */
function cleanupFinished(
  ctx: ControllerContext,
  spec: CronJobSpec,
  jobs: readonly KubeObject[],
  event: Recorder,
): void {
  const trim = (kind: 'Complete' | 'Failed', limit: number | undefined): void => {
    if (limit === undefined) return;
    const done = jobs
      .filter((j) => jobFinished(j) === kind)
      .sort((a, b) =>
        (statusOf<{ startTime?: string }>(a).startTime ?? a.metadata.creationTimestamp ?? '').localeCompare(
          statusOf<{ startTime?: string }>(b).startTime ?? b.metadata.creationTimestamp ?? '',
        ),
      );
    for (const j of done.slice(0, Math.max(0, done.length - intOr(limit, 0)))) {
      try {
        ctx.store.delete(K.jobs, j.metadata.namespace, j.metadata.name ?? '', { propagationPolicy: 'Background' });
        event('Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  };
  trim('Complete', spec.successfulJobsHistoryLimit ?? 3);
  trim('Failed', spec.failedJobsHistoryLimit ?? 1);
}
