// The VolumeBinding plugin's part of scheduling: a PreFilter that refuses pods whose claims are missing or
// unbound with immediate binding (the PV controller must bind those first), a per-node filter for the node
// affinity of already-bound local volumes, and the `selected-node` annotation that tells the PV controller
// where to provision a WaitForFirstConsumer claim.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import type { FilterFailure } from './node-filters.js';
import { matchNodeSelectorTerm, REASON_VOLUME_AFFINITY } from './node-filters.js';
import { type NodeSelectorTerm, podSpec } from './pod-shape.js';

const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;
const PVS = RESOURCES.find((r) => r.plural === 'persistentvolumes' && r.group === '')!;
const CLASSES = RESOURCES.find((r) => r.plural === 'storageclasses')!;

export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const REASON_PV_MISSING = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

export type VolumeCheck =
  | {
      readonly ok: true;
      /** Per-node check for volumes already bound to a PV with node affinity. */
      readonly filter: (node: KubeObject) => FilterFailure | undefined;
      /** WaitForFirstConsumer claims to annotate with the chosen node. */
      readonly delayedClaims: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

interface ClaimShape {
  spec?: { storageClassName?: string | null; volumeName?: string };
  status?: { phase?: string };
}

function storageClassOf(store: ObjectStore, claim: KubeObject): KubeObject | undefined {
  const name = (claim as ClaimShape).spec?.storageClassName;
  if (name === '') return undefined;
  if (name) return store.get(CLASSES, undefined, name);
  // A claim without a class gets the default one (the DefaultStorageClass admission plugin's job).
  return store
    .all(CLASSES)
    .find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
}

export function checkPodVolumes(store: ObjectStore, pod: KubeObject): VolumeCheck {
  const ns = pod.metadata.namespace;
  const terms: (readonly NodeSelectorTerm[])[] = [];
  const delayedClaims: string[] = [];
  let missingPv = false;
  let unboundImmediate = false;
  for (const v of podSpec(pod).volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const claim = store.get(PVCS, ns, claimName);
    if (!claim) return { ok: false, message: `persistentvolumeclaim "${claimName}" not found` };
    if (claim.metadata.deletionTimestamp)
      return { ok: false, message: `persistentvolumeclaim "${claimName}" is being deleted` };
    const shape = claim as ClaimShape;
    const volumeName = shape.spec?.volumeName;
    if (volumeName) {
      const pv = store.get(PVS, undefined, volumeName);
      if (!pv) missingPv = true;
      const required = (
        pv?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined
      )?.nodeAffinity?.required?.nodeSelectorTerms;
      if (required) terms.push(required);
      continue;
    }
    const sc = storageClassOf(store, claim);
    if ((sc as { volumeBindingMode?: string } | undefined)?.volumeBindingMode === 'WaitForFirstConsumer')
      delayedClaims.push(claimName);
    else unboundImmediate = true;
  }
  if (unboundImmediate) return { ok: false, message: 'pod has unbound immediate PersistentVolumeClaims' };
  return {
    ok: true,
    delayedClaims,
    filter: (node) => {
      if (missingPv) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_PV_MISSING] };
      const fits = terms.every((t) => t.some((term) => matchNodeSelectorTerm(term, node)));
      return fits ? undefined : { code: 'UnschedulableAndUnresolvable', reasons: [REASON_VOLUME_AFFINITY] };
    },
  };
}

/** Records the chosen node on delayed claims, as kube-scheduler's binder does before binding the pod. */
export function annotateSelectedNode(
  store: ObjectStore,
  namespace: string | undefined,
  claims: readonly string[],
  node: string,
): void {
  for (const name of claims) {
    try {
      store.modify(PVCS, namespace, name, (c) => {
        c.metadata.annotations = { ...(c.metadata.annotations ?? {}), [SELECTED_NODE_ANNOTATION]: node };
      });
    } catch {
      // The claim changed or vanished meanwhile; the PV controller still sees the pod's nodeName.
    }
  }
}
