// The HPA's replica arithmetic (pkg/controller/podautoscaler/replica_calculator.go and horizontal.go):
// utilization over ready pods with kube-controller-manager's treatment of unready and missing pods and the
// 10% tolerance. What the HPA then does with the proposal is in hpa-behavior.ts.

import type { KubeObject } from '../objects.js';
import { podReadyCondition, podStatusView } from './pod-status.js';

const TOLERANCE = 0.1;
const CPU_INITIALIZATION_MS = 5 * 60_000;
const INITIAL_READINESS_DELAY_MS = 30_000;
const METRIC_WINDOW_MS = 30_000;

export interface PodSample {
  readonly pod: KubeObject;
  /** Usage (millicores or bytes), undefined when the metrics API has none for the pod. */
  readonly usage: number | undefined;
  /** Summed container requests for the resource. */
  readonly request: number;
}

export type Computed =
  | { readonly ok: true; readonly replicas: number; readonly utilization: number; readonly averageUsage: number }
  | { readonly ok: false; readonly message: string };

/** groupPods: which pods count, which are unready (CPU warm-up rules), which lack metrics. */
function groupPods(samples: readonly PodSample[], cpu: boolean, now: number) {
  const ready: PodSample[] = [];
  const unready: PodSample[] = [];
  const missing: PodSample[] = [];
  for (const s of samples) {
    const st = podStatusView(s.pod);
    if (s.pod.metadata.deletionTimestamp || st.phase === 'Failed') continue;
    if (st.phase === 'Pending') {
      unready.push(s);
      continue;
    }
    if (s.usage === undefined) {
      missing.push(s);
      continue;
    }
    if (cpu) {
      const cond = podReadyCondition(s.pod);
      const start = Date.parse(st.startTime ?? '');
      let isUnready: boolean;
      if (!cond || !Number.isFinite(start)) isUnready = true;
      else {
        const transition = Date.parse(cond.lastTransitionTime ?? '') || start;
        if (start + CPU_INITIALIZATION_MS > now)
          isUnready = cond.status === 'False' || now < transition + METRIC_WINDOW_MS;
        else isUnready = cond.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
      }
      if (isUnready) {
        unready.push(s);
        continue;
      }
    }
    ready.push(s);
  }
  return { ready, unready, missing };
}

function ratioOf(
  samples: readonly { usage: number; request: number }[],
  target: number,
): { ratio: number; utilization: number; average: number } {
  const usage = samples.reduce((n, s) => n + s.usage, 0);
  const requests = samples.reduce((n, s) => n + s.request, 0);
  const utilization = Math.trunc((usage * 100) / requests);
  return { ratio: utilization / target, utilization, average: samples.length ? usage / samples.length : 0 };
}

/** GetResourceReplicas for a target utilization (percent of request). */
export function replicasForUtilization(
  current: number,
  samples: readonly PodSample[],
  target: number,
  resource: string,
  now: number,
): Computed {
  if (samples.length === 0)
    return { ok: false, message: 'no pods returned by selector while calculating replica count' };
  if (samples.every((s) => s.usage === undefined)) {
    return {
      ok: false,
      message: `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
    };
  }
  const { ready, unready, missing } = groupPods(samples, resource === 'cpu', now);
  if (ready.length === 0)
    return { ok: false, message: 'did not receive metrics for targeted pods (pods might be unready)' };
  const noRequest = samples.find((s) => s.request <= 0);
  if (noRequest) {
    const container =
      ((noRequest.pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? [])[0]?.name ?? '';
    return {
      ok: false,
      message: `missing request for ${resource} in container ${container} of Pod ${noRequest.pod.metadata.name}`,
    };
  }
  const counted = ready.map((s) => ({ usage: s.usage ?? 0, request: s.request }));
  const first = ratioOf(counted, target);
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.ratio) <= TOLERANCE)
      return { ok: true, replicas: current, utilization: first.utilization, averageUsage: first.average };
    return {
      ok: true,
      replicas: Math.ceil(first.ratio * ready.length),
      utilization: first.utilization,
      averageUsage: first.average,
    };
  }
  const adjusted = [...counted];
  if (missing.length > 0) {
    // Scale-down assumes missing pods use 100% of their request; scale-up assumes they use nothing.
    const fallback = first.ratio < 1 ? Math.max(100, target) : 0;
    for (const s of missing) adjusted.push({ usage: (s.request * fallback) / 100, request: s.request });
  }
  if (scaleUpWithUnready) for (const s of unready) adjusted.push({ usage: 0, request: s.request });
  const second = ratioOf(adjusted, target);
  if (
    Math.abs(1 - second.ratio) <= TOLERANCE ||
    (first.ratio < 1 && second.ratio > 1) ||
    (first.ratio > 1 && second.ratio < 1)
  ) {
    return { ok: true, replicas: current, utilization: first.utilization, averageUsage: first.average };
  }
  const replicas = Math.ceil(second.ratio * adjusted.length);
  if ((second.ratio < 1 && replicas > current) || (second.ratio > 1 && replicas < current)) {
    return { ok: true, replicas: current, utilization: first.utilization, averageUsage: first.average };
  }
  return { ok: true, replicas, utilization: first.utilization, averageUsage: first.average };
}

/** GetRawResourceReplicas: a target average value per pod. */
export function replicasForAverageValue(
  current: number,
  samples: readonly PodSample[],
  target: number,
  resource: string,
): Computed {
  const withMetrics = samples.filter(
    (s) => s.usage !== undefined && !s.pod.metadata.deletionTimestamp && podStatusView(s.pod).phase !== 'Failed',
  );
  if (withMetrics.length === 0) {
    return {
      ok: false,
      message: `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
    };
  }
  const total = withMetrics.reduce((n, s) => n + (s.usage ?? 0), 0);
  const ratio = total / (target * withMetrics.length);
  const average = total / withMetrics.length;
  if (Math.abs(1 - ratio) <= TOLERANCE) return { ok: true, replicas: current, utilization: 0, averageUsage: average };
  return { ok: true, replicas: Math.ceil(total / target), utilization: 0, averageUsage: average };
}
