import type { CoreV1Event } from '@kubernetes/client-node';
import { eventLastSeen } from './events.js';
import { isClusterScoped, isKindName, type KindMap, type KindName } from './kinds.js';

export type LogReader = (
  namespace: string,
  pod: string,
  container: string,
  previous: boolean,
) => Promise<string | undefined>;

/**
 * What analyzers read: cached objects and their events. Analyzers never list the cluster themselves, so one
 * informer cache (or one set of list calls for `kubemend analyze`) feeds every analyzer.
 */
export interface ClusterSnapshot {
  list<K extends KindName>(kind: K, namespace?: string): readonly KindMap[K][];
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined;
  /** Events whose involvedObject.uid is `uid`, newest first. Attribution is by uid, never by name. */
  eventsFor(uid: string): readonly CoreV1Event[];
  /** Container logs (the Log analyzer uses them when present). */
  logs?(namespace: string, pod: string, container: string, previous: boolean): Promise<string | undefined>;
  now(): Date;
}

interface Meta {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

function nsOf(kind: KindName, obj: Meta): string {
  return isClusterScoped(kind) ? '' : (obj.metadata?.namespace ?? 'default');
}

/**
 * A mutable in-memory snapshot: a shared cache that informers (or a one-shot list) fill with `upsert`/`remove`.
 * Lists are cached per namespace and invalidated per kind on change, so repeated analyzer reads are cheap.
 */
export class SnapshotStore implements ClusterSnapshot {
  // kind -> namespace ('' for cluster-scoped) -> name -> object: a namespace's objects are found without
  // walking every object of the kind, and a change invalidates only its own namespace's cached list.
  private readonly objects = new Map<KindName, Map<string, Map<string, unknown>>>();
  private readonly listCache = new Map<KindName, Map<string, readonly unknown[]>>();
  private readonly eventsByUid = new Map<string, CoreV1Event[]>();
  private readonly sortedUids = new Set<string>();
  readonly logs?: LogReader;

  constructor(
    private readonly clock: () => Date = () => new Date(),
    logs?: LogReader,
  ) {
    if (logs) this.logs = logs;
  }

  now(): Date {
    return this.clock();
  }

  private bucket(kind: KindName, ns: string, create: boolean): Map<string, unknown> | undefined {
    let byNs = this.objects.get(kind);
    if (!byNs) {
      if (!create) return undefined;
      byNs = new Map();
      this.objects.set(kind, byNs);
    }
    let byName = byNs.get(ns);
    if (!byName && create) {
      byName = new Map();
      byNs.set(ns, byName);
    }
    return byName;
  }

  private invalidate(kind: KindName, ns: string): void {
    const cache = this.listCache.get(kind);
    if (!cache) return;
    cache.delete(ns);
    cache.delete('');
  }

  upsert<K extends KindName>(kind: K, obj: KindMap[K]): void {
    const name = (obj as Meta).metadata?.name;
    if (!name) return;
    const ns = nsOf(kind, obj as Meta);
    const byName = this.bucket(kind, ns, true) as Map<string, unknown>;
    if (kind === 'Event') {
      const previous = byName.get(name) as CoreV1Event | undefined;
      if (previous) this.unindexEvent(previous);
      this.indexEvent(obj as CoreV1Event);
    }
    byName.set(name, obj);
    this.invalidate(kind, ns);
  }

  remove<K extends KindName>(kind: K, obj: KindMap[K]): void {
    const name = (obj as Meta).metadata?.name;
    if (!name) return;
    const ns = nsOf(kind, obj as Meta);
    const byName = this.bucket(kind, ns, false);
    const previous = byName?.get(name);
    if (!byName || previous === undefined) return;
    if (kind === 'Event') this.unindexEvent(previous as CoreV1Event);
    byName.delete(name);
    this.invalidate(kind, ns);
  }

  list<K extends KindName>(kind: K, namespace?: string): readonly KindMap[K][] {
    const scope = namespace === undefined || isClusterScoped(kind) ? '' : namespace;
    let cache = this.listCache.get(kind);
    if (!cache) {
      cache = new Map();
      this.listCache.set(kind, cache);
    }
    let items = cache.get(scope);
    if (!items) {
      const byNs = this.objects.get(kind);
      items =
        scope === '' && !isClusterScoped(kind)
          ? [...(byNs?.values() ?? [])].flatMap((m) => [...m.values()])
          : [...(byNs?.get(scope)?.values() ?? [])];
      cache.set(scope, items);
    }
    return items as readonly KindMap[K][];
  }

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const ns = isClusterScoped(kind) ? '' : (namespace ?? 'default');
    return this.objects.get(kind)?.get(ns)?.get(name) as KindMap[K] | undefined;
  }

  eventsFor(uid: string): readonly CoreV1Event[] {
    const events = this.eventsByUid.get(uid);
    if (!events) return [];
    if (!this.sortedUids.has(uid)) {
      events.sort((a, b) => (eventLastSeen(b) ?? 0) - (eventLastSeen(a) ?? 0));
      this.sortedUids.add(uid);
    }
    return events;
  }

  private indexEvent(e: CoreV1Event): void {
    const uid = e.involvedObject?.uid;
    if (!uid) return;
    const list = this.eventsByUid.get(uid);
    if (list) list.push(e);
    else this.eventsByUid.set(uid, [e]);
    this.sortedUids.delete(uid);
  }

  private unindexEvent(e: CoreV1Event): void {
    const uid = e.involvedObject?.uid;
    const list = uid ? this.eventsByUid.get(uid) : undefined;
    if (!uid || !list) return;
    const name = e.metadata?.name;
    const at = list.findIndex((x) => x === e || (name !== undefined && x.metadata?.name === name));
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.eventsByUid.delete(uid);
  }
}

export interface SnapshotOptions {
  readonly logs?: LogReader;
}

/**
 * Builds a snapshot from plain objects (fixtures, `kubectl get -o json` output, a one-shot list). `*List`
 * objects are flattened; objects of kinds detection does not read are ignored.
 */
export function snapshotFromObjects(
  objs: readonly unknown[],
  now?: Date,
  options: SnapshotOptions = {},
): SnapshotStore {
  const fixed = now ?? new Date();
  const store = new SnapshotStore(() => fixed, options.logs);
  const add = (obj: unknown, fallbackKind?: string): void => {
    if (typeof obj !== 'object' || obj === null) return;
    const o = obj as { kind?: unknown; items?: unknown };
    const kind = typeof o.kind === 'string' ? o.kind : fallbackKind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o.items)) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      for (const item of o.items) add(item, itemKind);
      return;
    }
    if (isKindName(kind)) store.upsert(kind, obj as KindMap[typeof kind]);
  };
  for (const obj of objs) add(obj);
  return store;
}
