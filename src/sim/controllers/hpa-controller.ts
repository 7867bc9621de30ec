// The HorizontalPodAutoscaler controller (autoscaling/v2): every 15 simulated seconds it reads the target's
// scale, measures CPU (or memory) against the metric targets, proposes a replica count with the real
// algorithm, applies stabilization and rate policies and the min/max bounds, scales the target, and
// reports AbleToScale / ScalingActive / ScalingLimited with kube-controller-manager's reasons.

import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import { parseQuantityExact } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { isoSeconds } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { upsertCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller.js';
import { type Behavior, type HpaMemory, normalizeReplicas } from './hpa-behavior.js';
import { type Computed, type PodSample, replicasForAverageValue, replicasForUtilization } from './hpa-replicas.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { writeStatus } from './pod-control.js';
import { type Condition, intOr, specOf, statusOf } from './shapes.js';

const COMPONENT = 'horizontal-pod-autoscaler';
const SYNC_MS = 15_000;
const CPU_ANNOTATION = 'sim.kubemend.io/cpu-millis';

/** Where pod usage comes from: the simulated kubelet when wired, else the pod's cpu-millis annotation. */
export interface PodMetricsSource {
  cpuMillis?(namespace: string, pod: string): number | undefined;
  memoryBytes?(namespace: string, pod: string): number | undefined;
}

interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: string | number;
}

interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
}

interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: Behavior;
}

interface HpaStatus {
  conditions?: Condition[];
  lastScaleTime?: string;
}

const TARGET_KINDS: Readonly<Record<string, (typeof K)[keyof typeof K]>> = {
  Deployment: K.deployments,
  ReplicaSet: K.replicaSets,
  StatefulSet: K.statefulSets,
};

export function hpaController(ctx: ControllerContext, index: ObjectIndex, metrics: PodMetricsSource = {}): Controller {
  const memory = new Map<string, HpaMemory>();
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource !== K.hpas) return [];
      if (e.type === 'DELETED') memory.delete(keyOf(e.object));
      return [keyOf(e.object)];
    },
    initialKeys: () => ctx.store.all(K.hpas).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const hpa = ctx.store.get(K.hpas, namespace, name);
      if (!hpa) return;
      let mem = memory.get(key);
      if (!mem) {
        mem = { recommendations: [], up: [], down: [] };
        memory.set(key, mem);
      }
      syncHpa(ctx, index, metrics, hpa, mem);
      return SYNC_MS;
    },
  };
}

function cond(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  return { type, status, lastTransitionTime: isoSeconds(now), reason, message };
}

function annotationCpu(pod: KubeObject): number | undefined {
  const a = pod.metadata.annotations ?? {};
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  let total = 0;
  let any = false;
  for (const c of containers) {
    const v = a[`${CPU_ANNOTATION}.${c}`] ?? a[CPU_ANNOTATION];
    if (v === undefined || !Number.isFinite(Number(v))) continue;
    total += Number(v);
    any = true;
  }
  return any ? total : undefined;
}

function requestOf(pod: KubeObject, resource: string, container?: string): number {
  const containers = (
    (
      pod.spec as
        | {
            containers?: {
              name: string;
              resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
            }[];
          }
        | undefined
    )?.containers ?? []
  ).filter((c) => !container || c.name === container);
  let total = 0;
  for (const c of containers) {
    const raw = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
    const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantityExact(raw) : undefined;
    if (!q) return 0;
    total += resource === 'cpu' ? Number(q.nanos) / 1e6 : Number(q.nanos) / 1e9;
  }
  return total;
}

function metricName(resource: string, target: MetricTarget): string {
  return target.type === 'Utilization'
    ? `${resource} resource utilization (percentage of request)`
    : `${resource} resource`;
}

function formatUsage(resource: string, value: number): string {
  return resource === 'cpu' ? `${Math.round(value)}m` : String(Math.round(value));
}

