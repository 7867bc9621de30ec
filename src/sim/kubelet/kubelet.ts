// The simulated kubelets of every node, as one controller: each pod bound to a Ready node gets a pod worker
// that is synced when the pod, a ConfigMap/Secret/claim it waits on, or its node changes, and on the
// simulated clock while its containers run. A node whose Ready condition is not True has a dead kubelet:
// its pods are frozen (no status updates) until it comes back.

import type { Controller, ControllerContext } from '../controllers/controller.js';
import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import { isTerminal, nodeCondition, nodeSpec, podKey, podSpec } from '../scheduler/pod-shape.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { Backoff } from './backoff.js';
import { clusterNetwork } from './cluster-network.js';
import { CONFIGMAPS, SECRETS } from './container-env.js';
import type { ContainerRuntime } from './container-runtime.js';
import type { ImageInfo } from './images.js';
import { PodWorker } from './pod-worker.js';
import { RELIST_MS } from './sync-timing.js';

export const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
export const NODES = RESOURCES.find((r) => r.plural === 'nodes' && r.group === '')!;
const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;

const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** Wall-time floor per pod tick, and per-pod share of a cluster-wide budget of ~20k pod syncs per wall second. */
const MIN_WALL_TICK_MS = 20;
const WALL_MS_PER_POD = 0.05;

export function nodeIsReady(node: KubeObject): boolean {
  return nodeCondition(node, 'Ready')?.status === 'True';
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly containers: readonly { readonly name: string; readonly cpuMillis: number; readonly memoryBytes: number }[];
}

/** Pod addresses out of the node's podCIDR (`10.244.1.0/24` -> 10.244.1.2 ...), reused after deletion. */
class PodIpam {
  private readonly used = new Map<string, Set<number>>();

  allocate(node: KubeObject, index: number): string {
    const cidr = nodeSpec(node).podCIDR ?? `10.244.${index}.0/24`;
    const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
    const name = node.metadata.name ?? '';
    let set = this.used.get(name);
    if (!set) {
      set = new Set();
      this.used.set(name, set);
    }
    let host = 2;
    while (set.has(host) && host < 254) host++;
    set.add(host);
    return `${base}.${host}`;
  }

  release(node: string, ip: string): void {
    this.used.get(node)?.delete(Number(ip.split('.').at(-1)));
  }
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly byIp = new Map<string, PodWorker>();
  private readonly ipam = new PodIpam();
  private readonly images = new Map<string, Map<string, ImageInfo>>();
  private readonly crashBackoff = new Backoff(BACKOFF_INITIAL_MS, BACKOFF_MAX_MS);
  private readonly imageBackoff = new Backoff(BACKOFF_INITIAL_MS, BACKOFF_MAX_MS);
  constructor(
    private readonly ctx: ControllerContext,
    private readonly runtime: ContainerRuntime,
  ) {}

  /**
   * How often running containers are advanced. At high clock speeds or with many pods a 1s tick would cost
   * more wall CPU than the host has; exits, OOM kills and log lines keep their exact simulated times anyway.
   */
  private tickMs(): number {
    const wallMs = Math.max(MIN_WALL_TICK_MS, this.workers.size * WALL_MS_PER_POD);
    return Math.max(RELIST_MS, this.ctx.clock.speed * wallMs);
  }

  private get store(): ObjectStore {
    return this.ctx.store;
  }

  private nodeImages(node: string): Map<string, ImageInfo> {
    let m = this.images.get(node);
    if (!m) {
      m = new Map();
      this.images.set(node, m);
    }
    return m;
  }

  private drop(key: string, worker: PodWorker): void {
    const now = this.ctx.clock.now().getTime();
    worker.stopAll(now);
    this.workers.delete(key);
    this.byIp.delete(worker.podIP);
    this.ipam.release(worker.nodeName, worker.podIP);
    this.crashBackoff.forget(`${worker.uid}_`);
    this.imageBackoff.forget(`${worker.uid}_`);
    const slash = key.indexOf('/');
    this.ctx.logs.forgetPod(key.slice(0, slash), key.slice(slash + 1));
  }

  private create(pod: KubeObject, node: KubeObject, nowMs: number): PodWorker {
    const nodes = this.store.all(NODES);
    const ip = this.ipam.allocate(node, nodes.indexOf(node) + 1);
    const worker = new PodWorker(
      {
        store: this.store,
        logs: this.ctx.logs,
        events: this.ctx.events,
        runtime: this.runtime,
        crashBackoff: this.crashBackoff,
        imageBackoff: this.imageBackoff,
        network: (p) =>
          clusterNetwork(
            this.store,
            { byIP: (addr) => this.byIp.get(addr), now: () => this.ctx.clock.now().getTime() },
            p,
          ),
      },
      pod,
      { node, images: this.nodeImages(node.metadata.name ?? '') },
      ip,
      nowMs,
    );
    this.workers.set(podKey(pod), worker);
    this.byIp.set(ip, worker);
    return worker;
  }

