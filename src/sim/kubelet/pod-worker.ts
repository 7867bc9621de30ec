// One pod on one simulated node, synced as kubelet's pod worker does: volumes first, init containers one at
// a time (sidecars keep running), then the app containers; the phase from kubelet's getPhase, conditions
// with stable transition times, and the pod's active deadline.

import type { EventRecorder } from '../controllers/event-recorder.js';
import type { KubeObject } from '../objects.js';
import { podRequests, qosClass, quantityValue } from '../scheduler/pod-requests.js';
import type { Container } from '../scheduler/pod-shape.js';
import { nodeStatus, podSpec } from '../scheduler/pod-shape.js';
import type { LogStore } from '../store/log-store.js';
import { isoSeconds, type ObjectStore } from '../store/object-store.js';
import type { Backoff } from './backoff.js';
import { type EnvResult, resolveEnv } from './container-env.js';
import type { ContainerRuntime } from './container-runtime.js';
import { type ContainerHost, ContainerWorker, type RestartPolicy } from './container-worker.js';
import type { PodPlacement } from './downward-api.js';
import type { ImageInfo } from './images.js';
import { setUpVolumes, type VolumeFiles } from './pod-volumes.js';
import type { ContainerNetwork, HttpResult } from './program/types.js';

/** Everything a pod worker shares with the rest of its node and the cluster. */
export interface PodWorkerDeps {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly events: EventRecorder;
  readonly runtime: ContainerRuntime;
  readonly crashBackoff: Backoff;
  readonly imageBackoff: Backoff;
  readonly network: (pod: KubeObject) => ContainerNetwork | undefined;
}

export interface NodePlacement {
  readonly node: KubeObject;
  readonly images: Map<string, ImageInfo>;
}

const MOUNT_TIMEOUT_MS = 120_000;
const MOUNT_BACKOFF_MAX_MS = 122_000;

type ConditionState = { readonly status: string; readonly sinceMs: number };

export class PodWorker {
  private pod: KubeObject;
  private readonly init: ContainerWorker[];
  private readonly app: ContainerWorker[];
  private readonly startedMs: number;
  private volumes: ReadonlyMap<string, VolumeFiles> | undefined;
  private mount = { attempts: 0, nextAttemptMs: 0, timeoutFromMs: undefined as number | undefined };
  private initialized = false;
  private terminal:
    | { readonly phase: 'Succeeded' | 'Failed'; readonly reason?: string; readonly message?: string }
    | undefined;
  private readonly conditions = new Map<string, ConditionState>();
  private dirty = true;
  /** The status JSON last written and the resourceVersion it produced. */
  lastWritten: { json: string; rv: string } | undefined;

