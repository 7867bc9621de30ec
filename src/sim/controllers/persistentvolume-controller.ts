// The PersistentVolume binder plus a local-path style external provisioner: claims bind to a matching
// Available volume or get a dynamically provisioned `pvc-<uid>` one; WaitForFirstConsumer classes wait
// until a pod using the claim has a node (the scheduler's selected-node annotation, or the pod's
// binding); a claim naming a missing class stays Pending with ProvisioningFailed; bound claims grow when
// their class allows expansion; a deleted claim's volume is deleted or Released per its reclaim policy.

import { formatQuantityExact, parseQuantityExact } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { podSpec } from '../scheduler/pod-shape.js';
import { StatusError } from '../store/status-error.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { writeStatus } from './pod-control.js';
import { type ClaimSpec, claimClassName, requestedStorage } from './storage-admission.js';

const COMPONENT = 'persistentvolume-controller';
// The PV controller's resync period: pending claims are looked at again this often.
const RESYNC_MS = 15_000;
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

interface StorageClassShape {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

interface PvSpec {
  capacity?: { storage?: string };
  accessModes?: string[];
  storageClassName?: string;
  claimRef?: { name?: string; namespace?: string; uid?: string };
  persistentVolumeReclaimPolicy?: string;
  volumeMode?: string;
}

function pvSpec(pv: KubeObject): PvSpec {
  return (pv.spec ?? {}) as PvSpec;
}

function claimKey(ns: string | undefined, name: string | undefined): string {
  return `pvc:${ns ?? ''}/${name ?? ''}`;
}

function claimsOf(pod: KubeObject): string[] {
  return (podSpec(pod).volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
  );
}

export function persistentVolumeController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.pvcs) {
        // A deleted claim releases its volume.
        const volume = e.type === 'DELETED' ? ((e.object.spec ?? {}) as ClaimSpec).volumeName : undefined;
        return [claimKey(e.object.metadata.namespace, e.object.metadata.name), ...(volume ? [`pv:${volume}`] : [])];
      }
      if (e.resource === K.pvs) {
        const ref = pvSpec(e.object).claimRef;
        return [`pv:${e.object.metadata.name}`, ...(ref ? [claimKey(ref.namespace, ref.name)] : [])];
      }
      if (e.resource === K.pods) {
        const bound = (podSpec(e.object).nodeName ?? '') !== '' && !podSpec(e.previous ?? e.object).nodeName;
        return bound || e.type === 'ADDED'
          ? claimsOf(e.object).map((c) => claimKey(e.object.metadata.namespace, c))
          : [];
      }
      if (e.resource === K.storageClasses && e.type === 'ADDED') {
        return ctx.store
          .all(K.pvcs)
          .filter((c) => (c.status as { phase?: string } | undefined)?.phase !== 'Bound')
          .map((c) => claimKey(c.metadata.namespace, c.metadata.name));
      }
      return [];
    },
    initialKeys: () => [
      ...ctx.store.all(K.pvcs).map((c) => claimKey(c.metadata.namespace, c.metadata.name)),
      ...ctx.store.all(K.pvs).map((v) => `pv:${v.metadata.name}`),
    ],
    reconcile(key) {
      if (key.startsWith('pv:')) return syncVolume(ctx, key.slice(3));
      const { namespace, name } = splitKey(key.slice(4));
      const pvc = ctx.store.get(K.pvcs, namespace, name);
      if (!pvc) return;
      return syncClaim(ctx, index, pvc);
    },
  };
}

function event(
  ctx: ControllerContext,
  pvc: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component = COMPONENT,
): void {
  ctx.events.record({ object: pvc, type, reason, message, component });
}

function setPending(ctx: ControllerContext, pvc: KubeObject): void {
  if ((pvc.status as { phase?: string } | undefined)?.phase !== 'Pending')
    writeStatus(ctx, K.pvcs, pvc, { phase: 'Pending' });
}

