// What a pod asks of a node, computed the way kube-scheduler's NodeResourcesFit does: the larger of the sum of
// app containers and the largest init container, plus overhead; a limit without a request counts as the
// request (the API server defaults it so). Stored pods are immutable, so results are cached per object.

import { parseQuantity } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { type Container, podSpec, type ResourceList } from './pod-shape.js';

/** Resource name -> amount; cpu in millicores, memory and storage in bytes, others as plain counts. */
export type Requests = ReadonlyMap<string, number>;

const cache = new WeakMap<KubeObject, Requests>();

export function quantityValue(resource: string, q: string | number | undefined): number {
  if (q === undefined) return 0;
  const v = parseQuantity(q) ?? 0;
  // Millicores round up like Quantity.MilliValue(): "0.1m" still asks for 1m.
  return resource === 'cpu' ? Math.ceil(v * 1000 - 1e-9) : v;
}

/** A container's effective requests: its requests, or its limits where a request is missing. */
export function containerRequests(c: Container): Map<string, number> {
  const out = new Map<string, number>();
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const name of new Set([...Object.keys(req), ...Object.keys(lim)])) {
    out.set(name, quantityValue(name, req[name] ?? lim[name]));
  }
  return out;
}

function add(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

export function podRequests(pod: KubeObject): Requests {
  const hit = cache.get(pod);
  if (hit) return hit;
  const spec = podSpec(pod);
  const sum = new Map<string, number>();
  for (const c of spec.containers ?? []) add(sum, containerRequests(c));
  // Sidecars (restartable init containers) keep running next to the app, so they add up; ordinary init
  // containers run one at a time before it, so only the largest matters.
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') add(sum, r);
    else for (const [k, v] of r) if (v > (sum.get(k) ?? 0)) sum.set(k, v);
  }
  for (const [k, v] of Object.entries(spec.overhead ?? {})) sum.set(k, (sum.get(k) ?? 0) + quantityValue(k, v));
  cache.set(pod, sum);
  return sum;
}

/** Guaranteed / Burstable / BestEffort, as the API server computes status.qosClass. */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = podSpec(pod);
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req: ResourceList = c.resources?.requests ?? {};
    const lim: ResourceList = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (q !== undefined && quantityValue(r, q) > 0) any = true;
      if (l === undefined || q === undefined || quantityValue(r, q) !== quantityValue(r, l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
