import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { eventContainer, isWarning } from './events.js';
import type { Details, Problem } from './finding.js';
import { classifyPullError, imageRegistry, parseMissingConfig } from './messages.js';
import {
  type ContainerView,
  containerLabel,
  containerStatusExcerpt,
  containerViews,
  restartsPerHour,
} from './pod-helpers.js';
import type { ClusterSnapshot } from './snapshot.js';
import { HOUR, toMs } from './time.js';

const IMAGE_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'ImageInspectError',
]);
const START_REASONS = new Set([
  'CreateContainerError',
  'RunContainerError',
  'ContainerCannotRun',
  'PreStartHookError',
  'PostStartHookError',
  'PreCreateHookError',
]);

// An OOM kill or crash that finished longer ago than this, on a container restarting slower than the rates
// below, is history rather than a current problem.
const RECENT = HOUR;
const OOM_RATE_PER_HOUR = 1;
const RESTART_RATE_PER_HOUR = 3;
const MIN_RESTARTS = 3;

interface Ctx {
  readonly pod: V1Pod;
  readonly snapshot: ClusterSnapshot;
  readonly nowMs: number;
}

function restartDetails(ctx: Ctx, view: ContainerView): Details {
  return { restartCount: view.status.restartCount, restartsPerHour: restartsPerHour(ctx.pod, view.status, ctx.nowMs) };
}

function terminationDetails(t: V1ContainerStateTerminated): Details {
  return {
    exitCode: t.exitCode,
    ...(t.reason ? { terminationReason: t.reason } : {}),
    ...(t.signal !== undefined ? { signal: t.signal } : {}),
    ...(t.message ? { terminationMessage: t.message.trim().slice(0, 300) } : {}),
  };
}

function restartsText(d: Details): string {
  const n = Number(d.restartCount);
  return n > 0 ? `; ${n} restart${n === 1 ? '' : 's'} (${d.restartsPerHour}/h)` : '';
}

function oomProblem(ctx: Ctx, view: ContainerView, t: V1ContainerStateTerminated, now: string): Problem {
  const limit = view.spec?.resources?.limits?.memory;
  const request = view.spec?.resources?.requests?.memory;
  const restarts = restartDetails(ctx, view);
  const details: Details = {
    container: view.name,
    memoryLimit: limit ?? 'none',
    ...(request ? { memoryRequest: request } : {}),
    ...terminationDetails(t),
    ...restarts,
    state: now,
  };
  const limitText = limit ? `memory limit ${limit}` : 'no memory limit (node out of memory)';
  return {
    failureClass: 'OOMKilled',
    severity: 'high',
    reason: 'OOMKilled',
    summary: `${containerLabel(view)} OOMKilled (exit ${t.exitCode}) with ${limitText}${restartsText(restarts)}; now ${now}`,
    container: view.name,
    details,
    status: containerStatusExcerpt(view.status),
    eventReasons: ['BackOff', 'OOMKilling', 'Failed'],
    ...(t.finishedAt ? { since: t.finishedAt } : {}),
  };
}