function syncClaim(ctx: ControllerContext, index: ObjectIndex, pvc: KubeObject): number | undefined {
  const spec = (pvc.spec ?? {}) as ClaimSpec;
  if (pvc.metadata.deletionTimestamp) return undefined;
  if (spec.volumeName) return syncBound(ctx, pvc, spec.volumeName);
  const className = claimClassName(pvc);
  const match = findVolume(ctx, pvc, className);
  const cls = className ? ctx.store.get(K.storageClasses, undefined, className) : undefined;
  const waitForConsumer = (cls as StorageClassShape | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
  const node = waitForConsumer ? consumerNode(index, pvc) : undefined;
  if (match && (!waitForConsumer || node)) {
    bind(ctx, pvc, match);
    return undefined;
  }
  if (!className) {
    setPending(ctx, pvc);
    event(
      ctx,
      pvc,
      'Normal',
      'FailedBinding',
      'no persistent volumes available for this claim and no storage class is set',
    );
    return RESYNC_MS;
  }
  if (!cls) {
    setPending(ctx, pvc);
    event(ctx, pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return RESYNC_MS;
  }
  if (waitForConsumer && !node) {
    setPending(ctx, pvc);
    event(ctx, pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    return RESYNC_MS;
  }
  provision(ctx, pvc, cls, node);
  return undefined;
}

/** The node of the first consumer: the scheduler's selected-node annotation, or a bound pod's node. */
function consumerNode(index: ObjectIndex, pvc: KubeObject): string | undefined {
  const selected = pvc.metadata.annotations?.[SELECTED_NODE];
  if (selected) return selected;
  const name = pvc.metadata.name;
  for (const pod of index.inNamespace(K.pods, pvc.metadata.namespace ?? '')) {
    if (claimsOf(pod).includes(name ?? '') && podSpec(pod).nodeName) return podSpec(pod).nodeName;
  }
  return undefined;
}

/** findBestMatchForClaim: the smallest Available volume of the class that is big enough. */
function findVolume(ctx: ControllerContext, pvc: KubeObject, className: string): KubeObject | undefined {
  const want = requestedStorage(pvc) ?? 0n;
  const modes = ((pvc.spec ?? {}) as ClaimSpec).accessModes ?? [];
  const selector = ((pvc.spec ?? {}) as ClaimSpec).selector?.matchLabels ?? {};
  let best: { pv: KubeObject; size: bigint } | undefined;
  for (const pv of ctx.store.all(K.pvs)) {
    const s = pvSpec(pv);
    if (s.claimRef && !(s.claimRef.name === pvc.metadata.name && s.claimRef.namespace === pvc.metadata.namespace))
      continue;
    if (s.claimRef?.uid && s.claimRef.uid !== pvc.metadata.uid) continue;
    if ((s.storageClassName ?? '') !== className) continue;
    if ((pv.status as { phase?: string } | undefined)?.phase === 'Released') continue;
    if (!modes.every((m) => (s.accessModes ?? []).includes(m))) continue;
    if (!Object.entries(selector).every(([k, v]) => pv.metadata.labels?.[k] === v)) continue;
    const size = parseQuantityExact(s.capacity?.storage ?? '0')?.nanos ?? 0n;
    if (size < want) continue;
    if (!best || size < best.size) best = { pv, size };
  }
  return best?.pv;
}

function provision(ctx: ControllerContext, pvc: KubeObject, cls: KubeObject, node: string | undefined): void {
  const sc = cls as StorageClassShape;
  const provisioner = sc.provisioner ?? 'kubernetes.io/no-provisioner';
  const ns = pvc.metadata.namespace ?? '';
  const claimName = pvc.metadata.name ?? '';
  const annotated = ctx.store.modify(K.pvcs, ns, claimName, (c) => {
    c.metadata.annotations = {
      ...(c.metadata.annotations ?? {}),
      'volume.beta.kubernetes.io/storage-provisioner': provisioner,
      'volume.kubernetes.io/storage-provisioner': provisioner,
    };
  });
  const claim = annotated ?? pvc;
  setPending(ctx, claim);
  event(
    ctx,
    claim,
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
  const provisionerComponent = `${provisioner}_local-path-provisioner-7b9c4d8f5-sim`;
  event(
    ctx,
    claim,
    'Normal',
    'Provisioning',
    `External provisioner is provisioning volume for claim "${ns}/${claimName}"`,
    provisionerComponent,
  );
  const spec = (claim.spec ?? {}) as ClaimSpec;
  const name = `pvc-${claim.metadata.uid}`;
  const storage = spec.resources?.requests?.storage ?? '1Gi';
  let pv: KubeObject;
  try {
    pv = ctx.store.create(K.pvs, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name,
        annotations: {
          'pv.kubernetes.io/provisioned-by': provisioner,
          ...(node ? { 'local.path.provisioner/selected-node': node } : {}),
        },
      },
      spec: {
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: String(storage) },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name: claimName,
          namespace: ns,
          resourceVersion: claim.metadata.resourceVersion,
          uid: claim.metadata.uid,
        },
        hostPath: { path: `/var/local-path-provisioner/${name}_${ns}_${claimName}`, type: 'DirectoryOrCreate' },
        ...(node
          ? {
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                  ],
                },
              },
            }
          : {}),
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: claimClassName(claim),
        volumeMode: spec.volumeMode ?? 'Filesystem',
      },
    } as KubeObject);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    const existing = ctx.store.get(K.pvs, undefined, name);
    if (!existing) {
      event(
        ctx,
        claim,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "${claimClassName(claim)}": ${err.message}`,
        provisionerComponent,
      );
      return;
    }
    pv = existing;
  }
  event(ctx, claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`, provisionerComponent);
  bind(ctx, claim, pv);
}

