// The scheduler's view of what is already placed: non-terminal pods per node and the sum of their requests,
// kept current from store events (kube-scheduler's cache) so that placing a pod never rescans every pod.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { NodeInfo } from './node-filters.js';
import { podRequests } from './pod-requests.js';
import { isTerminal, podSpec } from './pod-shape.js';

export const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
export const NODES = RESOURCES.find((r) => r.plural === 'nodes' && r.group === '')!;

interface Bucket {
  readonly pods: Map<string, KubeObject>;
  readonly requested: Map<string, number>;
}

export class SchedulerCache {
  private readonly buckets = new Map<string, Bucket>();
  /** pod uid -> node it is counted on. */
  private readonly placed = new Map<string, string>();

  constructor(store: ObjectStore) {
    for (const p of store.all(PODS)) this.add(p);
  }

  /** Keeps the cache in step with one store event; returns whether capacity or placement changed. */
  observe(e: StoreEvent): boolean {
    if (e.resource !== PODS) return false;
    const before = e.previous ? this.placed.get(e.previous.metadata.uid ?? '') : undefined;
    if (e.previous) this.remove(e.previous);
    if (e.type !== 'DELETED') this.add(e.object);
    const after = e.type === 'DELETED' ? undefined : this.placed.get(e.object.metadata.uid ?? '');
    return before !== after;
  }

  private add(pod: KubeObject): void {
    const node = podSpec(pod).nodeName;
    const uid = pod.metadata.uid ?? '';
    if (!node || isTerminal(pod)) return;
    let b = this.buckets.get(node);
    if (!b) {
      b = { pods: new Map(), requested: new Map() };
      this.buckets.set(node, b);
    }
    b.pods.set(uid, pod);
    for (const [k, v] of podRequests(pod)) b.requested.set(k, (b.requested.get(k) ?? 0) + v);
    this.placed.set(uid, node);
  }

  private remove(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    const node = this.placed.get(uid);
    if (node === undefined) return;
    this.placed.delete(uid);
    const b = this.buckets.get(node);
    const stored = b?.pods.get(uid);
    if (!b || !stored) return;
    b.pods.delete(uid);
    for (const [k, v] of podRequests(stored)) b.requested.set(k, (b.requested.get(k) ?? 0) - v);
  }

  nodeInfo(node: KubeObject): NodeInfo {
    const b = this.buckets.get(node.metadata.name ?? '');
    return { node, pods: b ? [...b.pods.values()] : [], requested: b?.requested ?? new Map() };
  }
}