  constructor(
    private readonly deps: PodWorkerDeps,
    pod: KubeObject,
    private readonly placement: NodePlacement,
    readonly podIP: string,
    nowMs: number,
  ) {
    this.pod = pod;
    this.startedMs = nowMs;
    const host = this.host();
    const spec = podSpec(pod);
    this.init = (spec.initContainers ?? []).map(
      (c) => new ContainerWorker(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', host),
    );
    this.app = (spec.containers ?? []).map((c) => new ContainerWorker(c, 'app', host));
  }

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  get nodeName(): string {
    return this.placement.node.metadata.name ?? '';
  }

  get hostIP(): string {
    return nodeStatus(this.placement.node).addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
  }

  isTerminal(): boolean {
    return this.terminal !== undefined;
  }

  /** Whether the pod waits on a ConfigMap/Secret/claim (so a change to those should wake it). */
  isBlocked(): boolean {
    return !this.volumes || [...this.init, ...this.app].some((c) => !c.isRunning() && !c.isDone());
  }

  private place(): PodPlacement {
    return {
      podIP: this.podIP,
      hostIP: this.hostIP,
      nodeAllocatable: nodeStatus(this.placement.node).allocatable ?? {},
    };
  }

  private restartPolicy(): RestartPolicy {
    const p = podSpec(this.pod).restartPolicy;
    return p === 'OnFailure' || p === 'Never' ? p : 'Always';
  }

  private host(): ContainerHost {
    const deps = this.deps;
    const ns = () => this.pod.metadata.namespace ?? 'default';
    return {
      runtime: deps.runtime,
      crashBackoff: deps.crashBackoff,
      imageBackoff: deps.imageBackoff,
      nodeImages: this.placement.images,
      pod: () => this.pod,
      podIP: () => this.podIP,
      hostIP: () => this.hostIP,
      restartPolicy: () => this.restartPolicy(),
      volumes: () => this.volumes ?? new Map(),
      resolveEnv: (c: Container): EnvResult => resolveEnv(deps.store, this.pod, c, this.place()),
      network: () => deps.network(this.pod),
      event: (c, type, reason, message) =>
        deps.events.record({
          object: this.pod,
          type,
          reason,
          message,
          component: 'kubelet',
          host: this.nodeName,
          fieldPath: c.fieldPath,
        }),
      oomKilled: (c, processName, memoryBytes) => {
        const kb = Math.round(memoryBytes / 1024);
        const message =
          `Memory cgroup out of memory: Killed process ${c.pid()} (${processName}) total-vm:${kb + 7240}kB, anon-rss:${kb}kB, ` +
          `file-rss:272kB, shmem-rss:0kB, UID:0 pgtables:${Math.max(4, Math.round(kb / 400))}kB oom_score_adj:${this.oomScoreAdj()}`;
        deps.events.record({
          object: this.placement.node,
          type: 'Warning',
          reason: 'OOMKilling',
          message,
          component: 'kernel-monitor',
          host: this.nodeName,
        });
      },
      log: (c, _stream, line, at) => deps.logs.append(ns(), this.pod.metadata.name ?? '', c.name, line, new Date(at)),
      rotateLogs: (c) => deps.logs.rotate(ns(), this.pod.metadata.name ?? '', c.name),
      changed: () => {
        this.dirty = true;
      },
    };
  }

  /** The kernel's OOM score adjustment kubelet gives the pod's QoS class (the OOM killer message reports it). */
  private oomScoreAdj(): number {
    const qos = qosClass(this.pod);
    if (qos === 'Guaranteed') return -997;
    if (qos === 'BestEffort') return 1000;
    const capacity = quantityValue('memory', nodeStatus(this.placement.node).capacity?.memory) || 16 * 2 ** 30;
    const request = podRequests(this.pod).get('memory') ?? 0;
    return Math.min(999, Math.max(2, 1000 - Math.round((1000 * request) / capacity)));
  }

  /** Takes the latest pod object (image changes replace containers in place). */
  update(pod: KubeObject, nowMs: number): void {
    this.pod = pod;
    const spec = podSpec(pod);
    for (const [workers, specs] of [
      [this.init, spec.initContainers ?? []],
      [this.app, spec.containers ?? []],
    ] as const) {
      for (const w of workers) {
        const next = specs.find((c) => c.name === w.name);
        if (next) w.updateSpec(next, nowMs);
      }
    }
  }

  /** A watched object changed: retry blocked mounts and container starts now. */
  poke(): void {
    this.mount.nextAttemptMs = 0;
    for (const c of [...this.init, ...this.app]) c.poke();
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.events.record({ object: this.pod, type, reason, message, component: 'kubelet', host: this.nodeName });
  }

  private mountVolumes(nowMs: number): number {
    if (nowMs < this.mount.nextAttemptMs) return this.mount.nextAttemptMs;
    const r = setUpVolumes(this.deps.store, this.pod, this.place());
    if (r.ok) {
      this.volumes = r.volumes;
      this.dirty = true;
      return nowMs;
    }
    for (const f of r.failures) this.event('Warning', 'FailedMount', f.message);
    const m = this.mount;
    m.timeoutFromMs ??= nowMs;
    m.nextAttemptMs = nowMs + Math.min(500 * 2 ** m.attempts, MOUNT_BACKOFF_MAX_MS);
    m.attempts++;
    if (nowMs - m.timeoutFromMs >= MOUNT_TIMEOUT_MS) {
      const unmounted = [...r.failures, ...r.waiting].map((f) => f.volume).sort();
      const processing = r.waiting.map((w) => w.volume).sort();
      const why = r.waiting[0]?.message ?? 'timed out waiting for the condition';
      this.event(
        'Warning',
        'FailedMount',
        `Unable to attach or mount volumes: unmounted volumes=[${unmounted.join(' ')}], unattached volumes=[], failed to process volumes=[${processing.join(' ')}]: ${why}`,
      );
      m.timeoutFromMs = nowMs;
    }
    return Math.min(m.nextAttemptMs, m.timeoutFromMs + MOUNT_TIMEOUT_MS);
  }

  /** Advances the pod to `nowMs`; returns the simulated epoch time at which it next needs a sync. */
  sync(nowMs: number, tickMs: number): number {
    if (this.terminal) return Number.POSITIVE_INFINITY;
    const deadline = podSpec(this.pod).activeDeadlineSeconds;
    if (deadline !== undefined && nowMs >= this.startedMs + deadline * 1000) {
      const message = 'Pod was active on the node longer than the specified deadline';
      for (const c of [...this.init, ...this.app]) c.stop(nowMs);
      this.terminal = { phase: 'Failed', reason: 'DeadlineExceeded', message };
      this.event('Normal', 'DeadlineExceeded', message);
      this.dirty = true;
      return Number.POSITIVE_INFINITY;
    }
    let wake = deadline !== undefined ? this.startedMs + deadline * 1000 : Number.POSITIVE_INFINITY;
    if (!this.volumes) {
      const next = this.mountVolumes(nowMs);
      if (!this.volumes) return Math.min(wake, next);
    }
    for (const c of [...this.init, ...this.app]) c.advance(nowMs);

    if (!this.initialized) {
      let blocked = false;
      for (const c of this.init) {
        if (c.kind === 'sidecar') {
          wake = Math.min(wake, c.ensure(nowMs));
          if (!c.isStarted()) {
            blocked = true;
            break;
          }
          continue;
        }
        if (c.succeeded()) continue;
        if (c.isDone() && this.restartPolicy() === 'Never') {
          this.finish('Failed', nowMs);
          return Number.POSITIVE_INFINITY;
        }
        wake = Math.min(wake, c.ensure(nowMs));
        // An init container that finishes the moment it starts must not hold the pod in PodInitializing:
        // nothing else would wake this worker again.
        c.advance(nowMs);
        if (c.succeeded()) continue;
        blocked = true;
        break;
      }
      if (!blocked) {
        this.initialized = true;
        this.dirty = true;
      }
    } else {
      for (const c of this.init) if (c.kind === 'sidecar') wake = Math.min(wake, c.ensure(nowMs));
    }
    if (this.initialized) for (const c of this.app) wake = Math.min(wake, c.ensure(nowMs));

    const phase = this.phase();
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.finish(phase, nowMs);
      return Number.POSITIVE_INFINITY;
    }
    for (const c of [...this.init, ...this.app]) {
      if (!c.isRunning()) continue;
      wake = Math.min(wake, nowMs + tickMs, c.nextProbeAt());
    }
    return wake;
  }