/** Binds claim and volume both ways, as the binder does: PV claimRef, PVC volumeName, both Bound. */
function bind(ctx: ControllerContext, pvc: KubeObject, pv: KubeObject): void {
  const ns = pvc.metadata.namespace ?? '';
  const claimName = pvc.metadata.name ?? '';
  const boundPv =
    ctx.store.modify(K.pvs, undefined, pv.metadata.name ?? '', (v) => {
      const s = v.spec as PvSpec & { claimRef?: Record<string, unknown> };
      s.claimRef = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: claimName,
        namespace: ns,
        resourceVersion: pvc.metadata.resourceVersion,
        uid: pvc.metadata.uid,
      };
      v.metadata.annotations = { ...(v.metadata.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' };
    }) ?? pv;
  writeStatus(ctx, K.pvs, boundPv, { phase: 'Bound' });
  const boundPvc =
    ctx.store.modify(K.pvcs, ns, claimName, (c) => {
      (c.spec as ClaimSpec).volumeName = pv.metadata.name ?? '';
      c.metadata.annotations = {
        ...(c.metadata.annotations ?? {}),
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
      };
    }) ?? pvc;
  writeStatus(ctx, K.pvcs, boundPvc, claimBoundStatus(boundPv));
}

function claimBoundStatus(pv: KubeObject): Record<string, unknown> {
  const s = pvSpec(pv);
  return {
    phase: 'Bound',
    accessModes: s.accessModes ?? ['ReadWriteOnce'],
    capacity: { storage: s.capacity?.storage ?? '0' },
  };
}

function syncBound(ctx: ControllerContext, pvc: KubeObject, volumeName: string): number | undefined {
  const pv = ctx.store.get(K.pvs, undefined, volumeName);
  if (!pv) {
    if ((pvc.status as { phase?: string } | undefined)?.phase === 'Bound') {
      writeStatus(ctx, K.pvcs, pvc, { phase: 'Lost' });
      event(ctx, pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    }
    return undefined;
  }
  const ref = pvSpec(pv).claimRef;
  if (!ref || ref.uid !== pvc.metadata.uid) {
    bind(ctx, pvc, pv);
    return undefined;
  }
  expand(ctx, pvc, pv);
  const fresh = ctx.store.get(K.pvcs, pvc.metadata.namespace, pvc.metadata.name ?? '') ?? pvc;
  const freshPv = ctx.store.get(K.pvs, undefined, volumeName) ?? pv;
  const status = claimBoundStatus(freshPv);
  if (JSON.stringify(fresh.status) !== JSON.stringify(status)) writeStatus(ctx, K.pvcs, fresh, status);
  if ((freshPv.status as { phase?: string } | undefined)?.phase !== 'Bound')
    writeStatus(ctx, K.pvs, freshPv, { phase: 'Bound' });
  return undefined;
}

/** Volume expansion: the volume grows to the claim's new request when its class allows it. */
function expand(ctx: ControllerContext, pvc: KubeObject, pv: KubeObject): void {
  const want = requestedStorage(pvc);
  const have = parseQuantityExact(pvSpec(pv).capacity?.storage ?? '0');
  if (want === undefined || !have || want <= have.nanos) return;
  const cls = ctx.store.get(K.storageClasses, undefined, claimClassName(pvc)) as StorageClassShape | undefined;
  if (!cls?.allowVolumeExpansion) return;
  const requested = ((pvc.spec ?? {}) as ClaimSpec).resources?.requests?.storage ?? '0';
  const size = formatQuantityExact(parseQuantityExact(requested) ?? { nanos: want, format: 'BinarySI' });
  const resizer = `external-resizer ${cls.provisioner ?? ''}`;
  event(ctx, pvc, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`, resizer);
  ctx.store.modify(K.pvs, undefined, pv.metadata.name ?? '', (v) => {
    (v.spec as PvSpec).capacity = { ...(pvSpec(v).capacity ?? {}), storage: size };
  });
  event(
    ctx,
    pvc,
    'Normal',
    'VolumeResizeSuccessful',
    `resize volume "${pv.metadata.name}" by resizer "${cls.provisioner ?? ''}" succeeded`,
    resizer,
  );
}

/** A volume without a live claim is Available, or — once its claim is gone — Released or deleted. */
function syncVolume(ctx: ControllerContext, name: string): undefined {
  const pv = ctx.store.get(K.pvs, undefined, name);
  if (!pv) return undefined;
  const ref = pvSpec(pv).claimRef;
  const phase = (pv.status as { phase?: string } | undefined)?.phase;
  if (!ref) {
    if (phase !== 'Available') writeStatus(ctx, K.pvs, pv, { phase: 'Available' });
    return undefined;
  }
  const claim = ref.name ? ctx.store.get(K.pvcs, ref.namespace, ref.name) : undefined;
  if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) return undefined;
  if (!ref.uid) return undefined;
  // The claim this volume was bound to is gone.
  if ((pvSpec(pv).persistentVolumeReclaimPolicy ?? 'Retain') === 'Delete') {
    try {
      ctx.store.delete(K.pvs, undefined, name);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
    }
  } else if (phase !== 'Released') {
    writeStatus(ctx, K.pvs, pv, { phase: 'Released' });
  }
  return undefined;
}
