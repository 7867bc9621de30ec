// The LimitRanger admission plugin: LimitRange items are defaulted as the API server stores them (default
// limit from max, default request from the default limit or min), pods get missing container requests and
// limits filled in (and the `kubernetes.io/limit-ranger` annotation saying so), and a pod or claim outside
// min/max/maxLimitRequestRatio is refused: `maximum memory usage per Container is 1Gi, but limit is 2Gi`.

import { formatQuantityExact, parseQuantityExact, type Quantity } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { AdmissionHook } from '../store/object-store.js';
import { forbidden } from './quota-admission.js';

const LIMIT_RANGES = RESOURCES.find((r) => r.plural === 'limitranges' && r.group === '')!;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;
const NANO = 1_000_000_000n;

type ResourceMap = Record<string, string | number>;

interface LimitItem {
  type?: string;
  max?: ResourceMap;
  min?: ResourceMap;
  default?: ResourceMap;
  defaultRequest?: ResourceMap;
  maxLimitRequestRatio?: ResourceMap;
}

interface ContainerLike {
  name?: string;
  resources?: { requests?: ResourceMap; limits?: ResourceMap };
}

/** SetDefaults_LimitRangeItem for Container items. */
function defaultLimitItem(item: LimitItem): LimitItem {
  if (item.type !== 'Container') return item;
  const def: ResourceMap = { ...(item.default ?? {}) };
  for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
  const defReq: ResourceMap = { ...(item.defaultRequest ?? {}) };
  for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
  for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in defReq)) defReq[k] = v;
  return {
    ...item,
    ...(Object.keys(def).length ? { default: def } : {}),
    ...(Object.keys(defReq).length ? { defaultRequest: defReq } : {}),
  };
}

function itemsOf(lr: KubeObject): LimitItem[] {
  return ((lr.spec as { limits?: LimitItem[] } | undefined)?.limits ?? []).map(defaultLimitItem);
}

function q(v: unknown): Quantity | undefined {
  return typeof v === 'string' || typeof v === 'number' ? parseQuantityExact(v) : undefined;
}

function show(v: unknown): string {
  const parsed = q(v);
  return parsed ? formatQuantityExact(parsed) : String(v);
}

/** Compares in milli-units as requestLimitEnforcedValues does (exact here: both are nano-precise). */
function cmp(a: Quantity, b: Quantity): number {
  const am = a.nanos / (NANO / 1000n);
  const bm = b.nanos / (NANO / 1000n);
  return am < bm ? -1 : am > bm ? 1 : 0;
}

function checkItem(kind: string, item: LimitItem, requests: ResourceMap, limits: ResourceMap, errors: string[]): void {
  for (const [name, enforcedRaw] of Object.entries(item.min ?? {})) {
    const enforced = q(enforcedRaw);
    if (!enforced) continue;
    const req = q(requests[name]);
    const lim = q(limits[name]);
    if (!req) errors.push(`minimum ${name} usage per ${kind} is ${show(enforcedRaw)}.  No request is specified`);
    else if (cmp(req, enforced) < 0)
      errors.push(`minimum ${name} usage per ${kind} is ${show(enforcedRaw)}, but request is ${show(requests[name])}`);
    else if (lim && cmp(lim, enforced) < 0)
      errors.push(`minimum ${name} usage per ${kind} is ${show(enforcedRaw)}, but limit is ${show(limits[name])}`);
  }
  for (const [name, enforcedRaw] of Object.entries(item.max ?? {})) {
    const enforced = q(enforcedRaw);
    if (!enforced) continue;
    const req = q(requests[name]);
    const lim = q(limits[name]);
    if (kind === 'PersistentVolumeClaim') {
      if (!req) errors.push(`maximum ${name} usage per ${kind} is ${show(enforcedRaw)}.  No request is specified`);
      else if (cmp(req, enforced) > 0)
        errors.push(
          `maximum ${name} usage per ${kind} is ${show(enforcedRaw)}, but request is ${show(requests[name])}`,
        );
      continue;
    }
    if (!lim) errors.push(`maximum ${name} usage per ${kind} is ${show(enforcedRaw)}.  No limit is specified`);
    else if (cmp(lim, enforced) > 0)
      errors.push(`maximum ${name} usage per ${kind} is ${show(enforcedRaw)}, but limit is ${show(limits[name])}`);
    else if (req && cmp(req, enforced) > 0)
      errors.push(`maximum ${name} usage per ${kind} is ${show(enforcedRaw)}, but request is ${show(requests[name])}`);
  }
  for (const [name, enforcedRaw] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const enforced = q(enforcedRaw);
    if (!enforced) continue;
    const req = q(requests[name]);
    const lim = q(limits[name]);
    if (!req || req.nanos === 0n) {
      errors.push(
        `${name} max limit to request ratio per ${kind} is ${show(enforcedRaw)}, but no request is specified or request is 0`,
      );
      continue;
    }
    if (!lim || lim.nanos === 0n) {
      errors.push(
        `${name} max limit to request ratio per ${kind} is ${show(enforcedRaw)}, but no limit is specified or limit is 0`,
      );
      continue;
    }
    const ratio = Number(lim.nanos) / Number(req.nanos);
    if (ratio > Number(enforced.nanos) / 1e9) {
      errors.push(
        `${name} max limit to request ratio per ${kind} is ${show(enforcedRaw)}, but provided ratio is ${ratio.toFixed(6)}`,
      );
    }
  }
}

