// What an object counts against a ResourceQuota, with the quota evaluators' resource names: pods (requests
// and limits per compute resource, the larger of the app containers' sum and the biggest init container),
// services (node ports, load balancers), claims (storage, per class), object counts (`configmaps`,
// `count/deployments.apps`, ...). Amounts are exact quantities so messages print as kube-apiserver's do.

import { formatQuantityExact, parseQuantityExact, type Quantity } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import type { ResourceInfo } from '../resources.js';
import { RESOURCES } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';

export type Usage = Map<string, Quantity>;

const NANO = 1_000_000_000n;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
const SERVICES = RESOURCES.find((r) => r.plural === 'services' && r.group === '')!;
const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;
/** Core kinds whose quota has a bare name as well as count/<plural>. */
const LEGACY_COUNTS = new Set([
  'configmaps',
  'secrets',
  'resourcequotas',
  'replicationcontrollers',
  'services',
  'persistentvolumeclaims',
  'pods',
]);
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

export function count(n: number): Quantity {
  return { nanos: BigInt(n) * NANO, format: 'DecimalSI' };
}

function addTo(u: Usage, key: string, q: Quantity): void {
  const cur = u.get(key);
  // Quantity.Add keeps the format of the receiver, so the first amount seen decides how the sum prints.
  u.set(key, cur ? { nanos: cur.nanos + q.nanos, format: cur.format } : q);
}

function quantityOf(v: unknown): Quantity | undefined {
  return typeof v === 'string' || typeof v === 'number' ? parseQuantityExact(v) : undefined;
}

function showQuantity(q: Quantity | undefined): string {
  return q ? formatQuantityExact(q) : '0';
}

interface ContainerLike {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** A container's requests after apiserver defaulting: a limit with no request is also the request. */
export function containerRequests(c: ContainerLike): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const name of new Set([...Object.keys(req), ...Object.keys(lim)])) {
    const q = quantityOf(req[name] ?? lim[name]);
    if (q) out.set(name, q);
  }
  return out;
}

export function containerLimits(c: ContainerLike): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(c.resources?.limits ?? {})) {
    const q = quantityOf(v);
    if (q) out.set(name, q);
  }
  return out;
}

function podTotals(pod: KubeObject, per: (c: ContainerLike) => Map<string, Quantity>): Map<string, Quantity> {
  const spec = (pod.spec ?? {}) as {
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
    overhead?: Record<string, unknown>;
  };
  const sum: Usage = new Map();
  for (const c of spec.containers ?? []) for (const [k, q] of per(c)) addTo(sum, k, q);
  for (const c of spec.initContainers ?? []) {
    for (const [k, q] of per(c)) {
      if (c.restartPolicy === 'Always') addTo(sum, k, q);
      else if (q.nanos > (sum.get(k)?.nanos ?? -1n)) sum.set(k, q);
    }
  }
  for (const [k, v] of Object.entries(spec.overhead ?? {})) {
    const q = quantityOf(v);
    if (q) addTo(sum, k, q);
  }
  return sum;
}

