// The simulator's object store: every object of every resource under one global, increasing
// resourceVersion, with a bounded event history for watches (410 Expired beyond it), admission hooks,
// optimistic concurrency, generation bumps and ownerReference garbage collection.
//
// Stored objects are deep-frozen: readers (handlers, controllers) get the stored reference without a copy —
// which keeps 10,000-pod lists cheap — and any accidental mutation throws instead of corrupting the store.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type LabelSelector, matchLabels } from '../../kube/label-selector.js';
import { clone, hasMetadata, isJsonObject, type KubeObject, type OwnerReference } from '../objects.js';
import { apiVersionOf, RESOURCES, type ResourceInfo, resourceKey } from '../resources.js';
import { type FieldSelector, matchFields } from './selectors.js';
import { errors, StatusError } from './status-error.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly resource: ResourceInfo;
  readonly object: KubeObject;
  /** The object before a MODIFIED/DELETED change (lets selector-filtered watches send ADDED/DELETED transitions). */
  readonly previous?: KubeObject;
  readonly rv: number;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';
export interface AdmissionRequest {
  readonly operation: AdmissionOperation;
  readonly resource: ResourceInfo;
  readonly subresource?: string;
  readonly object: KubeObject;
  readonly old?: KubeObject;
  readonly dryRun: boolean;
}
/** Mutating + validating admission in one: return the (possibly changed) object or throw a StatusError. */
export type AdmissionHook = (req: AdmissionRequest, store: ObjectStore) => KubeObject;

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: LabelSelector;
  readonly fieldSelector?: FieldSelector;
  readonly limit?: number;
  readonly continue?: string;
}
export interface ListResult {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface WriteOptions {
  readonly dryRun?: boolean;
  /**
   * `status` writes only .status; the main resource ignores .status changes when the kind has a status
   * subresource. `binding` (the scheduler) sets only a pod's spec.nodeName, bypassing update validation.
   */
  readonly subresource?: 'status' | 'binding';
}
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';
export interface DeleteOptions {
  readonly dryRun?: boolean;
  readonly propagationPolicy?: PropagationPolicy;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: LabelSelector;
  readonly fieldSelector?: FieldSelector;
  /** undefined / '0' = start now with synthetic ADDED events for the current objects. */
  readonly resourceVersion?: string;
}
export type WatchListener = (e: { type: WatchEventType; object: KubeObject; rv: number }) => void;
export type WatchStart =
  | { readonly ok: true; readonly cancel: () => void }
  | { readonly ok: false; readonly message: string };

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}

function objKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export interface ObjectStoreOptions {
  /** Watch history window in events; older resourceVersions get 410 Expired. */
  readonly historySize?: number;
  /** Simulated clock for timestamps. */
  readonly now?: () => Date;
}

export class ObjectStore {
  private rv = 1;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  /** owner uid -> dependents, so garbage collection never scans the whole store. */
  private readonly dependents = new Map<string, Map<string, { r: ResourceInfo; key: string }>>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0; // index of the oldest event in the ring
  private readonly historySize: number;
  private readonly watchers = new Set<(e: StoreEvent) => void>();
  private readonly admission: AdmissionHook[] = [];
  readonly now: () => Date;