  private finish(phase: 'Succeeded' | 'Failed', nowMs: number): void {
    for (const c of this.init) if (c.kind === 'sidecar') c.stop(nowMs);
    this.terminal = { phase };
    this.dirty = true;
  }

  /** Stops every container (the pod is being deleted). */
  stopAll(nowMs: number): void {
    for (const c of [...this.init, ...this.app]) c.stop(nowMs);
    this.dirty = true;
  }

  private phase(): string {
    if (this.terminal) return this.terminal.phase;
    if (!this.initialized) return 'Pending';
    let running = 0;
    let stopped = 0;
    let succeeded = 0;
    let waiting = 0;
    for (const c of this.app) {
      const bucket = c.phaseBucket();
      if (bucket === 'running') running++;
      else if (bucket === 'waiting') waiting++;
      else {
        stopped++;
        if (c.isDone() && c.lastExitCode() === 0) succeeded++;
      }
    }
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    if (stopped > 0) {
      const policy = this.restartPolicy();
      if (policy === 'Always') return 'Running';
      const allDone = this.app.every((c) => c.isDone());
      if (!allDone) return 'Running';
      if (stopped === succeeded) return 'Succeeded';
      return 'Failed';
    }
    return 'Pending';
  }

  /** Needs a status write: something changed, or another writer touched the pod since our last write. */
  needsWrite(pod: KubeObject): boolean {
    return this.dirty || this.lastWritten?.rv !== pod.metadata.resourceVersion;
  }