function syncHpa(
  ctx: ControllerContext,
  index: ObjectIndex,
  metrics: PodMetricsSource,
  hpa: KubeObject,
  mem: HpaMemory,
): void {
  const spec = specOf<HpaSpec>(hpa);
  const prev = statusOf<HpaStatus>(hpa);
  const now = ctx.clock.now();
  const ns = hpa.metadata.namespace ?? '';
  let conditions = prev.conditions ?? [];
  const set = (c: Condition): void => {
    conditions = upsertCondition(conditions, c);
  };
  const event = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
    ctx.events.record({ object: hpa, type, reason, message, component: COMPONENT });
  const ref = spec.scaleTargetRef ?? {};
  const targetResource = TARGET_KINDS[ref.kind ?? ''];
  const target = targetResource ? ctx.store.get(targetResource, ns, ref.name ?? '') : undefined;
  if (!target || !targetResource) {
    const what = targetResource
      ? `${targetResource.plural}.${targetResource.group}`
      : `${(ref.kind ?? '').toLowerCase()}s`;
    const message = `${what} "${ref.name}" not found`;
    event('Warning', 'FailedGetScale', message);
    set(
      cond(
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${message}`,
        now,
      ),
    );
    writeStatus(ctx, K.hpas, hpa, { ...statusBase(hpa, prev, 0, 0), conditions });
    return;
  }
  set(
    cond(
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
      now,
    ),
  );
  const current = intOr((target.spec as { replicas?: number } | undefined)?.replicas, 1);
  const min = intOr(spec.minReplicas, 1);
  const max = intOr(spec.maxReplicas, min);
  let desired = current;
  let rescaleReason = '';
  const currentMetrics: Record<string, unknown>[] = [];
  if (current === 0 && min !== 0) {
    desired = 0;
    set(
      cond(
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
        now,
      ),
    );
  } else if (current > max) {
    desired = max;
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
  } else if (current < min) {
    desired = min;
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
  } else {
    const selector = selectorFromSpec(
      (target.spec as { selector?: Parameters<typeof selectorFromSpec>[0] } | undefined)?.selector,
    );
    const pods = index
      .inNamespace(K.pods, ns)
      .filter((p) => selector.length > 0 && matchLabels(selector, p.metadata.labels));
    let proposal = 0;
    let proposalMetric = '';
    let firstError: string | undefined;
    let firstMetricError: string | undefined;
    let invalid = 0;
    const specs = spec.metrics?.length
      ? spec.metrics
      : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    for (const m of specs) {
      const source = m.type === 'ContainerResource' ? m.containerResource : m.resource;
      const resource = source?.name ?? 'cpu';
      const target = source?.target ?? {};
      const container = m.type === 'ContainerResource' ? m.containerResource?.container : undefined;
      if (m.type !== 'Resource' && m.type !== 'ContainerResource') {
        invalid++;
        firstError ??= `the HPA was unable to compute the replica count: unsupported metric source type "${m.type}" in the simulator`;
        firstMetricError ??= `unsupported metric source type "${m.type}" in the simulator`;
        continue;
      }
      const samples: PodSample[] = pods.map((pod) => ({
        pod,
        usage: usage(metrics, pod, resource),
        request: requestOf(pod, resource, container),
      }));
      let result: Computed;
      if (target.type === 'Utilization')
        result = replicasForUtilization(
          current,
          samples,
          intOr(target.averageUtilization, 80),
          resource,
          now.getTime(),
        );
      else {
        const raw = parseQuantityExact(target.averageValue ?? '0');
        const value = raw ? (resource === 'cpu' ? Number(raw.nanos) / 1e6 : Number(raw.nanos) / 1e9) : 0;
        result = replicasForAverageValue(current, samples, value, resource);
      }
      if (!result.ok) {
        invalid++;
        const what = target.type === 'Utilization' ? `${resource} utilization` : `${resource} usage`;
        event('Warning', 'FailedGetResourceMetric', `failed to get ${what}: ${result.message}`);
        firstError ??= `the HPA was unable to compute the replica count: failed to get ${what}: ${result.message}`;
        firstMetricError ??= `failed to get ${resource} resource metric value: failed to get ${what}: ${result.message}`;
        continue;
      }
      currentMetrics.push({
        type: m.type,
        [m.type === 'ContainerResource' ? 'containerResource' : 'resource']: {
          name: resource,
          ...(container ? { container } : {}),
          current: {
            ...(target.type === 'Utilization' ? { averageUtilization: result.utilization } : {}),
            averageValue: formatUsage(resource, result.averageUsage),
          },
        },
      });
      if (result.replicas > proposal || proposalMetric === '') {
        proposal = result.replicas;
        proposalMetric = metricName(resource, target);
      }
    }
    if (invalid >= specs.length || (invalid > 0 && proposal < current)) {
      set(
        cond(
          'ScalingActive',
          'False',
          'FailedGetResourceMetric',
          firstError ?? 'the HPA was unable to compute the replica count',
          now,
        ),
      );
      event(
        'Warning',
        'FailedComputeMetricsReplicas',
        `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstMetricError ?? ''}`,
      );
      writeStatus(ctx, K.hpas, hpa, {
        ...statusBase(hpa, prev, current, current),
        ...(currentMetrics.length ? { currentMetrics } : {}),
        conditions,
      });
      return;
    }
    set(
      cond(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        `the HPA was able to successfully calculate a replica count from ${proposalMetric}`,
        now,
      ),
    );
    const normalized = normalizeReplicas(spec.behavior, mem, current, proposal, { min, max }, now.getTime());
    set(cond('AbleToScale', 'True', normalized.able.reason, normalized.able.message, now));
    const { reason, message } = normalized.limited;
    set(cond('ScalingLimited', reason === 'DesiredWithinRange' ? 'False' : 'True', reason, message, now));
    desired = normalized.replicas;
    if (desired > current) rescaleReason = `${proposalMetric} above target`;
    else if (desired < current) rescaleReason = 'All metrics below target';
  }
  let lastScaleTime = prev.lastScaleTime;
  if (desired !== current) {
    try {
      ctx.store.modify(targetResource, ns, ref.name ?? '', (t) => {
        (t.spec as { replicas?: number }).replicas = desired;
      });
      set(
        cond(
          'AbleToScale',
          'True',
          'SucceededRescale',
          `the HPA controller was able to update the target scale to ${desired}`,
          now,
        ),
      );
      event('Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      (desired > current ? mem.up : mem.down).push({ at: now.getTime(), change: Math.abs(desired - current) });
      lastScaleTime = isoSeconds(now);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      set(
        cond(
          'AbleToScale',
          'False',
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${err.message}`,
          now,
        ),
      );
      event('Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${err.message}`);
      desired = current;
    }
  }
  writeStatus(ctx, K.hpas, hpa, {
    ...statusBase(hpa, { ...prev, ...(lastScaleTime ? { lastScaleTime } : {}) }, current, desired),
    ...(currentMetrics.length ? { currentMetrics } : {}),
    conditions: order(conditions),
  });
}

function usage(metrics: PodMetricsSource, pod: KubeObject, resource: string): number | undefined {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  if (resource === 'cpu') return metrics.cpuMillis?.(ns, name) ?? annotationCpu(pod);
  if (resource === 'memory') return metrics.memoryBytes?.(ns, name);
  return undefined;
}

function statusBase(hpa: KubeObject, prev: HpaStatus, current: number, desired: number): Record<string, unknown> {
  return {
    observedGeneration: hpa.metadata.generation ?? 1,
    ...(prev.lastScaleTime ? { lastScaleTime: prev.lastScaleTime } : {}),
    currentReplicas: current,
    desiredReplicas: desired,
  };
}

const CONDITION_ORDER = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];
function order(conditions: Condition[]): Condition[] {
  return [...conditions].sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
}
