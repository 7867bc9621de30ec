import type { V1OwnerReference } from '@kubernetes/client-node';
import { type HasMetadata, type KindName, type ObjectRef, refOf } from './kinds.js';
import type { ClusterSnapshot } from './snapshot.js';

// Controllers whose owner chain detection follows: Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob,
// Pod -> StatefulSet / DaemonSet.
const WORKLOAD_KINDS = new Set<string>(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
const MAX_DEPTH = 5;

function controllerRef(obj: HasMetadata): V1OwnerReference | undefined {
  const refs = (obj.metadata?.ownerReferences ?? []) as readonly V1OwnerReference[];
  return refs.find((r) => r.controller === true) ?? refs[0];
}

/**
 * The chain of controllers above `obj`, nearest first, found through ownerReferences and verified by uid
 * against the snapshot. An owner missing from the snapshot ends the chain with the reference itself, except a
 * ReplicaSet named `<deployment>-<pod-template-hash>`: its Deployment is inferred (uid unknown) so a pod's
 * incident keeps the same workload, and fingerprint, while caches are partial.
 */
export function ownerChain(obj: HasMetadata, snapshot: ClusterSnapshot): ObjectRef[] {
  const chain: ObjectRef[] = [];
  const namespace = obj.metadata?.namespace;
  let current: HasMetadata = obj;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const ref = controllerRef(current);
    if (!ref || !WORKLOAD_KINDS.has(ref.kind)) break;
    const ownerRef: ObjectRef = { kind: ref.kind, name: ref.name, uid: ref.uid, ...(namespace ? { namespace } : {}) };
    chain.push(ownerRef);
    const owner = snapshot.get(ref.kind as KindName, namespace, ref.name) as HasMetadata | undefined;
    if (owner && owner.metadata?.uid === ref.uid) {
      current = owner;
      continue;
    }
    const hash = obj.metadata?.labels?.['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
      chain.push({
        kind: 'Deployment',
        name: ref.name.slice(0, -hash.length - 1),
        uid: '',
        ...(namespace ? { namespace } : {}),
      });
    }
    break;
  }
  return chain;
}

/** StatefulSet claims carry no ownerReference; they are named `<template>-<statefulset>-<ordinal>`. */
function claimOwner(obj: HasMetadata, snapshot: ClusterSnapshot): ObjectRef | undefined {
  const name = obj.metadata?.name ?? '';
  for (const sts of snapshot.list('StatefulSet', obj.metadata?.namespace)) {
    for (const t of sts.spec?.volumeClaimTemplates ?? []) {
      const prefix = `${t.metadata?.name}-${sts.metadata?.name}-`;
      if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) return refOf('StatefulSet', sts);
    }
  }
  return undefined;
}

/** The workload an object belongs to: the top of its owner chain, or the object itself. */
export function owningWorkload(kind: string, obj: HasMetadata, snapshot: ClusterSnapshot): ObjectRef {
  const chain = ownerChain(obj, snapshot);
  const top = chain[chain.length - 1];
  if (top) return top;
  return (kind === 'PersistentVolumeClaim' ? claimOwner(obj, snapshot) : undefined) ?? refOf(kind, obj);
}
