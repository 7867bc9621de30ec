// The ResourceQuota admission plugin: a create (or a claim growing) that would push a namespace past a
// quota's hard limits is refused with 403 Forbidden and kube-apiserver's text — `exceeded quota: q,
// requested: requests.cpu=2, used: requests.cpu=1, limited: requests.cpu=2` — and a pod that does not state
// a request or limit a quota constrains gets `failed quota: q: must specify requests.cpu for: app`.
// Usage is summed from the store at admission time, so consecutive creates see each other at once.

import type { Quantity } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import type { ResourceInfo } from '../resources.js';
import { RESOURCES } from '../resources.js';
import type { AdmissionHook } from '../store/object-store.js';
import { qualifiedResource, StatusError } from '../store/status-error.js';
import {
  containerLimits,
  containerRequests,
  hardOf,
  objectUsage,
  prettyPrint,
  quotaSelects,
  quotaUsage,
  type Usage,
} from './quota-usage.js';

const QUOTAS = RESOURCES.find((r) => r.plural === 'resourcequotas' && r.group === '')!;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;
// Quota on these forces every container to state the matching request or limit.
const MUST_SPECIFY = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

export function forbidden(r: ResourceInfo, obj: KubeObject, why: string): StatusError {
  const name = obj.metadata.name ?? '';
  return new StatusError(403, 'Forbidden', `${qualifiedResource(r.plural, r.group)} "${name}" is forbidden: ${why}`, {
    name,
    ...(r.group ? { group: r.group } : {}),
    kind: r.plural,
  });
}

interface ContainerLike {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** podEvaluator.Constraints: "must specify requests.cpu for: app; requests.memory for: app,sidecar". */
function missingSpecs(pod: KubeObject, constrained: readonly string[]): string | undefined {
  const required = constrained.filter((k) => MUST_SPECIFY.has(k));
  if (required.length === 0) return undefined;
  const spec = (pod.spec ?? {}) as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  const missing = new Map<string, Set<string>>();
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const has = new Set<string>();
    for (const k of containerRequests(c).keys()) {
      has.add(`requests.${k}`);
      has.add(k);
    }
    for (const k of containerLimits(c).keys()) has.add(`limits.${k}`);
    for (const need of required) {
      if (has.has(need)) continue;
      const set = missing.get(need) ?? new Set<string>();
      set.add(c.name ?? '');
      missing.set(need, set);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((k) => `${k} for: ${[...(missing.get(k) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

function mask(u: ReadonlyMap<string, Quantity>, keys: Iterable<string>): Usage {
  const out: Usage = new Map();
  for (const k of keys) {
    const q = u.get(k);
    if (q) out.set(k, q);
  }
  return out;
}

/** What the request adds: a whole new object, or the growth of a claim's storage request. */
function delta(r: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): Usage {
  const now = objectUsage(r, obj);
  if (!old) return now;
  const before = objectUsage(r, old);
  const out: Usage = new Map();
  for (const [k, q] of now) {
    const diff = q.nanos - (before.get(k)?.nanos ?? 0n);
    if (diff > 0n) out.set(k, { nanos: diff, format: q.format });
  }
  return out;
}

export const quotaAdmission: AdmissionHook = (req, store) => {
  if (req.subresource || req.resource === QUOTAS) return req.object;
  const r = req.resource;
  const isCreate = req.operation === 'CREATE';
  const isClaimGrowth = req.operation === 'UPDATE' && r === PVCS;
  if (!isCreate && !isClaimGrowth) return req.object;
  const ns = req.object.metadata.namespace;
  if (!r.namespaced || !ns) return req.object;
  const quotas = store.all(QUOTAS, ns).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  if (quotas.length === 0) return req.object;
  const added = delta(r, req.object, isClaimGrowth ? req.old : undefined);
  if (added.size === 0) return req.object;
  for (const quota of quotas) {
    if (!quotaSelects(quota, r, req.object)) continue;
    const hard = hardOf(quota);
    const constrained = [...added.keys()].filter((k) => hard.has(k));
    if (r === PODS && isCreate) {
      const podKeys = [...hard.keys()].filter((k) => MUST_SPECIFY.has(k));
      const missing = missingSpecs(req.object, podKeys);
      if (missing) throw forbidden(r, req.object, `failed quota: ${quota.metadata.name}: ${missing}`);
    }
    if (constrained.length === 0) continue;
    const used = quotaUsage(store, quota);
    const exceeded = constrained.filter(
      (k) => (used.get(k)?.nanos ?? 0n) + (added.get(k)?.nanos ?? 0n) > (hard.get(k)?.nanos ?? 0n),
    );
    if (exceeded.length === 0) continue;
    throw forbidden(
      r,
      req.object,
      `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(added, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
    );
  }
  return req.object;
};
