import type { V1Pod } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { LogExcerpt, Problem } from '../finding.js';
import { isSettledJobPod } from '../job-status.js';
import { scanLog } from '../log-scan.js';
import { type ContainerView, containerLabel, containerViews } from '../pod-helpers.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { HOUR, toMs } from '../time.js';

/**
 * The container whose log explains a failure, and which log: the previous instance's when the container has
 * restarted since it failed, the current one when it is the one that exited.
 */
function failingLog(view: ContainerView, nowMs: number): { previous: boolean } | undefined {
  const { state, lastState, restartCount } = view.status;
  if (state?.terminated) return state.terminated.exitCode !== 0 ? { previous: false } : undefined;
  const last = lastState?.terminated;
  if (!last || last.exitCode === 0 || restartCount === 0) return undefined;
  if (state?.waiting) return { previous: true };
  const finished = toMs(last.finishedAt);
  return finished === undefined || nowMs - finished <= HOUR ? { previous: true } : undefined;
}

async function containerLog(pod: V1Pod, view: ContainerView, snapshot: ClusterSnapshot): Promise<Problem | undefined> {
  const which = failingLog(view, snapshot.now().getTime());
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  if (!which || !snapshot.logs) return undefined;
  // Logs are extra evidence: a container whose previous log is gone (node restarted, pod rescheduled) is
  // still analyzed by the Pod analyzer, so a read failure here just means no log finding.
  const text = await snapshot.logs(namespace, name, view.name, which.previous).catch(() => undefined);
  if (!text) return undefined;
  const scan = scanLog(text);
  const logs: LogExcerpt = {
    pod: name,
    container: view.name,
    previous: which.previous,
    lines: scan.lines,
    errorLines: scan.errorLines,
  };
  if (scan.missingPassword) {
    const { database, variables } = scan.missingPassword;
    return {
      failureClass: 'MissingPassword',
      severity: 'high',
      reason: 'MissingPassword',
      summary: `${containerLabel(view)} (${database}) exits because no root password is configured: set one of ${variables.join(', ')}`,
      container: view.name,
      details: { container: view.name, database, variables: variables.join(', ') },
      logs,
      eventReasons: ['BackOff'],
    };
  }
  const lastError = scan.errorLines[scan.errorLines.length - 1]?.trim();
  return {
    failureClass: 'LogErrors',
    severity: 'low',
    reason: lastError ? 'ErrorLogs' : 'Logs',
    summary: lastError
      ? `${containerLabel(view)} logged ${scan.errorLines.length} error line(s) before exiting; last: ${lastError}`
      : `${containerLabel(view)} exited; its last log line: ${scan.lines[scan.lines.length - 1]?.trim() ?? ''}`,
    container: view.name,
    details: { container: view.name, errorLines: scan.errorLines.length },
    logs,
    eventReasons: [],
    // Without an error line the tail is still what a person reads first, but only next to the crash it explains.
    ...(lastError ? {} : { evidenceOnly: true }),
  };
}

/**
 * Error lines in the last lines of failing containers (never of healthy ones: a healthy service logging
 * "error" is not an incident). Uses `snapshot.logs` when present, and recognises a database started without
 * its password.
 */
export const logAnalyzer: Analyzer<'Pod'> = {
  name: 'Log',
  kind: 'Pod',
  analyze(pod, snapshot) {
    if (!snapshot.logs || pod.metadata?.deletionTimestamp) return [];
    const now = snapshot.now().getTime();
    const failing = containerViews(pod).filter((v) => failingLog(v, now) !== undefined);
    // Only pods with a failing container pay for a log read (and a promise).
    if (failing.length === 0 || isSettledJobPod(pod, snapshot)) return [];
    return Promise.all(failing.map((v) => containerLog(pod, v, snapshot))).then((problems) =>
      problems.filter((p): p is Problem => p !== undefined),
    );
  },
};
