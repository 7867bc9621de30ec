// One container of a pod on a simulated node, through kubelet's lifecycle: image pull (with pull policy and
// pull back-off), config (env) generation, create/start, running the program on the simulated clock (logs,
// exit, OOM kill at the memory limit), probes, and restarts behind the CrashLoopBackOff back-off. Events and
// status texts are kubelet 1.32's. The rest of the lifecycle lives beside it: image-puller.ts (pulls and pull
// back-off), container-input.ts (what the runtime is given), probes.ts (probe workers).

import { createHash, randomBytes } from 'node:crypto';
import { formatGoDuration } from '../../kube/go-duration.js';
import type { KubeObject } from '../objects.js';
import { quantityValue } from '../scheduler/pod-requests.js';
import { type Container, podSpec } from '../scheduler/pod-shape.js';
import type { Backoff } from './backoff.js';
import type { EnvResult } from './container-env.js';
import { containerInput } from './container-input.js';
import type { ContainerRuntime } from './container-runtime.js';
import { ImagePuller } from './image-puller.js';
import type { ImageInfo } from './images.js';
import type { VolumeFiles } from './pod-volumes.js';
import { PROBE_LABEL, type ProbeKind, type ProbeWorker, probeWorkers } from './probes.js';
import type { ContainerNetwork, HttpResult, ProgramEvent, RunningProgram } from './program/types.js';
import { RELIST_MS, RETRY_MS } from './sync-timing.js';

export type ContainerKind = 'init' | 'sidecar' | 'app';
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

const OOM_SAMPLE_MS = 250;

export interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly message?: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly containerID: string;
}

type State =
  | { readonly kind: 'waiting'; readonly reason?: string; readonly message?: string }
  | {
      readonly kind: 'running';
      readonly startedAtMs: number;
      readonly containerID: string;
      readonly program: RunningProgram;
      advancedTo: number;
    }
  | { readonly kind: 'terminated'; readonly info: Terminated; readonly restart: boolean };

/** What a container needs from its pod and node. */
export interface ContainerHost {
  readonly runtime: ContainerRuntime;
  readonly crashBackoff: Backoff;
  readonly imageBackoff: Backoff;
  /** Images present on the node, by the reference the spec used. */
  readonly nodeImages: Map<string, ImageInfo>;
  pod(): KubeObject;
  podIP(): string;
  hostIP(): string;
  restartPolicy(): RestartPolicy;
  volumes(): ReadonlyMap<string, VolumeFiles>;
  resolveEnv(c: Container): EnvResult;
  network(): ContainerNetwork | undefined;
  event(c: ContainerWorker, type: 'Normal' | 'Warning', reason: string, message: string): void;
  oomKilled(c: ContainerWorker, processName: string, memoryBytes: number): void;
  log(c: ContainerWorker, stream: 'stdout' | 'stderr', line: string, atEpochMs: number): void;
  rotateLogs(c: ContainerWorker): void;
  changed(): void;
}

export interface StatusTimes {
  iso(epochMs: number): string;
}

/** How a program ends when kubelet stops it: servers exit cleanly on SIGTERM, a shell as PID 1 ignores it. */
function stopExitCode(image: ImageInfo | undefined): number {
  switch (image?.behaviour) {
    case 'nginx':
    case 'httpd':
    case 'redis':
    case 'postgres':
    case 'mysql':
      return 0;
    case 'busybox':
    case 'alpine':
      return 137;
    default:
      return 143;
  }
}

function basename(p: string | undefined): string | undefined {
  return p === undefined ? undefined : p.slice(p.lastIndexOf('/') + 1);
}

export class ContainerWorker {
  private state: State = { kind: 'waiting' };
  private lastTerminated: Terminated | undefined;
  /** finishedAt of a termination whose restart still has to pass the crash back-off. */
  private restartGate: number | undefined;
  private instances = 0;
  private started = false;
  private ready = false;
  private image: ImageInfo | undefined;
  private probes: ProbeWorker[] = [];
  private readonly noted = new Set<string>();
  private advancing = false;

  /** Kubelet does not retry a blocked start (config error, pull back-off) before this time unless poked. */
  private retryAt = 0;

  private readonly puller: ImagePuller;

  constructor(
    private current: Container,
    readonly kind: ContainerKind,
    private readonly host: ContainerHost,
  ) {
    this.puller = new ImagePuller({
      runtime: host.runtime,
      imageBackoff: host.imageBackoff,
      nodeImages: host.nodeImages,
      podUid: () => host.pod().metadata.uid ?? '',
      pullSecrets: () => (podSpec(host.pod()).imagePullSecrets ?? []).map((s) => s.name ?? ''),
      event: (type, reason, message) => this.event(type, reason, message),
      setWaiting: (reason, message) => this.setWaiting(reason, message),
      once: (key) => this.once(key),
    });
  }

