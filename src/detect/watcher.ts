// The event-driven eyes of kubemend: one resilient informer per kind fills one shared snapshot; every change
// re-analyzes only the workload it belongs to (the changed object, its owner chain and its sibling pods), a
// periodic full pass is the safety net, and an IncidentTracker turns passes into opened/updated/resolved changes.

import type * as k8s from '@kubernetes/client-node';
import type { KubeError } from '../kube/connect.js';
import { KIND_APIS } from '../kube/kind-apis.js';
import { type ResilientInformer, resilientInformer } from '../kube/resilient-informer.js';
import { ServerClock } from '../kube/server-clock.js';
import { type AnalysisError, type Analyzer, analyzeTargets, runAnalyzers, type Target } from './analyzer.js';
import { ANALYZERS } from './analyzers/index.js';
import { groupFindings, type Incident } from './incident.js';
import { type IncidentChange, IncidentTracker, type TrackerOptions } from './incident-tracker.js';
import {
  type HasMetadata,
  isClusterScoped,
  type KindMap,
  type KindName,
  type ObjectRef,
  refKey,
  refOf,
} from './kinds.js';
import { ownerChain, owningWorkload } from './owners.js';
import { type LogReader, SnapshotStore } from './snapshot.js';

export interface WatcherOptions {
  readonly kc: k8s.KubeConfig;
  /** Names the cluster in fingerprints. */
  readonly cluster: string;
  /** Watch one namespace only (cluster-scoped kinds are still watched). */
  readonly namespace?: string;
  /** Full analysis pass period (safety net for anything incremental analysis missed). */
  readonly fullPassMs?: number;
  readonly tracker?: TrackerOptions;
  readonly logs?: LogReader;
  readonly analyzers?: readonly Analyzer[];
  readonly onError?: (error: KubeError | AnalysisError, retryInMs?: number) => void;
  /** The clock analyzers compare cluster timestamps with; default: the API server's (from its Date header). */
  readonly now?: () => Date;
}

const CLOCK_SYNC_MS = 5_000;

const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
]);

/** An async stream of incident changes with a bounded, never-blocking producer side. */
class ChangeQueue implements AsyncIterable<IncidentChange> {
  private readonly items: IncidentChange[] = [];
  private waiting: ((r: IteratorResult<IncidentChange>) => void) | undefined;
  private closed = false;

  push(change: IncidentChange): void {
    if (this.closed) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: change, done: false });
    } else this.items.push(change);
  }
  close(): void {
    this.closed = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
  }
  [Symbol.asyncIterator](): AsyncIterator<IncidentChange> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }
}

export class IncidentWatcher {
  readonly snapshot: SnapshotStore;
  private readonly tracker: IncidentTracker;
  private readonly informers: ResilientInformer[] = [];
  private readonly queue = new ChangeQueue();
  private readonly listeners = new Set<(c: IncidentChange) => void>();
  private readonly analyzers: readonly Analyzer[];
  private readonly now: () => Date;
  private dirty = new Map<string, { kind: KindName; obj: HasMetadata }>();
  private scheduled = false;
  private synced = false;
  private fullPassTimer: NodeJS.Timeout | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  private readonly serverClock = new ServerClock();
  private passes = 0;

  constructor(private readonly options: WatcherOptions) {
    this.now = options.now ?? (() => this.serverClock.now());
    this.snapshot = new SnapshotStore(this.now, options.logs);
    this.tracker = new IncidentTracker(options.tracker);
    this.analyzers = options.analyzers ?? ANALYZERS;
  }

