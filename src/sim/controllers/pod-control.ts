// Creating and deleting pods for an owner, with the events kube-controller-manager's PodControl records
// ("Created pod: x", "Error creating: <apiserver message>", "Deleted pod: x"). Shared by the ReplicaSet,
// Job and DaemonSet controllers; the StatefulSet controller words its events differently.

import { clone, type KubeObject } from '../objects.js';
import type { ResourceInfo } from '../resources.js';
import { StatusError } from '../store/status-error.js';
import type { ControllerContext } from './controller.js';
import { K } from './kinds.js';
import { controllerRefTo } from './owner-refs.js';
import type { PodTemplate } from './shapes.js';

export type WriteResult =
  | { readonly ok: true; readonly object: KubeObject }
  | { readonly ok: false; readonly message: string };

export interface PodExtras {
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Final edits to the pod spec (a DaemonSet's node affinity, a StatefulSet's hostname and claims). */
  readonly editSpec?: (spec: Record<string, unknown>) => void;
}

/** GetPodFromTemplate: labels, annotations and finalizers from the template, a controller reference. */
export function podFromTemplate(
  template: PodTemplate | undefined,
  owner: KubeObject,
  extras: PodExtras = {},
): KubeObject {
  const meta = template?.metadata ?? {};
  const spec = clone(template?.spec ?? {}) as Record<string, unknown>;
  extras.editSpec?.(spec);
  const labels = { ...(meta.labels ?? {}), ...(extras.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}), ...(extras.annotations ?? {}) };
  const finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extras.name ? { name: extras.name } : { generateName: `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(finalizers?.length ? { finalizers: [...finalizers] } : {}),
      ownerReferences: [controllerRefTo(owner)],
    },
    spec,
  } as KubeObject;
}

/** The error text a controller shows for a refused write: the apiserver's message, as err.Error() is. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Creates an object, turning a refusal (quota, LimitRange, validation) into a result instead of a throw. */
export function tryCreate(ctx: ControllerContext, r: ResourceInfo, obj: KubeObject): WriteResult {
  try {
    return { ok: true, object: ctx.store.create(r, obj) };
  } catch (err) {
    if (err instanceof StatusError) return { ok: false, message: err.message };
    throw err;
  }
}

export function createPodFor(
  ctx: ControllerContext,
  owner: KubeObject,
  component: string,
  pod: KubeObject,
): WriteResult {
  const res = tryCreate(ctx, K.pods, pod);
  if (res.ok) {
    ctx.events.record({
      object: owner,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${res.object.metadata.name}`,
      component,
    });
  } else {
    ctx.events.record({
      object: owner,
      type: 'Warning',
      reason: 'FailedCreate',
      message: `Error creating: ${res.message}`,
      component,
    });
  }
  return res;
}

export function deletePodFor(ctx: ControllerContext, owner: KubeObject, component: string, pod: KubeObject): boolean {
  try {
    ctx.store.delete(K.pods, pod.metadata.namespace, pod.metadata.name ?? '', { propagationPolicy: 'Background' });
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return true;
    ctx.events.record({
      object: owner,
      type: 'Warning',
      reason: 'FailedDelete',
      message: `Error deleting: ${errorText(err)}`,
      component,
    });
    return false;
  }
  ctx.events.record({
    object: owner,
    type: 'Normal',
    reason: 'SuccessfulDelete',
    message: `Deleted pod: ${pod.metadata.name}`,
    component,
  });
  return true;
}

/** Writes `status` through the status subresource when it differs (the store drops no-op writes). */
export function writeStatus(ctx: ControllerContext, r: ResourceInfo, o: KubeObject, status: unknown): void {
  ctx.store.modify(
    r,
    o.metadata.namespace,
    o.metadata.name ?? '',
    (cur) => {
      cur.status = status as KubeObject['status'];
    },
    { subresource: 'status' },
  );
}