/** QuotaV1Pod: finished pods and pods past deletion no longer count. */
function podCounts(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function podUsage(pod: KubeObject): Usage {
  const u: Usage = new Map();
  if (!podCounts(pod)) return u;
  u.set('pods', count(1));
  u.set('count/pods', count(1));
  for (const [k, q] of podTotals(pod, containerRequests)) {
    if (COMPUTE.includes(k)) u.set(k, q);
    u.set(`requests.${k}`, q);
  }
  for (const [k, q] of podTotals(pod, containerLimits)) u.set(`limits.${k}`, q);
  return u;
}

function serviceUsage(svc: KubeObject): Usage {
  const spec = (svc.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
  const u: Usage = new Map([
    ['services', count(1)],
    ['count/services', count(1)],
  ]);
  const type = spec.type ?? 'ClusterIP';
  if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', count((spec.ports ?? []).length));
  if (type === 'LoadBalancer') u.set('services.loadbalancers', count(1));
  return u;
}

function claimUsage(pvc: KubeObject): Usage {
  const spec = (pvc.spec ?? {}) as { storageClassName?: string; resources?: { requests?: { storage?: unknown } } };
  const u: Usage = new Map([
    ['persistentvolumeclaims', count(1)],
    ['count/persistentvolumeclaims', count(1)],
  ]);
  const storage = quantityOf(spec.resources?.requests?.storage);
  const cls = spec.storageClassName;
  if (cls) u.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, count(1));
  if (storage) {
    u.set('requests.storage', storage);
    if (cls) u.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
  }
  return u;
}

/** Everything one object counts for. */
export function objectUsage(r: ResourceInfo, obj: KubeObject): Usage {
  if (r === PODS) return podUsage(obj);
  if (r === SERVICES) return serviceUsage(obj);
  if (r === PVCS) return claimUsage(obj);
  const u: Usage = new Map();
  const countKey = r.group ? `count/${r.plural}.${r.group}` : `count/${r.plural}`;
  u.set(countKey, count(1));
  if (!r.group && LEGACY_COUNTS.has(r.plural)) u.set(r.plural, count(1));
  return u;
}

/** The resource a quota key is about (so usage is summed over the right objects). */
function resourceForQuotaKey(key: string): ResourceInfo | undefined {
  if (key.startsWith('count/')) {
    const rest = key.slice('count/'.length);
    const dot = rest.indexOf('.');
    const plural = dot < 0 ? rest : rest.slice(0, dot);
    const group = dot < 0 ? '' : rest.slice(dot + 1);
    return RESOURCES.find((x) => x.plural === plural && x.group === group);
  }
  if (key.startsWith('services')) return SERVICES;
  if (key === 'persistentvolumeclaims' || key === 'requests.storage' || key.includes('.storageclass.storage.k8s.io/'))
    return PVCS;
  if (LEGACY_COUNTS.has(key)) return RESOURCES.find((x) => x.plural === key && x.group === '');
  return PODS;
}

interface QuotaShape {
  spec?: {
    hard?: Record<string, unknown>;
    scopes?: string[];
    scopeSelector?: { matchExpressions?: { scopeName: string; operator: string; values?: string[] }[] };
  };
}

function podScopeMatches(pod: KubeObject, scope: string, op = 'Exists', values: readonly string[] = []): boolean {
  const spec = (pod.spec ?? {}) as { activeDeadlineSeconds?: number; priorityClassName?: string };
  const requests = podTotals(pod, containerRequests);
  const limits = podTotals(pod, containerLimits);
  const bestEffort = ![...requests.values(), ...limits.values()].some((q) => q.nanos > 0n);
  switch (scope) {
    case 'Terminating':
      return spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds >= 0;
    case 'NotTerminating':
      return spec.activeDeadlineSeconds === undefined;
    case 'BestEffort':
      return bestEffort;
    case 'NotBestEffort':
      return !bestEffort;
    case 'PriorityClass': {
      const pc = spec.priorityClassName ?? '';
      if (op === 'In') return values.includes(pc);
      if (op === 'NotIn') return !values.includes(pc);
      if (op === 'DoesNotExist') return pc === '';
      return pc !== '';
    }
    default:
      return true;
  }
}

/** Whether a quota's scopes select the object; scoped quotas only ever select pods. */
export function quotaSelects(quota: KubeObject, r: ResourceInfo, obj: KubeObject): boolean {
  const spec = (quota as QuotaShape).spec ?? {};
  const scopes = spec.scopes ?? [];
  const exprs = spec.scopeSelector?.matchExpressions ?? [];
  if (scopes.length === 0 && exprs.length === 0) return true;
  if (r !== PODS) return false;
  return (
    scopes.every((s) => podScopeMatches(obj, s)) &&
    exprs.every((e) => podScopeMatches(obj, e.scopeName, e.operator, e.values))
  );
}

export function hardOf(quota: KubeObject): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries((quota as QuotaShape).spec?.hard ?? {})) {
    const q = quantityOf(v);
    if (q) out.set(k, q);
  }
  return out;
}

/** Current usage in a namespace for the quota's hard resources (zero where nothing counts). */
export function quotaUsage(store: ObjectStore, quota: KubeObject): Usage {
  const ns = quota.metadata.namespace;
  const hard = hardOf(quota);
  const used: Usage = new Map();
  const resources = new Set<ResourceInfo>();
  for (const key of hard.keys()) {
    const r = resourceForQuotaKey(key);
    if (r) resources.add(r);
  }
  for (const r of resources) {
    for (const o of store.all(r, ns)) {
      if (!quotaSelects(quota, r, o)) continue;
      for (const [k, q] of objectUsage(r, o)) if (hard.has(k)) addTo(used, k, q);
    }
  }
  for (const [k, h] of hard) if (!used.has(k)) used.set(k, { nanos: 0n, format: h.format });
  return used;
}

/** prettyPrint: `requests.cpu=2,requests.memory=1Gi`, sorted by name. */
export function prettyPrint(u: ReadonlyMap<string, Quantity>): string {
  return [...u.keys()]
    .sort()
    .map((k) => `${k}=${showQuantity(u.get(k))}`)
    .join(',');
}