  /** Lists and watches every kind; resolves after the first full analysis pass. */
  async start(): Promise<void> {
    if (!this.options.now) {
      await this.serverClock.sync(this.options.kc);
      this.clockTimer = setInterval(() => void this.serverClock.sync(this.options.kc), CLOCK_SYNC_MS);
      this.clockTimer.unref();
    }
    for (const api of KIND_APIS) {
      const kind = api.kind;
      const informer = resilientInformer(
        this.options.kc,
        api,
        {
          onAdd: (o) => this.changed(kind, o as HasMetadata, false),
          onUpdate: (o) => this.changed(kind, o as HasMetadata, false),
          onDelete: (o) => this.changed(kind, o as HasMetadata, true),
          onError: (e, retry) => this.options.onError?.(e, retry),
        },
        this.options.namespace ? { namespace: this.options.namespace } : {},
      );
      this.informers.push(informer);
    }
    await Promise.all(this.informers.map((i) => i.start()));
    this.synced = true;
    this.dirty.clear();
    await this.fullPass();
    const period = this.options.fullPassMs ?? 60_000;
    this.fullPassTimer = setInterval(() => void this.fullPass(), period);
    this.fullPassTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.fullPassTimer) clearInterval(this.fullPassTimer);
    if (this.clockTimer) clearInterval(this.clockTimer);
    await Promise.all(this.informers.map((i) => i.stop()));
    this.queue.close();
  }

  /** Every incident change, in order, as an async stream. */
  changes(): AsyncIterable<IncidentChange> {
    return this.queue;
  }

  /** Synchronous notification of each change (the detection-latency bench uses it). */
  onChange(listener: (c: IncidentChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open incidents as the tracker sees them now. */
  incidents(): readonly Incident[] {
    return this.tracker.active();
  }

  /** Moves an incident through its lifecycle (diagnosing, fixing, escalated...). */
  setState(id: string, state: Incident['state']) {
    const r = this.tracker.setState(id, state);
    if (r.ok) this.emit([r.change]);
    return r;
  }

  stats() {
    return { passes: this.passes, informers: this.informers.map((i) => i.stats()) };
  }

  private changed(kind: KindName, obj: HasMetadata, deleted: boolean): void {
    if (deleted) this.snapshot.remove(kind, obj as KindMap[typeof kind]);
    else this.snapshot.upsert(kind, obj as KindMap[typeof kind]);
    if (!this.synced) return;
    const target = this.scopeOf(kind, obj);
    if (!target) return;
    this.dirty.set(refKey(target.ref), { kind: target.kind, obj: target.obj });
    if (!this.scheduled) {
      this.scheduled = true;
      // One macrotask batches a burst of changes (a rollout touches many pods) into one pass per workload.
      setImmediate(() => void this.incrementalPass());
    }
  }

  /** The object whose workload should be re-analyzed for a change to `obj`. */
  private scopeOf(kind: KindName, obj: HasMetadata): { kind: KindName; obj: HasMetadata; ref: ObjectRef } | undefined {
    if (kind === 'Event') {
      const io = (obj as KindMap['Event']).involvedObject;
      if (!io?.kind || !io.name) return undefined;
      const k = io.kind as KindName;
      const target = this.snapshot.get(k, io.namespace, io.name) as HasMetadata | undefined;
      if (!target || (io.uid && target.metadata?.uid !== io.uid)) return undefined;
      return this.scopeOf(k, target);
    }
    if (kind === 'Endpoints' || kind === 'EndpointSlice') {
      const svcName = kind === 'Endpoints' ? obj.metadata?.name : obj.metadata?.labels?.['kubernetes.io/service-name'];
      const svc = svcName ? this.snapshot.get('Service', obj.metadata?.namespace, svcName) : undefined;
      return svc ? { kind: 'Service', obj: svc, ref: refOf('Service', svc) } : undefined;
    }
    return { kind, obj, ref: refOf(kind, obj) };
  }

  private async incrementalPass(): Promise<void> {
    this.scheduled = false;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    const workloads = new Map<string, ObjectRef>();
    const targets = new Map<string, { kind: KindName; obj: HasMetadata }>();
    const add = (kind: KindName, obj: HasMetadata) => targets.set(refKey(refOf(kind, obj)), { kind, obj });
    for (const { kind, obj } of batch) {
      const workload = WORKLOAD_KINDS.has(kind) ? owningWorkload(kind, obj, this.snapshot) : refOf(kind, obj);
      // A burst often touches several pods of one workload: gather its members once.
      if (workloads.has(refKey(workload))) continue;
      workloads.set(refKey(workload), workload);
      if (!WORKLOAD_KINDS.has(kind)) {
        if (this.snapshot.get(kind, obj.metadata?.namespace, obj.metadata?.name ?? '')) add(kind, obj);
        continue;
      }
      // The workload, every controller between it and its pods, and every pod it owns: one incident's inputs.
      const top = this.snapshot.get(workload.kind as KindName, workload.namespace, workload.name) as
        | HasMetadata
        | undefined;
      if (top) add(workload.kind as KindName, top);
      const ns = workload.namespace;
      for (const kindName of ['ReplicaSet', 'Job', 'Pod'] as const) {
        for (const o of this.snapshot.list(kindName, ns)) {
          const chain = ownerChain(o, this.snapshot);
          const owner = chain[chain.length - 1] ?? refOf(kindName, o);
          if (refKey(owner) === refKey(workload)) add(kindName, o);
        }
      }
    }
    const list = [...targets.values()].map(({ kind, obj }) => ({ kind, object: obj }) as Target);
    const { findings, errors } = await analyzeTargets(this.analyzers, this.snapshot, list);
    for (const e of errors) this.options.onError?.(e);
    const incidents = groupFindings(findings, this.snapshot, { cluster: this.options.cluster });
    const inScope = (i: Incident) => workloads.has(refKey(i.workload));
    this.emit(this.tracker.observe(incidents, this.now(), inScope));
  }

  private async fullPass(): Promise<void> {
    this.passes++;
    const opts = this.options.namespace ? { namespace: this.options.namespace } : {};
    const { findings, errors } = await runAnalyzers(this.analyzers, this.snapshot, opts);
    for (const e of errors) this.options.onError?.(e);
    const incidents = groupFindings(findings, this.snapshot, { cluster: this.options.cluster });
    const ns = this.options.namespace;
    this.emit(
      this.tracker.observe(
        incidents,
        this.now(),
        (i) => !ns || i.workload.namespace === ns || isClusterScoped(i.workload.kind as KindName),
      ),
    );
  }

  private emit(changes: readonly IncidentChange[]): void {
    for (const c of changes) {
      this.queue.push(c);
      for (const l of this.listeners) l(c);
    }
  }
}
