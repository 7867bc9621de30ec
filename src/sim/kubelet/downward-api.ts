// The downward API: pod fields and container resources exposed to a container through env vars
// (valueFrom.fieldRef / resourceFieldRef) and downwardAPI volume files, with kubelet's formatting.

import { parseQuantity } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { type Container, podSpec, type ResourceList } from '../scheduler/pod-shape.js';

/** Where the pod runs: what the downward API reports for status fields and unset limits. */
export interface PodPlacement {
  readonly podIP: string;
  readonly hostIP: string;
  readonly nodeAllocatable: ResourceList;
}

export type FieldResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly message: string };

/** `k="v"` lines sorted by key, the format of the labels/annotations files. */
function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');
}

export function fieldRefValue(pod: KubeObject, fieldPath: string, place: PodPlacement): FieldResult {
  const meta = pod.metadata;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return { ok: true, value: map?.[subscript[2]!] ?? '' };
  }
  switch (fieldPath) {
    case 'metadata.name':
      return { ok: true, value: meta.name ?? '' };
    case 'metadata.namespace':
      return { ok: true, value: meta.namespace ?? '' };
    case 'metadata.uid':
      return { ok: true, value: meta.uid ?? '' };
    case 'metadata.labels':
      return { ok: true, value: formatMap(meta.labels) };
    case 'metadata.annotations':
      return { ok: true, value: formatMap(meta.annotations) };
    case 'spec.nodeName':
      return { ok: true, value: podSpec(pod).nodeName ?? '' };
    case 'spec.serviceAccountName':
      return { ok: true, value: podSpec(pod).serviceAccountName ?? 'default' };
    case 'status.hostIP':
    case 'status.hostIPs':
      return { ok: true, value: place.hostIP };
    case 'status.podIP':
    case 'status.podIPs':
      return { ok: true, value: place.podIP };
    default:
      return { ok: false, message: `unsupported fieldPath: ${fieldPath}` };
  }
}

/** `limits.cpu` etc. of a container, divided by the divisor and rounded up, as kubelet's ExtractResourceValueByContainerName. */
export function resourceFieldValue(
  pod: KubeObject,
  self: Container,
  ref: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number },
  place: PodPlacement,
): FieldResult {
  const spec = podSpec(pod);
  const container = ref.containerName
    ? [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) => c.name === ref.containerName)
    : self;
  if (!container) return { ok: false, message: `container ${ref.containerName} not found` };
  const [kind, resource] = ref.resource.split('.', 2) as [string, string | undefined];
  if (!resource || (kind !== 'limits' && kind !== 'requests'))
    return { ok: false, message: `unsupported container resource : ${ref.resource}` };
  const own = kind === 'limits' ? container.resources?.limits?.[resource] : container.resources?.requests?.[resource];
  // An unset limit reports the node's allocatable amount, so a program can size itself to what it may use.
  const raw = own ?? (kind === 'limits' ? place.nodeAllocatable[resource] : 0) ?? 0;
  const value = parseQuantity(raw) ?? 0;
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  return { ok: true, value: String(Math.ceil(value / divisor - 1e-12)) };
}
