// Pod predicates the controllers share, with kube-controller-manager's meanings: "active" (counts toward
// replicas), "ready" (the Ready condition), "available" (ready for at least minReadySeconds).

import type { KubeObject } from '../objects.js';
import { type Condition, type PodStatusView, statusOf } from './shapes.js';

export function podStatusView(pod: KubeObject): PodStatusView {
  return statusOf<PodStatusView>(pod);
}

export function podPhase(pod: KubeObject): string {
  return podStatusView(pod).phase ?? 'Pending';
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podStatusView(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** FilterActivePods: not finished and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: KubeObject): Condition | undefined {
  return podStatusView(pod).conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds at `now` (IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now.getTime();
}

/** Milliseconds until a ready pod becomes available, for requeueing; undefined when nothing to wait for. */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  if (minReadySeconds <= 0 || !isPodReady(pod)) return undefined;
  const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return undefined;
  const left = since + minReadySeconds * 1000 - now.getTime();
  return left >= 0 ? left + 1 : undefined;
}

export function podIp(pod: KubeObject): string | undefined {
  const s = podStatusView(pod);
  return s.podIP || s.podIPs?.[0]?.ip || undefined;
}

/** Sum of container restarts (init containers included), as the job controller counts OnFailure retries. */
export function podRestarts(pod: KubeObject): number {
  const s = podStatusView(pod);
  let n = 0;
  for (const c of [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])]) n += c.restartCount ?? 0;
  return n;
}

/** When a finished pod finished: the latest container finishedAt, else its creation time. */
export function podFinishedAt(pod: KubeObject): number {
  let latest = 0;
  for (const c of podStatusView(pod).containerStatuses ?? []) {
    const t = Date.parse(c.state?.terminated?.finishedAt ?? '');
    if (Number.isFinite(t) && t > latest) latest = t;
  }
  return latest || Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}