  private writeStatus(pod: KubeObject, worker: PodWorker, nowMs: number): void {
    if (!worker.needsWrite(pod)) return;
    const status = worker.status(nowMs);
    const json = JSON.stringify(status);
    if (json === worker.lastWritten?.json && worker.lastWritten.rv === pod.metadata.resourceVersion) return;
    const written = this.store.update(PODS, { ...pod, status }, { subresource: 'status' });
    worker.lastWritten = { json, rv: written.metadata.resourceVersion ?? '' };
  }

  /** Syncs one pod; returns the simulated delay until it needs another sync. */
  private syncPod(key: string): number | undefined {
    const slash = key.indexOf('/');
    const pod = this.store.get(PODS, key.slice(0, slash), key.slice(slash + 1));
    let worker = this.workers.get(key);
    if (!pod) {
      if (worker) this.drop(key, worker);
      return undefined;
    }
    if (worker && worker.uid !== pod.metadata.uid) {
      this.drop(key, worker);
      worker = undefined;
    }
    const nodeName = podSpec(pod).nodeName;
    const node = nodeName ? this.store.get(NODES, undefined, nodeName) : undefined;
    if (!node || !nodeIsReady(node)) return undefined;
    const now = this.ctx.clock.now().getTime();
    if (!worker) {
      if (isTerminal(pod)) return undefined;
      worker = this.create(pod, node, now);
    } else worker.update(pod, now);
    if (pod.metadata.deletionTimestamp) {
      worker.stopAll(now);
      this.writeStatus(pod, worker, now);
      return undefined;
    }
    const wake = worker.sync(now, this.tickMs());
    this.writeStatus(pod, worker, now);
    return Number.isFinite(wake) ? Math.max(0, wake - now) : undefined;
  }

  private keysFor(e: StoreEvent): readonly string[] {
    const r = e.resource;
    if (r === PODS) {
      const key = podKey(e.object);
      if (e.type === 'DELETED') return this.workers.has(key) ? [key] : [];
      if (!podSpec(e.object).nodeName) return [];
      const prev = e.previous;
      const known = this.workers.get(key);
      // Our own status writes change nothing the worker does not already know.
      const changed =
        !known ||
        !prev ||
        prev.metadata.uid !== e.object.metadata.uid ||
        podSpec(prev).nodeName !== podSpec(e.object).nodeName ||
        prev.metadata.deletionTimestamp !== e.object.metadata.deletionTimestamp ||
        prev.metadata.generation !== e.object.metadata.generation;
      return changed ? [key] : [];
    }
    if (r === CONFIGMAPS || r === SECRETS || r === PVCS) {
      const ns = e.object.metadata.namespace;
      const keys: string[] = [];
      for (const [key, w] of this.workers) {
        if (!key.startsWith(`${ns}/`) || !w.isBlocked()) continue;
        w.poke();
        keys.push(key);
      }
      return keys;
    }
    if (r === NODES) {
      const name = e.object.metadata.name;
      const readiness = (n: KubeObject | undefined) => (n ? nodeIsReady(n) : undefined);
      if (e.type === 'MODIFIED' && readiness(e.previous) === readiness(e.object)) return [];
      // A kubelet coming back resumes every pod bound to its node, including ones it has not seen yet.
      return this.store
        .all(PODS)
        .filter((p) => podSpec(p).nodeName === name)
        .map(podKey);
    }
    return [];
  }

  controller(): Controller {
    return {
      name: 'kubelet',
      initialKeys: () =>
        this.store
          .all(PODS)
          .filter((p) => podSpec(p).nodeName)
          .map(podKey),
      keysFor: (e) => this.keysFor(e),
      reconcile: (key) => this.syncPod(key),
    };
  }

  /** Usage of every running pod (optionally one namespace), for metrics.k8s.io and the HPA. */
  podUsage(namespace?: string): PodUsage[] {
    const now = this.ctx.clock.now().getTime();
    const out: PodUsage[] = [];
    for (const [key, w] of this.workers) {
      const slash = key.indexOf('/');
      const ns = key.slice(0, slash);
      if (namespace && ns !== namespace) continue;
      const containers = w.usage(now);
      if (containers.length > 0) out.push({ namespace: ns, name: key.slice(slash + 1), node: w.nodeName, containers });
    }
    return out;
  }

  /** A running pod's total usage of one resource, or undefined when it runs nothing. */
  private podTotal(
    namespace: string,
    name: string,
    pick: (c: { cpuMillis: number; memoryBytes: number }) => number,
  ): number | undefined {
    const w = this.workers.get(`${namespace}/${name}`);
    if (!w) return undefined;
    const containers = w.usage(this.ctx.clock.now().getTime());
    return containers.length > 0 ? containers.reduce((s, c) => s + pick(c), 0) : undefined;
  }

  podCpuMillis(namespace: string, name: string): number | undefined {
    return this.podTotal(namespace, name, (c) => c.cpuMillis);
  }

  podMemoryBytes(namespace: string, name: string): number | undefined {
    return this.podTotal(namespace, name, (c) => c.memoryBytes);
  }
}

const kubelets = new WeakMap<ObjectStore, Kubelet>();

export function registerKubelet(store: ObjectStore, kubelet: Kubelet): void {
  kubelets.set(store, kubelet);
}

export function kubeletFor(store: ObjectStore): Kubelet | undefined {
  return kubelets.get(store);
}