  get spec(): Container {
    return this.current;
  }

  /**
   * A pod's container image can be changed in place; kubelet then replaces the container (an agent fixing a
   * bare pod's bad tag relies on this). Other container fields are immutable in a pod.
   */
  updateSpec(next: Container, nowMs: number): void {
    if (next.image === this.current.image) {
      this.current = next;
      return;
    }
    this.current = next;
    this.puller.cancel();
    this.retryAt = 0;
    if (this.state.kind === 'running') {
      this.event('Normal', 'Killing', `Container ${this.name} definition changed, will be restarted`);
      const code = stopExitCode(this.image);
      this.terminate(code, code === 0 ? 'Completed' : 'Error', nowMs, undefined, true);
    } else if (this.state.kind === 'waiting') this.setWaiting(undefined);
  }

  /** Something it waits for changed (a ConfigMap, a Secret): retry now rather than at the next resync. */
  poke(): void {
    this.retryAt = 0;
  }

  get name(): string {
    return this.spec.name;
  }

  get fieldPath(): string {
    return this.kind === 'app' ? `spec.containers{${this.name}}` : `spec.initContainers{${this.name}}`;
  }

  get restartCount(): number {
    return Math.max(0, this.instances - 1);
  }

  isRunning(): boolean {
    return this.state.kind === 'running';
  }

  isReady(): boolean {
    return this.ready;
  }

  isStarted(): boolean {
    return this.state.kind === 'running' && this.started;
  }

  /** Ran to completion and will not run again (exit 0 for an init container, or a terminal exit). */
  isDone(): boolean {
    return this.state.kind === 'terminated' && !this.state.restart;
  }

  succeeded(): boolean {
    return this.state.kind === 'terminated' && !this.state.restart && this.state.info.exitCode === 0;
  }

  /** Counts for the pod phase as kubelet's getPhase: running, stopped (incl. waiting to restart), or waiting. */
  phaseBucket(): 'running' | 'stopped' | 'waiting' {
    if (this.state.kind === 'running') return 'running';
    if (this.state.kind === 'terminated' || this.lastTerminated) return 'stopped';
    return 'waiting';
  }

  lastExitCode(): number | undefined {
    if (this.state.kind === 'terminated') return this.state.info.exitCode;
    return this.lastTerminated?.exitCode;
  }

