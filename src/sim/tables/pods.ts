// The pod row, computed exactly as kube-apiserver's printPod does: the STATUS cell is what an SRE reads first
// (CrashLoopBackOff, Init:0/2, OOMKilled, Terminating, ...), so its precedence rules are kept step for step.

import { humanDuration } from '../../kube/human-duration.js';
import type { KubeObject } from '../objects.js';
import { formatAge } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, nameOf, type Printer, type RowCondition, wide } from './printer.js';
import { arr, int, type JsonRecord, rec, str, timeOf } from './read.js';

// The node lifecycle controller's reason for pods on a node that stopped reporting.
const NODE_UNREACHABLE_REASON = 'NodeLost';

const SUCCEEDED: readonly RowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: readonly RowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

function isRestartable(container: JsonRecord | undefined): boolean {
  return str(container?.restartPolicy) === 'Always';
}

function conditionTrue(status: JsonRecord, type: string): boolean {
  return arr(status.conditions).some((c) => str(rec(c).type) === type && str(rec(c).status) === 'True');
}

function lastTerminationFinish(cs: JsonRecord): number | undefined {
  return timeOf(rec(rec(cs.lastState).terminated).finishedAt);
}

function terminatedReason(t: JsonRecord, prefix: string): string {
  const reason = str(t.reason);
  if (reason !== '') return `${prefix}${reason}`;
  const signal = int(t.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${int(t.exitCode)}`;
}

interface PodSummary {
  readonly ready: number;
  readonly total: number;
  readonly reason: string;
  readonly restarts: number;
  readonly lastRestart: number | undefined;
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function summarize(pod: KubeObject): PodSummary {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of arr(status.conditions).map(rec))
    if (str(c.type) === 'PodScheduled' && str(c.reason) === 'SchedulingGated') reason = 'SchedulingGated';

  const initSpecs = arr(spec.initContainers).map(rec);
  const initByName = new Map(initSpecs.map((c) => [str(c.name), c]));
  const total = arr(spec.containers).length + initSpecs.filter((c) => isRestartable(c)).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses).map(rec);
  for (const [i, cs] of initStatuses.entries()) {
    const finished = lastTerminationFinish(cs);
    restarts += int(cs.restartCount);
    lastRestart = later(lastRestart, finished);
    const sidecar = isRestartable(initByName.get(str(cs.name)));
    if (sidecar) {
      sidecarRestarts += int(cs.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
    const waitingReason = str(rec(state.waiting).reason);
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waitingReason !== '' && waitingReason !== 'PodInitializing') reason = `Init:${waitingReason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses).map(rec);
    // Walked backwards so the first container's state wins, as in printPod.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] ?? rec(undefined);
      restarts += int(cs.restartCount);
      lastRestart = later(lastRestart, lastTerminationFinish(cs));
      const state = rec(cs.state);
      const waitingReason = str(rec(state.waiting).reason);
      const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
      if (waitingReason !== '') reason = waitingReason;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished container reports Completed is still Running while another container runs.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined;
  if (deleting && str(status.reason) === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: KubeObject): string {
  const gates = arr(rec(pod.spec).readinessGates).map((g) => str(rec(g).conditionType));
  if (gates.length === 0) return '<none>';
  const conditions = arr(rec(pod.status).conditions).map(rec);
  const passing = gates.filter((t) => str(conditions.find((c) => str(c.type) === t)?.status) === 'True').length;
  return `${passing}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    wide('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  cells(pod, now) {
    const s = summarize(pod);
    const restarts =
      s.restarts !== 0 && s.lastRestart !== undefined
        ? `${s.restarts} (${humanDuration(now.getTime() - s.lastRestart)} ago)`
        : String(s.restarts);
    const status = rec(pod.status);
    // v1 conversion keeps status.podIP authoritative over podIPs[0].
    const ip = str(status.podIP) || str(rec(arr(status.podIPs)[0]).ip) || '<none>';
    return [
      nameOf(pod),
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      formatAge(pod.metadata.creationTimestamp, now),
      ip,
      str(rec(pod.spec).nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(pod) {
    const phase = str(rec(pod.status).phase);
    return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
  },
};