function crashProblem(ctx: Ctx, view: ContainerView, message: string | undefined): Problem {
  const last = view.status.lastState?.terminated;
  const restarts = restartDetails(ctx, view);
  const exit = last ? `exits with code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : 'keeps exiting';
  return {
    failureClass: 'CrashLoopBackOff',
    severity: 'high',
    reason: 'CrashLoopBackOff',
    summary: `${containerLabel(view)} in CrashLoopBackOff: ${exit}${restartsText(restarts)}`,
    container: view.name,
    details: {
      container: view.name,
      ...(last ? terminationDetails(last) : {}),
      ...restarts,
      ...(message ? { backOff: message } : {}),
    },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['BackOff', 'Failed'],
    ...(last?.finishedAt ? { since: last.finishedAt } : {}),
  };
}

function pullMessage(ctx: Ctx, view: ContainerView, waitingMessage: string | undefined): string {
  // In ImagePullBackOff the status only says "Back-off pulling image"; the registry's answer is in the
  // kubelet's `Failed` event for this pod (by uid) and container.
  if (waitingMessage && !/^Back-off pulling image/i.test(waitingMessage)) return waitingMessage;
  const failed = ctx.snapshot
    .eventsFor(ctx.pod.metadata?.uid ?? '')
    .find(
      (e) =>
        isWarning(e) &&
        e.reason === 'Failed' &&
        /^Failed to pull image/.test(e.message ?? '') &&
        (eventContainer(e) ?? view.name) === view.name,
    );
  return failed?.message ?? waitingMessage ?? '';
}

function imageProblem(ctx: Ctx, view: ContainerView, reason: string, waitingMessage: string | undefined): Problem {
  const image = view.spec?.image ?? view.status.image;
  const message = pullMessage(ctx, view, waitingMessage);
  const answer =
    reason === 'InvalidImageName' ? classifyPullError('invalid reference format') : classifyPullError(message);
  return {
    failureClass: 'ImagePullBackOff',
    severity: 'high',
    reason,
    summary: `${containerLabel(view)} cannot pull image "${image}" from ${imageRegistry(image)}: ${answer.text}`,
    container: view.name,
    details: {
      container: view.name,
      image,
      registry: imageRegistry(image),
      registryAnswer: answer.code,
      ...(message ? { message: message.slice(0, 500) } : {}),
    },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['Failed'],
  };
}

function configProblem(view: ContainerView, message: string): Problem {
  const missing = parseMissingConfig(message);
  const what = missing
    ? missing.key !== undefined
      ? `key "${missing.key}" not found in ${missing.kind} ${missing.namespace ? `${missing.namespace}/` : ''}${missing.name}`
      : `${missing.kind} "${missing.name}" not found`
    : message;
  return {
    failureClass: 'CreateContainerConfigError',
    severity: 'high',
    reason: 'CreateContainerConfigError',
    summary: `${containerLabel(view)} cannot be created: ${what}`,
    container: view.name,
    details: {
      container: view.name,
      ...(missing
        ? { missingKind: missing.kind, missingName: missing.name, ...(missing.key ? { missingKey: missing.key } : {}) }
        : {}),
      message,
    },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['Failed'],
  };
}

function startProblem(view: ContainerView, reason: string, message: string): Problem {
  return {
    failureClass: 'CreateContainerError',
    severity: 'high',
    reason,
    summary: `${containerLabel(view)} cannot start (${reason})${message ? `: ${message}` : ''}`,
    container: view.name,
    details: { container: view.name, ...(message ? { message: message.slice(0, 500) } : {}) },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['Failed'],
  };
}

function exitedProblem(ctx: Ctx, view: ContainerView, t: V1ContainerStateTerminated): Problem {
  return {
    failureClass: 'ContainerError',
    severity: 'medium',
    reason: t.reason ?? 'Error',
    summary: `${containerLabel(view)} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`,
    container: view.name,
    details: { container: view.name, ...terminationDetails(t), ...restartDetails(ctx, view) },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['Failed', 'BackOff'],
    ...(t.finishedAt ? { since: t.finishedAt } : {}),
  };
}

function restartingProblem(ctx: Ctx, view: ContainerView, last: V1ContainerStateTerminated): Problem {
  const restarts = restartDetails(ctx, view);
  return {
    failureClass: 'FrequentRestarts',
    severity: 'medium',
    reason: 'FrequentRestarts',
    summary: `${containerLabel(view)} keeps restarting: last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}${restartsText(restarts)}`,
    container: view.name,
    details: { container: view.name, ...terminationDetails(last), ...restarts },
    status: containerStatusExcerpt(view.status),
    eventReasons: ['BackOff', 'Failed'],
    ...(last.finishedAt ? { since: last.finishedAt } : {}),
  };
}

function isRecent(ctx: Ctx, t: V1ContainerStateTerminated): boolean {
  const finished = toMs(t.finishedAt);
  return finished === undefined || ctx.nowMs - finished <= RECENT;
}

function viewProblems(ctx: Ctx, view: ContainerView): Problem[] {
  const { state, lastState } = view.status;
  const waiting = state?.waiting;
  const current = state?.terminated;
  const last = lastState?.terminated;
  const rate = restartsPerHour(ctx.pod, view.status, ctx.nowMs);
  if (waiting?.reason === 'CrashLoopBackOff') {
    return [
      last?.reason === 'OOMKilled'
        ? oomProblem(ctx, view, last, 'in CrashLoopBackOff')
        : crashProblem(ctx, view, waiting.message),
    ];
  }
  if (waiting?.reason && IMAGE_REASONS.has(waiting.reason))
    return [imageProblem(ctx, view, waiting.reason, waiting.message)];
  if (waiting?.reason === 'CreateContainerConfigError') return [configProblem(view, waiting.message ?? '')];
  if (waiting?.reason && START_REASONS.has(waiting.reason))
    return [startProblem(view, waiting.reason, waiting.message ?? '')];
  if (current?.reason === 'OOMKilled') return [oomProblem(ctx, view, current, 'terminated')];
  // A crash loop passes through "terminated" between back-offs: once the container has restarted, keep calling
  // it a crash loop there, or its class (and so its fingerprint) would flap with every restart.
  if (current && current.exitCode !== 0)
    return [view.status.restartCount >= 1 ? crashProblem(ctx, view, undefined) : exitedProblem(ctx, view, current)];
  // Running (or waiting to start) again: the last termination is the evidence k8sgpt never looks at.
  if (last?.reason === 'OOMKilled' && (isRecent(ctx, last) || rate >= OOM_RATE_PER_HOUR)) {
    return [oomProblem(ctx, view, last, state?.running ? 'running again' : 'restarting')];
  }
  if (
    last &&
    last.exitCode !== 0 &&
    view.status.restartCount >= MIN_RESTARTS &&
    rate >= RESTART_RATE_PER_HOUR &&
    isRecent(ctx, last)
  ) {
    return [restartingProblem(ctx, view, last)];
  }
  return [];
}

/** Problems of each container of a live pod, from its status (and the kubelet's events for the pull error text). */
export function containerProblems(pod: V1Pod, snapshot: ClusterSnapshot): Problem[] {
  const ctx: Ctx = { pod, snapshot, nowMs: snapshot.now().getTime() };
  return containerViews(pod).flatMap((view) => viewProblems(ctx, view));
}
