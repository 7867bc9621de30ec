// The storage admission plugins: DefaultStorageClass (a claim that names no class gets the default one,
// the newest if several are marked) and PersistentVolumeClaimResize (growing a claim needs a class that
// allows volume expansion), with kube-apiserver's messages.

import { parseQuantityExact } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import type { AdmissionHook, ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';
import { K } from './kinds.js';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export interface ClaimSpec {
  storageClassName?: string | null;
  volumeName?: string;
  accessModes?: string[];
  volumeMode?: string;
  selector?: { matchLabels?: Record<string, string> };
  resources?: { requests?: { storage?: string | number } };
}

function defaultStorageClass(store: ObjectStore): KubeObject | undefined {
  const defaults = store
    .all(K.storageClasses)
    .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  // Several defaults: the most recently created wins (Kubernetes 1.26+).
  return defaults.sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  )[0];
}

/** The class a claim asks for: spec.storageClassName, or the legacy beta annotation. */
export function claimClassName(pvc: KubeObject): string {
  const spec = (pvc.spec ?? {}) as ClaimSpec;
  return spec.storageClassName ?? pvc.metadata.annotations?.[BETA_CLASS_ANNOTATION] ?? '';
}

export function requestedStorage(pvc: KubeObject): bigint | undefined {
  const v = ((pvc.spec ?? {}) as ClaimSpec).resources?.requests?.storage;
  return v === undefined ? undefined : parseQuantityExact(v)?.nanos;
}

export const storageAdmission: AdmissionHook = (req, store) => {
  if (req.resource !== K.pvcs || req.subresource) return req.object;
  if (req.operation === 'CREATE') {
    const spec = (req.object.spec ?? {}) as ClaimSpec;
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return req.object;
    if (req.object.metadata.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return req.object;
    const def = defaultStorageClass(store);
    if (!def) return req.object;
    const out = structuredClone(req.object) as KubeObject;
    (out.spec as ClaimSpec).storageClassName = def.metadata.name ?? '';
    return out;
  }
  if (req.operation === 'UPDATE' && req.old) {
    const before = requestedStorage(req.old);
    const after = requestedStorage(req.object);
    if (before === undefined || after === undefined || after <= before) return req.object;
    const cls = store.get(K.storageClasses, undefined, claimClassName(req.old));
    if (!(cls as { allowVolumeExpansion?: boolean } | undefined)?.allowVolumeExpansion) {
      const name = req.object.metadata.name ?? '';
      throw new StatusError(
        403,
        'Forbidden',
        `persistentvolumeclaims "${name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
        { name, kind: 'persistentvolumeclaims' },
      );
    }
  }
  return req.object;
};