/** Fills a container's missing requests/limits from a LimitRange; returns what it set, for the annotation. */
function applyDefaults(c: ContainerLike, item: LimitItem): { requests: string[]; limits: string[] } {
  const set = { requests: [] as string[], limits: [] as string[] };
  c.resources ??= {};
  const resources = c.resources;
  for (const [k, v] of Object.entries(item.default ?? {})) {
    resources.limits ??= {};
    if (!(k in resources.limits)) {
      resources.limits[k] = v;
      set.limits.push(k);
    }
  }
  for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
    resources.requests ??= {};
    if (!(k in resources.requests)) {
      resources.requests[k] = v;
      set.requests.push(k);
    }
  }
  return set;
}

function sumMaps(maps: readonly ResourceMap[]): ResourceMap {
  const out = new Map<string, Quantity>();
  for (const m of maps) {
    for (const [k, v] of Object.entries(m)) {
      const parsed = q(v);
      if (!parsed) continue;
      const cur = out.get(k);
      out.set(k, cur ? { nanos: cur.nanos + parsed.nanos, format: cur.format } : parsed);
    }
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, formatQuantityExact(v)]));
}

function admitPod(pod: KubeObject, items: readonly LimitItem[]): { pod: KubeObject; errors: string[] } {
  const out = structuredClone(pod) as KubeObject;
  out.spec ??= {};
  const spec = out.spec as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  const notes: string[] = [];
  for (const item of items.filter((i) => i.type === 'Container')) {
    for (const [list, label] of [
      [spec.containers ?? [], 'container'],
      [spec.initContainers ?? [], 'init container'],
    ] as const) {
      for (const c of list) {
        const set = applyDefaults(c, item);
        if (set.requests.length) notes.push(`${set.requests.sort().join(', ')} request for ${label} ${c.name}`);
        if (set.limits.length) notes.push(`${set.limits.sort().join(', ')} limit for ${label} ${c.name}`);
      }
    }
  }
  if (notes.length) {
    out.metadata.annotations = {
      ...(out.metadata.annotations ?? {}),
      'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}`,
    };
  }
  const errors: string[] = [];
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const item of items) {
    if (item.type === 'Container') {
      for (const c of all) checkItem('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, errors);
    } else if (item.type === 'Pod') {
      const requests = sumMaps((spec.containers ?? []).map((c) => c.resources?.requests ?? {}));
      const limits = sumMaps((spec.containers ?? []).map((c) => c.resources?.limits ?? {}));
      checkItem('Pod', item, requests, limits, errors);
    }
  }
  return { pod: out, errors };
}

/** utilerrors.NewAggregate's message: one error as is, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

export const limitRangeAdmission: AdmissionHook = (req, store) => {
  if (req.subresource) return req.object;
  if (req.resource === LIMIT_RANGES && (req.operation === 'CREATE' || req.operation === 'UPDATE')) {
    const out = structuredClone(req.object) as KubeObject;
    const spec = out.spec as { limits?: LimitItem[] } | undefined;
    if (spec?.limits) spec.limits = spec.limits.map(defaultLimitItem);
    return out;
  }
  if (req.operation !== 'CREATE' || (req.resource !== PODS && req.resource !== PVCS)) return req.object;
  const ns = req.object.metadata.namespace;
  if (!ns) return req.object;
  const items = store.all(LIMIT_RANGES, ns).flatMap(itemsOf);
  if (items.length === 0) return req.object;
  if (req.resource === PVCS) {
    const errors: string[] = [];
    const requests = ((req.object.spec as { resources?: { requests?: ResourceMap } } | undefined)?.resources
      ?.requests ?? {}) as ResourceMap;
    for (const item of items.filter((i) => i.type === 'PersistentVolumeClaim'))
      checkItem('PersistentVolumeClaim', item, requests, {}, errors);
    if (errors.length) throw forbidden(req.resource, req.object, aggregate(errors));
    return req.object;
  }
  const { pod, errors } = admitPod(req.object, items);
  if (errors.length) throw forbidden(req.resource, req.object, aggregate(errors));
  return pod;
};
