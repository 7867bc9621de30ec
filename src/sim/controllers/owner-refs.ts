// ownerReferences as the controllers use them: the one `controller: true` reference decides who manages an
// object; garbage collection (in the store) follows every reference.

import type { KubeObject, OwnerReference } from '../objects.js';

/** The reference a controller puts on what it creates (blockOwnerDeletion as kube-controller-manager sets it). */
export function controllerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerRefOf(o: KubeObject | undefined): OwnerReference | undefined {
  return o?.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(o: KubeObject, owner: KubeObject): boolean {
  return controllerRefOf(o)?.uid === owner.metadata.uid;
}

/** Work-queue key of the controller of `o` when it is of `kind` (e.g. the Deployment of a ReplicaSet). */
export function ownerKey(o: KubeObject | undefined, kind: string): string | undefined {
  const ref = controllerRefOf(o);
  if (!o || !ref || ref.kind !== kind) return undefined;
  return `${o.metadata.namespace ?? ''}/${ref.name}`;
}