  private setWaiting(reason: string | undefined, message?: string): void {
    const s = this.state;
    if (s.kind === 'waiting' && s.reason === reason && s.message === message) return;
    this.state = { kind: 'waiting', ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    this.host.changed();
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.host.event(this, type, reason, message);
  }

  private shouldRestart(exitCode: number): boolean {
    if (this.kind === 'sidecar') return true;
    const policy = this.host.restartPolicy();
    if (this.kind === 'init') return policy !== 'Never' && exitCode !== 0;
    return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
  }

  private terminate(exitCode: number, reason: string, finishedAtMs: number, message?: string, restart?: boolean): void {
    const s = this.state;
    if (s.kind !== 'running') return;
    const info: Terminated = {
      exitCode,
      reason,
      ...(message ? { message } : {}),
      startedAtMs: s.startedAtMs,
      finishedAtMs,
      containerID: s.containerID,
    };
    this.state = { kind: 'terminated', info, restart: restart ?? this.shouldRestart(exitCode) };
    this.ready = false;
    this.started = false;
    this.probes = [];
    this.host.changed();
  }

  /** Stops a running container for good (pod deletion, active deadline, a finished pod's sidecars). */
  stop(nowMs: number): void {
    if (this.state.kind === 'running') {
      const code = stopExitCode(this.image);
      this.terminate(code, code === 0 ? 'Completed' : 'Error', nowMs, undefined, false);
    } else if (this.state.kind === 'terminated' && this.state.restart) {
      this.state = { ...this.state, restart: false };
    }
    this.puller.cancel();
    this.restartGate = undefined;
  }

  private kill(nowMs: number, probe: ProbeKind): void {
    this.event('Normal', 'Killing', `Container ${this.name} failed ${probe} probe, will be restarted`);
    const code = stopExitCode(this.image);
    this.terminate(code, code === 0 ? 'Completed' : 'Error', nowMs);
  }

  private processName(): string {
    const img = this.image;
    return basename(this.spec.command?.[0] ?? img?.entrypoint[0] ?? img?.cmd[0]) ?? this.name;
  }

  /** Runs the program up to `nowMs`: its logs and exit, the OOM killer, then the probes. */
  advance(nowMs: number): void {
    const s = this.state;
    // A program calling its own Service can route back here while it is being advanced: leave it be.
    if (s.kind !== 'running' || this.advancing) return;
    this.advancing = true;
    try {
      this.advanceRunning(s, nowMs);
    } finally {
      this.advancing = false;
    }
  }

  private advanceRunning(s: Extract<State, { kind: 'running' }>, nowMs: number): void {
    const target = nowMs - s.startedAtMs;
    if (target > s.advancedTo) {
      const limit = quantityValue('memory', this.spec.resources?.limits?.memory);
      let oomAt: number | undefined;
      if (limit > 0) {
        const step = Math.max(OOM_SAMPLE_MS, (target - s.advancedTo) / 400);
        for (let t = Math.min(s.advancedTo + step, target); ; t = Math.min(t + step, target)) {
          if (s.program.memoryBytes(t) > limit) {
            oomAt = t;
            break;
          }
          if (t >= target) break;
        }
      }
      const until = oomAt ?? target;
      if (this.consume(s, s.program.advance(until))) return;
      s.advancedTo = until;
      if (oomAt !== undefined) {
        this.host.oomKilled(this, this.processName(), s.program.memoryBytes(oomAt));
        this.terminate(137, 'OOMKilled', s.startedAtMs + oomAt);
        return;
      }
    }
    this.runProbes(nowMs, s.program);
  }

  /** Logs and the exit among a program's events; true when it exited. */
  private consume(s: Extract<State, { kind: 'running' }>, events: readonly ProgramEvent[]): boolean {
    for (const ev of events) {
      if (ev.type === 'log') {
        this.host.log(this, ev.stream, ev.line, s.startedAtMs + ev.atMs);
        continue;
      }
      if (ev.reason === 'StartError' && ev.message) this.event('Warning', 'Failed', `Error: ${ev.message}`);
      this.terminate(
        ev.code,
        ev.reason ?? (ev.code === 0 ? 'Completed' : 'Error'),
        s.startedAtMs + ev.atMs,
        ev.message,
      );
      return true;
    }
    return false;
  }

  private runProbes(nowMs: number, program: RunningProgram): void {
    const target = { program, podIP: this.host.podIP(), hostIP: this.host.hostIP(), ports: this.spec.ports ?? [] };
    const failed = (kind: ProbeKind) => (message: string) =>
      this.event('Warning', 'Unhealthy', `${PROBE_LABEL[kind]} probe failed: ${message}`);
    for (const probe of this.probes) {
      if (this.state.kind !== 'running') return;
      if (probe.kind !== 'startup' && !this.started) continue;
      if (probe.kind === 'startup' && this.started) continue;
      const t = probe.run(nowMs, target, failed(probe.kind));
      if (t === 'none') continue;
      if (probe.kind === 'startup') {
        if (t === 'failed') {
          this.kill(nowMs, 'startup');
          return;
        }
        this.started = true;
        if (!this.spec.readinessProbe) this.ready = true;
      } else if (probe.kind === 'liveness') {
        if (t === 'failed') {
          this.kill(nowMs, 'liveness');
          return;
        }
      } else this.ready = t === 'succeeded';
      this.host.changed();
    }
  }

  /** When the probes next need to run (Infinity when the container is not running). */
  nextProbeAt(): number {
    if (this.state.kind !== 'running') return Number.POSITIVE_INFINITY;
    return Math.min(...this.probes.map((p) => p.dueAt()), Number.POSITIVE_INFINITY);
  }

  /** Brings the container toward running (start, pull, restart through back-off); returns the next wake time. */
  ensure(nowMs: number): number {
    const s = this.state;
    if (s.kind === 'running') return Number.POSITIVE_INFINITY;
    if (s.kind === 'terminated') {
      if (!s.restart) return Number.POSITIVE_INFINITY;
      const relist = s.info.finishedAtMs + RELIST_MS;
      if (nowMs < relist) return relist;
      this.lastTerminated = s.info;
      this.restartGate = s.info.finishedAtMs;
      this.state = { kind: 'waiting' };
      this.host.changed();
    }
    if (nowMs < this.retryAt) return this.retryAt;
    if (this.restartGate !== undefined) {
      const pod = this.host.pod();
      const uid = pod.metadata.uid ?? '';
      const key = `${uid}_${this.name}`;
      const gate = this.restartGate;
      if (this.host.crashBackoff.isInBackOffSince(key, gate, nowMs)) {
        const backoff = this.host.crashBackoff.get(key);
        const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${uid})`;
        this.setWaiting(
          'CrashLoopBackOff',
          `back-off ${formatGoDuration(backoff)} restarting failed container=${this.name} pod=${podRef}`,
        );
        if (this.once(`crash:${gate}`))
          this.event('Warning', 'BackOff', `Back-off restarting failed container ${this.name} in pod ${podRef}`);
        return gate + backoff;
      }
      this.host.crashBackoff.next(key, gate, nowMs);
      this.restartGate = undefined;
    }
    const wake = this.start(nowMs);
    this.retryAt = Number.isFinite(wake) ? wake : 0;
    return wake;
  }

  private once(key: string): boolean {
    if (this.noted.has(key)) return false;
    this.noted.add(key);
    return true;
  }

  private start(nowMs: number): number {
    const pulled = this.puller.ensure(this.spec, nowMs);
    if ('wait' in pulled) return pulled.wait;
    const env = this.host.resolveEnv(this.spec);
    if (!env.ok) {
      this.setWaiting('CreateContainerConfigError', env.message);
      this.event('Warning', 'Failed', `Error: ${env.message}`);
      return nowMs + RETRY_MS;
    }
    const containerID = `containerd://${randomBytes(32).toString('hex')}`;
    this.image = pulled.image;
    this.instances++;
    if (this.instances > 1) this.host.rotateLogs(this);
    this.event('Normal', 'Created', `Created container: ${this.name}`);
    const program = this.host.runtime.start(
      containerInput({
        pod: this.host.pod(),
        spec: this.spec,
        image: pulled.image,
        env: env.env,
        volumes: this.host.volumes(),
        podIP: this.host.podIP(),
        network: this.host.network(),
        nowMs,
      }),
    );
    const running: Extract<State, { kind: 'running' }> = {
      kind: 'running',
      startedAtMs: nowMs,
      containerID,
      program,
      advancedTo: 0,
    };
    this.state = running;
    // A runtime that cannot exec the entrypoint fails the start itself: no Started event, a StartError exit.
    const first = program.advance(0);
    if (!first.some((e) => e.type === 'exit' && e.reason === 'StartError'))
      this.event('Normal', 'Started', `Started container ${this.name}`);
    if (this.consume(running, first)) return this.ensure(nowMs);
    this.probes = probeWorkers(this.spec, nowMs);
    this.started = !this.spec.startupProbe;
    this.ready = this.started && !this.spec.readinessProbe;
    this.host.changed();
    return Number.POSITIVE_INFINITY;
  }

  /** An HTTP request from elsewhere in the cluster to this container, if it is running. */
  httpGet(port: number, path: string): HttpResult {
    return this.state.kind === 'running' ? this.state.program.httpGet(port, path) : { refused: true };
  }

  /** CPU and memory now, for metrics; undefined unless running. */
  usage(nowMs: number): { readonly cpuMillis: number; readonly memoryBytes: number } | undefined {
    const s = this.state;
    if (s.kind !== 'running') return undefined;
    const t = Math.max(0, nowMs - s.startedAtMs);
    return { cpuMillis: s.program.cpuMillis(t), memoryBytes: s.program.memoryBytes(t) };
  }

  /** A stable pseudo PID for kernel messages about this container instance. */
  pid(): number {
    const id = this.state.kind === 'running' ? this.state.containerID : this.name;
    return 1000 + (Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 6), 16) % 60000);
  }

