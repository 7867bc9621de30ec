// Container probes as kubelet's prober runs them: httpGet (2xx/3xx pass), tcpSocket and exec against the
// running program, with the result texts kubelet puts in `Unhealthy` events, and the per-probe worker that
// applies initialDelaySeconds / periodSeconds / success and failure thresholds.

import type { Container, ContainerPort, Probe } from '../scheduler/pod-shape.js';
import type { RunningProgram } from './program/types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

export const PROBE_LABEL: Readonly<Record<ProbeKind, string>> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

export interface ProbeTarget {
  readonly program: RunningProgram;
  readonly podIP: string;
  readonly hostIP: string;
  readonly ports: readonly ContainerPort[];
}

/** A named port resolves through the container's ports, as kubelet's findPortByName. */
function resolvePort(port: number | string, ports: readonly ContainerPort[]): number | string {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = ports.find((p) => p.name === port);
  return named ? named.containerPort : `strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`;
}

export function runProbe(probe: Probe, target: ProbeTarget): ProbeOutcome {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    const r = target.program.exec(probe.exec.command ?? []);
    if (r.durationMs > timeoutMs)
      return {
        ok: false,
        message: `command timed out: "${(probe.exec.command ?? []).join(' ')}" timed out after ${probe.timeoutSeconds ?? 1}s`,
      };
    return r.exitCode === 0 ? { ok: true } : { ok: false, message: r.output };
  }
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, target.ports);
    if (typeof port === 'string') return { ok: false, message: port };
    const path = probe.httpGet.path ?? '/';
    const host = probe.httpGet.host ?? target.podIP;
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const r = target.program.httpGet(port, path, {
      userAgent: 'kube-probe/1.32',
      remoteAddr: target.hostIP,
      host: `${host}:${port}`,
    });
    const url = `${scheme}://${host}:${port}${path}`;
    if ('refused' in r)
      return { ok: false, message: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` };
    if (r.error) return { ok: false, message: `Get "${url}": ${r.error}` };
    if (r.status >= 200 && r.status < 400) return { ok: true };
    return { ok: false, message: `HTTP probe failed with statuscode: ${r.status}` };
  }
  if (probe.tcpSocket || probe.grpc) {
    const raw = probe.tcpSocket ? probe.tcpSocket.port : (probe.grpc?.port ?? 0);
    const port = resolvePort(raw, target.ports);
    if (typeof port === 'string') return { ok: false, message: port };
    const host = probe.tcpSocket?.host ?? target.podIP;
    if (target.program.tcpOpen(port)) return { ok: true };
    return probe.grpc
      ? {
          ok: false,
          message: `timeout: failed to connect service "${host}:${port}" within 1s: context deadline exceeded`,
        }
      : { ok: false, message: `dial tcp ${host}:${port}: connect: connection refused` };
  }
  return { ok: true };
}

export type ProbeTransition = 'none' | 'succeeded' | 'failed';

/** One probe of one container instance: when it runs next and how its thresholds stand. */
export class ProbeWorker {
  private nextAtMs: number;
  private successes = 0;
  private failures = 0;
  /** Liveness starts passing; readiness and startup start failing, as kubelet's initial results. */
  passing: boolean;

  constructor(
    readonly kind: ProbeKind,
    readonly probe: Probe,
    startedAtMs: number,
  ) {
    const period = this.periodMs();
    const delay = (probe.initialDelaySeconds ?? 0) * 1000;
    // Kubelet's worker ticks every period from the start and skips ticks before the initial delay.
    this.nextAtMs = startedAtMs + Math.ceil(delay / period) * period;
    this.passing = kind === 'liveness';
  }

  periodMs(): number {
    return Math.max(1, this.probe.periodSeconds ?? 10) * 1000;
  }

  dueAt(): number {
    return this.nextAtMs;
  }

  /** Probes once if due (missed ticks collapse into one, as a ticker that fell behind). */
  run(nowMs: number, target: ProbeTarget, onFailure: (message: string) => void): ProbeTransition {
    if (nowMs < this.nextAtMs) return 'none';
    const period = this.periodMs();
    this.nextAtMs += Math.max(1, Math.ceil((nowMs - this.nextAtMs + 1) / period)) * period;
    const outcome = runProbe(this.probe, target);
    if (outcome.ok) {
      this.failures = 0;
      this.successes++;
      const threshold = this.kind === 'readiness' ? (this.probe.successThreshold ?? 1) : 1;
      if (!this.passing && this.successes >= threshold) {
        this.passing = true;
        return 'succeeded';
      }
      return 'none';
    }
    this.successes = 0;
    this.failures++;
    onFailure(outcome.message);
    if ((this.passing || this.kind !== 'readiness') && this.failures >= (this.probe.failureThreshold ?? 3)) {
      this.passing = false;
      this.failures = 0;
      return 'failed';
    }
    return 'none';
  }
}

/** The probe workers of a container instance started at `startedAtMs` (startup first, as kubelet gates on it). */
export function probeWorkers(spec: Container, startedAtMs: number): ProbeWorker[] {
  const out: ProbeWorker[] = [];
  if (spec.startupProbe) out.push(new ProbeWorker('startup', spec.startupProbe, startedAtMs));
  if (spec.livenessProbe) out.push(new ProbeWorker('liveness', spec.livenessProbe, startedAtMs));
  if (spec.readinessProbe) out.push(new ProbeWorker('readiness', spec.readinessProbe, startedAtMs));
  return out;
}
