import type { CoreV1Event, V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import { eventContainer, eventCount, eventLastSeen, isWarning } from './events.js';
import type { Details, Problem } from './finding.js';
import { type ProbeKind, type ProbeMessage, parseProbeMessage } from './messages.js';
import { containerStatusExcerpt, containerViews } from './pod-helpers.js';
import type { ClusterSnapshot } from './snapshot.js';
import { MINUTE } from './time.js';

// A probe that last failed longer ago than this is not failing now (the kubelet would have repeated the event).
const RECENT = 10 * MINUTE;

const PROBE_FIELD: Readonly<Record<ProbeKind, 'livenessProbe' | 'readinessProbe' | 'startupProbe'>> = {
  liveness: 'livenessProbe',
  readiness: 'readinessProbe',
  startup: 'startupProbe',
};

function portText(container: V1Container | undefined, port: number | string | undefined): string {
  if (port === undefined) return '';
  if (typeof port === 'number') return String(port);
  const named = container?.ports?.find((p) => p.name === port);
  return named ? `${port} (${named.containerPort})` : port;
}

/** `HTTP GET :8080/healthz`, `TCP :3306`, `exec [cat /tmp/healthy]`, `gRPC :9090`. */
function describeProbe(
  container: V1Container | undefined,
  probe: V1Probe | undefined,
): { text: string; details: Details } {
  if (probe?.httpGet) {
    const port = portText(container, probe.httpGet.port);
    const path = probe.httpGet.path ?? '/';
    const scheme = probe.httpGet.scheme ?? 'HTTP';
    return { text: `${scheme} GET :${port}${path}`, details: { handler: 'httpGet', path, port, scheme } };
  }
  if (probe?.tcpSocket) {
    const port = portText(container, probe.tcpSocket.port);
    return { text: `TCP :${port}`, details: { handler: 'tcpSocket', port } };
  }
  if (probe?.exec) {
    const command = (probe.exec.command ?? []).join(' ');
    return { text: `exec [${command}]`, details: { handler: 'exec', command } };
  }
  if (probe?.grpc) return { text: `gRPC :${probe.grpc.port}`, details: { handler: 'grpc', port: probe.grpc.port } };
  return { text: 'probe', details: {} };
}

interface Failure {
  readonly container: string;
  readonly parsed: ProbeMessage;
  readonly event: CoreV1Event;
}

function latestFailures(pod: V1Pod, events: readonly CoreV1Event[], nowMs: number): Failure[] {
  const latest = new Map<string, Failure>();
  const containers = pod.spec?.containers ?? [];
  for (const event of events) {
    if (!isWarning(event) || event.reason !== 'Unhealthy') continue;
    const parsed = parseProbeMessage(event.message ?? '');
    const seen = eventLastSeen(event);
    if (!parsed || seen === undefined || nowMs - seen > RECENT) continue;
    // Without a fieldPath, the container is the only one that has this kind of probe.
    const withProbe = containers.filter((c) => c[PROBE_FIELD[parsed.probe]] !== undefined);
    const container = eventContainer(event) ?? (withProbe.length === 1 ? withProbe[0]?.name : undefined);
    if (container === undefined) continue;
    const key = `${container}/${parsed.probe}`;
    // Events arrive newest first: the first one per container and probe is the current answer.
    if (!latest.has(key)) latest.set(key, { container, parsed, event });
  }
  return [...latest.values()];
}

/** Failing liveness/readiness/startup probes, named with their handler, target and the response the kubelet got. */
export function probeProblems(pod: V1Pod, snapshot: ClusterSnapshot): Problem[] {
  const events = snapshot.eventsFor(pod.metadata?.uid ?? '');
  const nowMs = snapshot.now().getTime();
  const views = containerViews(pod);
  const problems: Problem[] = [];
  for (const f of latestFailures(pod, events, nowMs)) {
    const view = views.find((v) => v.name === f.container && !v.init);
    if (!view) continue;
    const { status } = view;
    const failing =
      f.parsed.probe === 'readiness'
        ? status.ready === false
        : f.parsed.probe === 'startup'
          ? status.started === false || status.restartCount > 0
          : status.restartCount > 0 || eventCount(f.event) >= (view.spec?.livenessProbe?.failureThreshold ?? 3);
    if (!failing) continue;
    const probe = view.spec?.[PROBE_FIELD[f.parsed.probe]];
    const described = describeProbe(view.spec, probe);
    const failures = eventCount(f.event);
    const effect =
      f.parsed.probe === 'readiness'
        ? 'container not ready'
        : `container restarted ${status.restartCount} time${status.restartCount === 1 ? '' : 's'}`;
    problems.push({
      failureClass: 'ProbeFailure',
      severity: f.parsed.probe === 'readiness' ? 'medium' : 'high',
      reason: `${f.parsed.probe[0]?.toUpperCase()}${f.parsed.probe.slice(1)}ProbeFailed`,
      summary: `${f.parsed.probe} probe ${described.text} of container "${f.container}" fails: ${f.parsed.response} (${failures}×); ${effect}`,
      container: f.container,
      details: {
        container: f.container,
        probe: f.parsed.probe,
        ...described.details,
        response: f.parsed.response,
        ...(f.parsed.statusCode !== undefined ? { statusCode: f.parsed.statusCode } : {}),
        failures,
        ...(probe?.failureThreshold !== undefined ? { failureThreshold: probe.failureThreshold } : {}),
        ...(probe?.periodSeconds !== undefined ? { periodSeconds: probe.periodSeconds } : {}),
        ...(probe?.initialDelaySeconds !== undefined ? { initialDelaySeconds: probe.initialDelaySeconds } : {}),
        restartCount: status.restartCount,
      },
      status: containerStatusExcerpt(status),
      eventReasons: ['Unhealthy'],
    });
  }
  return problems;
}