  /** The containerStatuses entry. */
  status(times: StatusTimes, defaultReason: string): Record<string, unknown> {
    const s = this.state;
    const img = this.image;
    const terminated = (t: Terminated) => ({
      exitCode: t.exitCode,
      reason: t.reason,
      ...(t.message ? { message: t.message } : {}),
      startedAt: times.iso(t.startedAtMs),
      finishedAt: times.iso(t.finishedAtMs),
      containerID: t.containerID,
    });
    let state: Record<string, unknown>;
    let containerID: string | undefined;
    if (s.kind === 'running') {
      state = { running: { startedAt: times.iso(s.startedAtMs) } };
      containerID = s.containerID;
    } else if (s.kind === 'terminated') {
      state = { terminated: terminated(s.info) };
      containerID = s.info.containerID;
    } else {
      state = { waiting: { reason: s.reason ?? defaultReason, ...(s.message ? { message: s.message } : {}) } };
      containerID = this.lastTerminated?.containerID;
    }
    return {
      name: this.name,
      state,
      lastState: this.lastTerminated ? { terminated: terminated(this.lastTerminated) } : {},
      ready: this.ready,
      restartCount: this.restartCount,
      image: img ? img.ref : (this.spec.image ?? ''),
      imageID: img ? `${img.registry}/${img.repository}@${img.digest}` : '',
      ...(containerID ? { containerID } : {}),
      started: this.isStarted(),
    };
  }
}