  private condition(
    type: string,
    ok: boolean,
    nowMs: number,
    reason?: string,
    message?: string,
  ): Record<string, unknown> {
    const status = ok ? 'True' : 'False';
    const prev = this.conditions.get(type);
    const since = prev && prev.status === status ? prev.sinceMs : nowMs;
    this.conditions.set(type, { status, sinceMs: since });
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: isoSeconds(new Date(since)),
      ...(reason && !ok ? { reason } : {}),
      ...(message && !ok ? { message } : {}),
    };
  }

  /** The pod status kubelet reports. */
  status(nowMs: number): Record<string, unknown> {
    this.dirty = false;
    const times = { iso: (ms: number) => isoSeconds(new Date(ms)) };
    const phase = this.phase();
    const done = phase === 'Succeeded' || phase === 'Failed';
    const sandbox = !!this.volumes && !done;
    const incomplete = this.init
      .filter((c) => (c.kind === 'sidecar' ? !c.isStarted() : !c.succeeded()))
      .map((c) => c.name);
    const unready = [...this.init.filter((c) => c.kind === 'sidecar'), ...this.app]
      .filter((c) => !c.isReady())
      .map((c) => c.name);
    const initDone = this.initialized || incomplete.length === 0;
    const readyReason = done ? 'PodCompleted' : 'ContainersNotReady';
    const readyMessage = done ? undefined : `containers with unready status: [${unready.join(' ')}]`;
    const initReason = done ? 'PodCompleted' : 'ContainersNotInitialized';
    const conditions = [
      this.condition('PodReadyToStartContainers', sandbox, nowMs),
      this.condition(
        'Initialized',
        initDone,
        nowMs,
        initReason,
        `containers with incomplete status: [${incomplete.join(' ')}]`,
      ),
      this.condition('Ready', !done && unready.length === 0, nowMs, readyReason, readyMessage),
      this.condition('ContainersReady', !done && unready.length === 0, nowMs, readyReason, readyMessage),
      this.condition('PodScheduled', true, nowMs),
    ];
    const appReason = this.init.length > 0 && !this.initialized ? 'PodInitializing' : 'ContainerCreating';
    const current = (this.pod.status ?? {}) as Record<string, unknown>;
    return {
      ...current,
      phase,
      conditions,
      ...(this.terminal?.reason ? { reason: this.terminal.reason, message: this.terminal.message } : {}),
      hostIP: this.hostIP,
      hostIPs: [{ ip: this.hostIP }],
      podIP: this.podIP,
      podIPs: [{ ip: this.podIP }],
      startTime: isoSeconds(new Date(this.startedMs)),
      ...(this.init.length > 0
        ? { initContainerStatuses: this.init.map((c) => c.status(times, 'PodInitializing')) }
        : {}),
      containerStatuses: this.app.map((c) => c.status(times, appReason)),
      qosClass: current.qosClass ?? qosClass(this.pod),
    };
  }

  /** An HTTP request to the pod's IP: whichever running container listens on the port answers. */
  httpGet(port: number, path: string, nowMs: number): HttpResult {
    // Requests see the program as it is now, not as of the kubelet's last tick.
    if (!this.terminal) for (const c of [...this.init, ...this.app]) c.advance(nowMs);
    for (const c of [...this.app, ...this.init]) {
      const r = c.httpGet(port, path);
      if (!('refused' in r)) return r;
    }
    return { refused: true };
  }

  /** The containerPort a named Service targetPort refers to. */
  namedPort(name: string): number | undefined {
    for (const c of [...this.app, ...this.init]) {
      const p = c.spec.ports?.find((x) => x.name === name);
      if (p) return p.containerPort;
    }
    return undefined;
  }

  /** Per-container CPU (millicores) and memory (bytes) of running containers, for metrics. */
  usage(nowMs: number): { readonly name: string; readonly cpuMillis: number; readonly memoryBytes: number }[] {
    const out: { name: string; cpuMillis: number; memoryBytes: number }[] = [];
    for (const c of [...this.init, ...this.app]) {
      const u = c.usage(nowMs);
      if (u) out.push({ name: c.name, ...u });
    }
    return out;
  }
}
