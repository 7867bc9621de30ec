import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import { containerProblems } from '../container-problems.js';
import { eventLastSeen, isWarning } from '../events.js';
import type { Problem } from '../finding.js';
import { isSettledJobPod } from '../job-status.js';
import { parseMissingConfig, parseSchedulerMessage } from '../messages.js';
import { probeProblems } from '../probe-problems.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { HOUR, MINUTE, toMs } from '../time.js';

// Gates are often lifted by another controller within moments; only a gate that stays is worth reporting.
const GATED_FOR = 5 * MINUTE;
// Mount and sandbox failures are retried by the kubelet; an event older than this was resolved by a retry.
const RECENT_EVENT = 10 * MINUTE;
const EVICTION_MEMORY = 24 * HOUR;
const NODE_SHUTDOWN_REASONS = new Set(['Terminated', 'Shutdown', 'NodeShutdown']);

function scheduledCondition(pod: V1Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

function schedulingProblem(pod: V1Pod, snapshot: ClusterSnapshot): Problem | undefined {
  const cond = scheduledCondition(pod);
  if (cond?.status !== 'False') return undefined;
  if (cond.reason === 'SchedulingGated') {
    const since = toMs(cond.lastTransitionTime) ?? toMs(pod.metadata?.creationTimestamp);
    if (since === undefined || snapshot.now().getTime() - since < GATED_FOR) return undefined;
    const gates = (pod.spec?.schedulingGates ?? []).map((g) => g.name).join(', ');
    return {
      failureClass: 'SchedulingGated',
      severity: 'low',
      reason: 'SchedulingGated',
      summary: `pod is held by scheduling gates: ${gates || cond.message || 'unknown'}`,
      details: { gates },
      status: { conditions: [cond] },
      eventReasons: [],
      since: cond.lastTransitionTime ?? '',
    };
  }
  if (cond.reason !== 'Unschedulable') return undefined;
  const latest = snapshot
    .eventsFor(pod.metadata?.uid ?? '')
    .find((e) => isWarning(e) && e.reason === 'FailedScheduling');
  const message = latest?.message ?? cond.message ?? '';
  const parsed = parseSchedulerMessage(message);
  const reasons = parsed.reasons.map((r) => (r.nodes !== undefined ? `${r.nodes}× ${r.reason}` : r.reason)).join('; ');
  const nodes =
    parsed.total !== undefined ? `${parsed.available}/${parsed.total} nodes available` : 'cannot be scheduled';
  return {
    failureClass: 'Unschedulable',
    severity: 'high',
    reason: 'FailedScheduling',
    summary: `pod cannot be scheduled: ${nodes}${reasons ? `: ${reasons}` : ''}`,
    details: {
      ...(parsed.total !== undefined ? { nodesAvailable: parsed.available ?? 0, nodesTotal: parsed.total } : {}),
      schedulerReasons: reasons,
      message,
    },
    status: { phase: pod.status?.phase, conditions: [cond] },
    eventReasons: ['FailedScheduling'],
    since: cond.lastTransitionTime ?? '',
  };
}

/** When the kubelet evicted the pod: the DisruptionTarget condition, else its containers' end. */
function evictedAt(pod: V1Pod): number | undefined {
  const disruption = toMs(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.lastTransitionTime);
  const ends = (pod.status?.containerStatuses ?? []).map((c) => toMs(c.state?.terminated?.finishedAt) ?? 0);
  return disruption ?? (ends.length > 0 ? Math.max(...ends) || undefined : undefined);
}

function evictedProblem(pod: V1Pod, snapshot: ClusterSnapshot): Problem | undefined {
  if (pod.status?.phase !== 'Failed' || pod.status.reason !== 'Evicted') return undefined;
  // Evicted pods linger until garbage collection; an eviction days ago is history, not an incident.
  const at = evictedAt(pod);
  if (at !== undefined && snapshot.now().getTime() - at > EVICTION_MEMORY) return undefined;
  const message = pod.status.message ?? '';
  const resource = /low on resource: ([\w-]+)/.exec(message)?.[1];
  return {
    failureClass: 'Evicted',
    severity: 'low',
    reason: 'Evicted',
    summary: `pod was evicted${resource ? ` (node low on ${resource})` : ''}: ${message.trim()}`,
    details: {
      ...(resource ? { resource } : {}),
      message: message.trim(),
      ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    },
    status: { phase: 'Failed', reason: 'Evicted', message },
    eventReasons: ['Evicted'],
    ...(at !== undefined ? { since: new Date(at) } : {}),
  };
}

function recentWarning(pod: V1Pod, snapshot: ClusterSnapshot, reasons: readonly string[]): CoreV1Event | undefined {
  const now = snapshot.now().getTime();
  return snapshot
    .eventsFor(pod.metadata?.uid ?? '')
    .find((e) => isWarning(e) && reasons.includes(e.reason ?? '') && now - (eventLastSeen(e) ?? 0) <= RECENT_EVENT);
}

function notStarted(pod: V1Pod): boolean {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return (
    statuses.length === 0 ||
    statuses.some(
      (s) => s.state?.waiting?.reason === 'ContainerCreating' || s.state?.waiting?.reason === 'PodInitializing',
    )
  );
}

/** Volumes that cannot be mounted and sandboxes that cannot be created keep a pod in ContainerCreating. */
function setupProblems(pod: V1Pod, snapshot: ClusterSnapshot): Problem[] {
  if (!notStarted(pod)) return [];
  const problems: Problem[] = [];
  const mount = recentWarning(pod, snapshot, ['FailedMount', 'FailedAttachVolume']);
  if (mount) {
    const message = mount.message ?? '';
    const volume = /for volume "([^"]+)"/.exec(message)?.[1] ?? /unmounted volumes=\[([^\]]*)\]/.exec(message)?.[1];
    const missing = parseMissingConfig(message);
    problems.push({
      failureClass: 'MountFailure',
      severity: 'high',
      reason: mount.reason ?? 'FailedMount',
      summary: `volume${volume ? ` "${volume}"` : ''} cannot be mounted: ${message}`,
      details: {
        ...(volume ? { volume } : {}),
        ...(missing ? { missingKind: missing.kind, missingName: missing.name } : {}),
        message,
      },
      eventReasons: ['FailedMount', 'FailedAttachVolume'],
    });
  }
  const sandbox = recentWarning(pod, snapshot, ['FailedCreatePodSandBox']);
  if (sandbox) {
    problems.push({
      failureClass: 'SandboxFailure',
      severity: 'high',
      reason: 'FailedCreatePodSandBox',
      summary: `pod sandbox cannot be created: ${sandbox.message ?? ''}`,
      details: { message: sandbox.message ?? '', ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}) },
      eventReasons: ['FailedCreatePodSandBox'],
    });
  }
  return problems;
}

export const podAnalyzer: Analyzer<'Pod'> = {
  name: 'Pod',
  kind: 'Pod',
  analyze(pod, snapshot) {
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded' || isSettledJobPod(pod, snapshot)) {
      return [];
    }
    // Killed by a graceful node shutdown: the node's doing, and its controller has replaced the pod.
    if (pod.status?.phase === 'Failed' && NODE_SHUTDOWN_REASONS.has(pod.status.reason ?? '')) return [];
    const evicted = evictedProblem(pod, snapshot);
    if (evicted) return [evicted];
    const scheduling = schedulingProblem(pod, snapshot);
    if (scheduling) return [scheduling];
    return [...containerProblems(pod, snapshot), ...probeProblems(pod, snapshot), ...setupProblems(pod, snapshot)];
  },
};