  constructor(options: ObjectStoreOptions = {}) {
    this.historySize = options.historySize ?? 10_000;
    this.now = options.now ?? (() => new Date());
    for (const r of RESOURCES) this.data.set(resourceKey(r.group, r.plural), new Map());
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  addAdmission(hook: AdmissionHook): void {
    this.admission.push(hook);
  }

  private bucket(r: ResourceInfo): Map<string, KubeObject> {
    const b = this.data.get(resourceKey(r.group, r.plural));
    if (!b) throw errors.notFound(r.plural, r.group, '');
    return b;
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(r).get(objKey(r.namespaced ? namespace : undefined, name));
  }

  /** Like get, but a 404 StatusError when absent. */
  mustGet(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const o = this.get(r, namespace, name);
    if (!o) throw errors.notFound(r.plural, r.group, name);
    return o;
  }

  list(r: ResourceInfo, opts: ListOptions = {}): ListResult {
    const resourceVersion = String(this.rv);
    const bucket = this.bucket(r);
    const ns = r.namespaced ? opts.namespace : undefined;
    let start = '';
    if (opts.continue) {
      const decoded = decodeContinue(opts.continue);
      if (decoded === undefined) throw errors.badRequest(`invalid continue token: ${opts.continue}`);
      start = decoded;
    }
    const keys = [...bucket.keys()].sort();
    const items: KubeObject[] = [];
    let i = start ? lowerBound(keys, start) : 0;
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      if (k <= start && start) continue;
      const o = bucket.get(k)!;
      if (ns && o.metadata.namespace !== ns) continue;
      if (opts.labelSelector?.length && !matchLabels(opts.labelSelector, o.metadata.labels)) continue;
      if (opts.fieldSelector?.length && !matchFields(opts.fieldSelector, o)) continue;
      if (opts.limit && items.length >= opts.limit) {
        // More items exist: hand out a token that resumes after the last key returned.
        const last = objKey(items.at(-1)!.metadata.namespace, items.at(-1)!.metadata.name!);
        return { items, resourceVersion, continue: encodeContinue(last) };
      }
      items.push(o);
    }
    return { items, resourceVersion };
  }

