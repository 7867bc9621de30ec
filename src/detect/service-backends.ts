import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { labelSelectorMatches } from '../kube/label-selector.js';
import type { HasMetadata, ObjectRef } from './kinds.js';
import { isTerminalPod } from './pod-helpers.js';
import type { ClusterSnapshot } from './snapshot.js';

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface Backends {
  /** Live pods the selector matches. */
  readonly pods: readonly V1Pod[];
  readonly ready: readonly V1Pod[];
}

/**
 * The pods behind a selector-based Service, computed from the pod cache the same way the endpoints controller
 * does, so detection does not depend on Endpoints or EndpointSlices being cached.
 */
export function serviceBackends(svc: V1Service, snapshot: ClusterSnapshot): Backends {
  const selector = svc.spec?.selector ?? {};
  const pods = snapshot
    .list('Pod', svc.metadata?.namespace)
    .filter(
      (p) =>
        !isTerminalPod(p) &&
        !p.metadata?.deletionTimestamp &&
        labelSelectorMatches({ matchLabels: selector }, p.metadata?.labels),
    );
  const ready = svc.spec?.publishNotReadyAddresses ? pods : pods.filter(isPodReady);
  return { pods, ready };
}

export function hasSelector(svc: V1Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

export interface TemplateOwner {
  readonly ref: ObjectRef;
  readonly desired: number;
}

/** Workloads whose pod template the selector matches: they explain a Service without pods (scaled to zero?). */
export function workloadsSelectedBy(
  selector: { readonly [key: string]: string },
  namespace: string | undefined,
  snapshot: ClusterSnapshot,
): TemplateOwner[] {
  const out: TemplateOwner[] = [];
  const consider = (
    kind: string,
    w: HasMetadata & { spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } } },
    desired: number,
  ) => {
    if (!labelSelectorMatches({ matchLabels: selector }, w.spec?.template?.metadata?.labels)) return;
    out.push({
      ref: { kind, name: w.metadata?.name ?? '', uid: w.metadata?.uid ?? '', ...(namespace ? { namespace } : {}) },
      desired,
    });
  };
  for (const d of snapshot.list('Deployment', namespace)) consider('Deployment', d, d.spec?.replicas ?? 1);
  for (const s of snapshot.list('StatefulSet', namespace)) consider('StatefulSet', s, s.spec?.replicas ?? 1);
  for (const ds of snapshot.list('DaemonSet', namespace))
    consider('DaemonSet', ds, ds.status?.desiredNumberScheduled ?? 0);
  return out;
}