  /** Every object of a resource, unfiltered (controllers). */
  all(r: ResourceInfo, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(r).values()) if (!namespace || o.metadata.namespace === namespace) out.push(o);
    return out;
  }

  create(r: ResourceInfo, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    if (!hasMetadata(input)) throw errors.badRequest('Object has no metadata');
    let obj = clone(input) as KubeObject;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const meta = obj.metadata;
    if (!r.namespaced) delete meta.namespace;
    if (r.namespaced) {
      if (!meta.namespace)
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      const ns = this.get(NAMESPACES, undefined, meta.namespace);
      if (!ns) throw errors.notFound('namespaces', '', meta.namespace);
      if (ns.metadata.deletionTimestamp)
        throw new StatusError(
          403,
          'Forbidden',
          `${r.plural} "${meta.name ?? meta.generateName ?? ''}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`,
        );
    }
    if (!meta.name && meta.generateName) meta.name = this.generateName(r, meta.namespace, meta.generateName);
    // The uid exists before admission, as in kube-apiserver (a Job's generated selector is built from it).
    meta.uid = randomUUID();
    for (const hook of this.admission)
      obj = hook({ operation: 'CREATE', resource: r, object: obj, dryRun: !!opts.dryRun }, this);
    const name = obj.metadata.name;
    if (!name)
      throw errors.invalid(
        r.kind,
        r.group,
        '',
        `${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
            field: 'metadata.name',
          },
        ],
      );
    const bucket = this.bucket(r);
    const key = objKey(obj.metadata.namespace, name);
    if (bucket.has(key)) throw errors.alreadyExists(r.plural, r.group, name);
    const m = obj.metadata;
    m.uid = meta.uid;
    m.creationTimestamp = isoSeconds(this.now());
    if (r.hasSpec) m.generation = 1;
    delete m.deletionTimestamp;
    delete m.resourceVersion;
    if (opts.dryRun) return { ...obj, metadata: { ...m, resourceVersion: String(this.rv) } };
    m.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.put(r, key, obj, undefined);
    this.emit({ type: 'ADDED', resource: r, object: obj, rv: this.rv });
    return obj;
  }

  update(r: ResourceInfo, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    if (!hasMetadata(input)) throw errors.badRequest('Object has no metadata');
    const name = input.metadata.name ?? '';
    const ns = r.namespaced ? input.metadata.namespace : undefined;
    const old = this.get(r, ns, name);
    if (!old) throw errors.notFound(r.plural, r.group, name);
    const rv = input.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw errors.conflict(
        r.plural,
        r.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    if (input.metadata.uid && input.metadata.uid !== old.metadata.uid)
      throw errors.conflict(
        r.plural,
        r.group,
        name,
        `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    let obj = clone(input) as KubeObject;
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    const hasStatusSub = r.subresources.some((s) => s.name === 'status');
    if (opts.subresource === 'status') {
      // A status write changes only .status (and nothing the user owns).
      obj = { ...clone(old), status: clone(input.status) } as KubeObject;
    } else if (opts.subresource === 'binding') {
      const nodeName = (input.spec as { nodeName?: string } | undefined)?.nodeName;
      const spec = { ...(clone(old.spec) as object), nodeName };
      obj = { ...clone(old), spec } as KubeObject;
    } else if (hasStatusSub && 'status' in old) {
      obj.status = clone(old.status);
    } else if (hasStatusSub) {
      delete obj.status;
    }
    // System-owned metadata is kept from the stored object.
    const m = obj.metadata;
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    m.namespace = old.metadata.namespace;
    if (old.metadata.deletionTimestamp) m.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (!r.namespaced) delete m.namespace;
    for (const hook of this.admission)
      obj = hook(
        {
          operation: 'UPDATE',
          resource: r,
          object: obj,
          old,
          dryRun: !!opts.dryRun,
          ...(opts.subresource ? { subresource: opts.subresource } : {}),
        },
        this,
      );
    if (old.metadata.generation !== undefined || r.hasSpec) {
      const specChanged = opts.subresource === undefined && !isDeepStrictEqual(specOf(old), specOf(obj));
      obj.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    // A no-op write keeps the resourceVersion and sends no event, as kube-apiserver does.
    if (isDeepStrictEqual(obj, old)) return old;
    if (opts.dryRun) return obj;
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    // An object with deletionTimestamp whose last finalizer was removed is deleted now.
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length) {
      this.remove(r, objKey(ns, name), old);
      this.emit({ type: 'DELETED', resource: r, object: obj, previous: old, rv: this.rv });
      this.collectDependents(obj, 'Background');
      return obj;
    }
    this.put(r, objKey(ns, name), obj, old);
    this.emit({ type: 'MODIFIED', resource: r, object: obj, previous: old, rv: this.rv });
    return obj;
  }

  /**
   * Read-modify-write for in-process writers (controllers, the kubelet): retries on conflicts that
   * other writers cause between its read and its write. `mutate` gets a mutable copy (or returns a replacement).
   */
  modify(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    mutate: (o: KubeObject) => KubeObject | undefined | void,
    opts: WriteOptions = {},
  ): KubeObject | undefined {
    const cur = this.get(r, namespace, name);
    if (!cur) return undefined;
    const copy = clone(cur) as KubeObject;
    const out = mutate(copy);
    return this.update(r, (out ?? copy) as KubeObject, opts);
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const ns = r.namespaced ? namespace : undefined;
    const old = this.get(r, ns, name);
    if (!old) throw errors.notFound(r.plural, r.group, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw errors.conflict(
        r.plural,
        r.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw errors.conflict(
        r.plural,
        r.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    for (const hook of this.admission)
      hook({ operation: 'DELETE', resource: r, object: old, old, dryRun: !!opts.dryRun }, this);
    if (opts.dryRun) return old;
    const policy = opts.propagationPolicy ?? defaultPropagation(r);
    if (r.plural === 'namespaces' && r.group === '') return this.terminateNamespace(old);
    if (old.metadata.finalizers?.length) {
      // Finalizers hold the object: mark it for deletion and let their owners remove them.
      if (old.metadata.deletionTimestamp) return old;
      return this.update(r, {
        ...clone(old),
        metadata: { ...clone(old.metadata), deletionTimestamp: isoSeconds(this.now()) },
      });
    }
    if (policy === 'Foreground') this.collectDependents(old, 'Foreground');
    this.remove(r, objKey(ns, name), old);
    const gone = deepFreeze({
      ...clone(old),
      metadata: { ...clone(old.metadata), resourceVersion: String(++this.rv) },
    }) as KubeObject;
    this.emit({ type: 'DELETED', resource: r, object: gone, previous: old, rv: this.rv });
    if (policy === 'Background') queueMicrotask(() => this.collectDependents(old, 'Background'));
    if (policy === 'Orphan') this.orphanDependents(old);
    return gone;
  }

  /** Deletes every object matching the options (deletecollection); returns what was deleted. */
  deleteCollection(r: ResourceInfo, list: ListOptions, opts: DeleteOptions = {}): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.list(r, { ...list, limit: 0 }).items) {
      try {
        out.push(this.delete(r, o.metadata.namespace, o.metadata.name!, opts));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  private terminateNamespace(ns: KubeObject): KubeObject {
    const name = ns.metadata.name!;
    if (!ns.metadata.deletionTimestamp) {
      const marked = clone(ns) as KubeObject;
      marked.metadata.deletionTimestamp = isoSeconds(this.now());
      marked.status = { phase: 'Terminating' };
      marked.metadata.resourceVersion = String(++this.rv);
      deepFreeze(marked);
      this.put(NAMESPACES, name, marked, ns);
      this.emit({ type: 'MODIFIED', resource: NAMESPACES, object: marked, previous: ns, rv: this.rv });
      // The namespace controller empties it, then removes it — asynchronously, as a real cluster does.
      setImmediate(() => this.finishNamespace(name));
      return marked;
    }
    return ns;
  }

  private finishNamespace(name: string): void {
    for (const r of RESOURCES) {
      if (!r.namespaced) continue;
      for (const o of this.all(r, name)) {
        try {
          const held = o.metadata.finalizers?.length;
          if (held) this.update(r, { ...clone(o), metadata: { ...clone(o.metadata), finalizers: [] } });
          if (this.get(r, name, o.metadata.name!))
            this.delete(r, name, o.metadata.name!, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
    }
    const ns = this.get(NAMESPACES, undefined, name);
    if (!ns) return;
    this.remove(NAMESPACES, name, ns);
    const gone = deepFreeze({
      ...clone(ns),
      metadata: { ...clone(ns.metadata), resourceVersion: String(++this.rv) },
    }) as KubeObject;
    this.emit({ type: 'DELETED', resource: NAMESPACES, object: gone, previous: ns, rv: this.rv });
  }

  /** The only two places objects enter and leave buckets: they keep the owner index in step. */
  private put(r: ResourceInfo, key: string, obj: KubeObject, previous: KubeObject | undefined): void {
    if (previous) this.unindexOwners(r, key, previous);
    this.bucket(r).set(key, obj);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let deps = this.dependents.get(ref.uid);
      if (!deps) {
        deps = new Map();
        this.dependents.set(ref.uid, deps);
      }
      deps.set(`${resourceKey(r.group, r.plural)}|${key}`, { r, key });
    }
  }

  private remove(r: ResourceInfo, key: string, previous: KubeObject): void {
    this.unindexOwners(r, key, previous);
    this.bucket(r).delete(key);
  }

  private unindexOwners(r: ResourceInfo, key: string, previous: KubeObject): void {
    for (const ref of previous.metadata.ownerReferences ?? []) {
      const deps = this.dependents.get(ref.uid);
      deps?.delete(`${resourceKey(r.group, r.plural)}|${key}`);
      if (deps?.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private dependentsOf(owner: KubeObject): { r: ResourceInfo; o: KubeObject }[] {
    const out: { r: ResourceInfo; o: KubeObject }[] = [];
    for (const { r, key } of this.dependents.get(owner.metadata.uid ?? '')?.values() ?? []) {
      const o = this.bucket(r).get(key);
      if (o) out.push({ r, o });
    }
    return out;
  }

  private collectDependents(owner: KubeObject, policy: PropagationPolicy): void {
    for (const { r, o } of this.dependentsOf(owner)) {
      const refs = o.metadata.ownerReferences ?? [];
      // A dependent with another live owner survives, as in Kubernetes' garbage collector.
      const otherOwners = refs.filter((ref) => ref.uid !== owner.metadata.uid && this.ownerExists(o, ref));
      try {
        if (otherOwners.length > 0) {
          this.update(r, { ...clone(o), metadata: { ...clone(o.metadata), ownerReferences: clone(otherOwners) } });
        } else if (this.get(r, o.metadata.namespace, o.metadata.name!)) {
          this.delete(r, o.metadata.namespace, o.metadata.name!, { propagationPolicy: policy });
        }
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
  }

  private orphanDependents(owner: KubeObject): void {
    for (const { r, o } of this.dependentsOf(owner)) {
      const refs = (o.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== owner.metadata.uid);
      const meta = clone(o.metadata);
      if (refs.length) meta.ownerReferences = clone(refs);
      else delete meta.ownerReferences;
      this.update(r, { ...clone(o), metadata: meta });
    }
  }

  private ownerExists(child: KubeObject, ref: OwnerReference): boolean {
    for (const r of RESOURCES) {
      if (r.kind !== ref.kind) continue;
      const o = this.get(r, child.metadata.namespace, ref.name);
      if (o && o.metadata.uid === ref.uid) return true;
    }
    return false;
  }

  private generateName(r: ResourceInfo, namespace: string | undefined, prefix: string): string {
    for (let attempt = 0; attempt < 20; attempt++) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
      const name = `${prefix}${suffix}`;
      if (!this.get(r, namespace, name)) return name;
    }
    throw new StatusError(500, 'InternalError', `could not generate a unique name for ${prefix}`);
  }

  // ---- events and watches ----

  private emit(e: StoreEvent): void {
    if (this.history.length < this.historySize) this.history.push(e);
    else {
      this.history[this.historyStart] = e;
      this.historyStart = (this.historyStart + 1) % this.historySize;
    }
    for (const w of this.watchers) w(e);
  }

  /** Every change to every resource, for in-process controllers. Returns an unsubscribe function. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private oldestRv(): number {
    if (this.history.length === 0) return this.rv;
    return this.history[this.historyStart]!.rv;
  }

  /**
   * A watch with kube semantics: rv 0/undefined sends ADDED for current objects first; rv N replays history
   * after N, or fails with the 410 message when N is older than the window. Selector transitions become
   * ADDED/DELETED for the filtered client, as kube-apiserver's cacher does.
   */
  watch(r: ResourceInfo, opts: WatchOptions, listener: WatchListener): WatchStart {
    const ns = r.namespaced ? opts.namespace : undefined;
    const matches = (o: KubeObject | undefined): boolean =>
      !!o &&
      (!ns || o.metadata.namespace === ns) &&
      (!opts.labelSelector?.length || matchLabels(opts.labelSelector, o.metadata.labels)) &&
      (!opts.fieldSelector?.length || matchFields(opts.fieldSelector, o));
    const deliver = (e: StoreEvent): void => {
      if (e.resource !== r) return;
      const now = matches(e.object);
      const before = e.type === 'MODIFIED' ? matches(e.previous) : now;
      if (e.type === 'MODIFIED') {
        if (now && before) listener({ type: 'MODIFIED', object: e.object, rv: e.rv });
        else if (now) listener({ type: 'ADDED', object: e.object, rv: e.rv });
        else if (before) listener({ type: 'DELETED', object: e.object, rv: e.rv });
      } else if (now) listener({ type: e.type, object: e.object, rv: e.rv });
    };
    const rvText = opts.resourceVersion;
    if (rvText === undefined || rvText === '' || rvText === '0') {
      for (const o of this.list(r, { ...(ns ? { namespace: ns } : {}) }).items)
        if (matches(o)) listener({ type: 'ADDED', object: o, rv: Number(o.metadata.resourceVersion) });
    } else {
      const from = Number(rvText);
      if (!Number.isInteger(from) || from < 0) return { ok: false, message: `invalid resourceVersion: ${rvText}` };
      if (from < this.oldestRv() - 1)
        return { ok: false, message: `too old resource version: ${from} (${this.oldestRv() - 1})` };
      for (let i = 0; i < this.history.length; i++) {
        const e = this.history[(this.historyStart + i) % this.history.length]!;
        if (e.rv > from) deliver(e);
      }
    }
    this.watchers.add(deliver);
    return { ok: true, cancel: () => this.watchers.delete(deliver) };
  }

  /** Force the history window to start after the current version (tests of 410 recovery). */
  compactHistory(): void {
    this.history.length = 0;
    this.historyStart = 0;
    this.rv++;
  }
}

const NAMESPACES = RESOURCES.find((r) => r.plural === 'namespaces' && r.group === '')!;

function defaultPropagation(r: ResourceInfo): PropagationPolicy {
  // kube-apiserver's default for most kinds is Background garbage collection.
  void r;
  return 'Background';
}

/** The part of an object whose change bumps metadata.generation: everything but metadata and status. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function encodeContinue(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: lastKey })).toString('base64url');
}
function decodeContinue(token: string): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (isJsonObject(v) && typeof v.start === 'string') return v.start;
  } catch {
    return undefined;
  }
  return undefined;
}

function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
