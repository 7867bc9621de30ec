// Volume setup as kubelet's volume manager does it before any container starts: configMap, secret,
// projected and downwardAPI volumes become files (a missing object or key that is not optional is a
// FailedMount with the plugin's message), claims must be bound, emptyDir and the rest are plain directories.
// Each container then sees the files under its volumeMounts.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { Container, DownwardApiFile, KeyToPath, Volume } from '../scheduler/pod-shape.js';
import { podSpec } from '../scheduler/pod-shape.js';
import type { ObjectStore } from '../store/object-store.js';
import { configMapData, secretData } from './container-env.js';
import { fieldRefValue, type PodPlacement, resourceFieldValue } from './downward-api.js';
import type { ContainerMount } from './program/types.js';

const PVCS = RESOURCES.find((r) => r.plural === 'persistentvolumeclaims' && r.group === '')!;

const DEFAULT_MODE = 0o644;
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A mounted volume's files by path relative to the mount point. */
export interface VolumeFiles {
  readonly files: Readonly<Record<string, string>>;
  readonly modes: Readonly<Record<string, number>>;
}

export type VolumeSetup =
  | { readonly ok: true; readonly volumes: ReadonlyMap<string, VolumeFiles> }
  | {
      readonly ok: false;
      /** Volumes whose plugin failed, with the FailedMount message. */
      readonly failures: readonly { readonly volume: string; readonly message: string }[];
      /** Volumes waiting on something else (an unbound claim), with the reason kubelet gives at its timeout. */
      readonly waiting: readonly { readonly volume: string; readonly message: string }[];
    };

type Collected =
  | { ok: true; files: Record<string, string>; modes: Record<string, number> }
  | { ok: false; message: string };

function fromKeys(
  data: Readonly<Record<string, string>> | undefined,
  notFound: string,
  missingKey: (key: string) => string,
  items: readonly KeyToPath[] | undefined,
  optional: boolean | undefined,
): Collected {
  const files: Record<string, string> = {};
  const modes: Record<string, number> = {};
  if (!data) return optional ? { ok: true, files, modes } : { ok: false, message: notFound };
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) {
      files[k] = v;
      modes[k] = DEFAULT_MODE;
    }
    return { ok: true, files, modes };
  }
  for (const item of items) {
    const v = data[item.key];
    if (v === undefined) {
      if (optional) continue;
      return { ok: false, message: missingKey(item.key) };
    }
    files[item.path] = v;
    modes[item.path] = item.mode ?? DEFAULT_MODE;
  }
  return { ok: true, files, modes };
}

function downwardFiles(pod: KubeObject, items: readonly DownwardApiFile[], place: PodPlacement): Collected {
  const files: Record<string, string> = {};
  const modes: Record<string, number> = {};
  for (const item of items) {
    const self = podSpec(pod).containers?.[0] ?? { name: '' };
    const r = item.fieldRef
      ? fieldRefValue(pod, item.fieldRef.fieldPath, place)
      : item.resourceFieldRef
        ? resourceFieldValue(pod, self, item.resourceFieldRef, place)
        : { ok: true as const, value: '' };
    if (!r.ok) return r;
    files[item.path] = r.value;
    modes[item.path] = DEFAULT_MODE;
  }
  return { ok: true, files, modes };
}

function serviceAccountToken(pod: KubeObject): string {
  const payload = Buffer.from(
    JSON.stringify({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: `system:serviceaccount:${pod.metadata.namespace}:${podSpec(pod).serviceAccountName ?? 'default'}`,
    }),
  ).toString('base64url');
  return `eyJhbGciOiJSUzI1NiIsImtpZCI6InNpbSJ9.${payload}.c2ltdWxhdGVkLXNpZ25hdHVyZQ`;
}

function collect(store: ObjectStore, pod: KubeObject, v: Volume, place: PodPlacement): Collected {
  const ns = pod.metadata.namespace ?? 'default';
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    return fromKeys(
      configMapData(store, ns, name),
      `configmap "${name}" not found`,
      (k) => `configmap references non-existent config key: ${k}`,
      v.configMap.items,
      v.configMap.optional,
    );
  }
  if (v.secret) {
    const name = v.secret.secretName ?? '';
    return fromKeys(
      secretData(store, ns, name),
      `secret "${name}" not found`,
      (k) => `references non-existent secret key: ${k}`,
      v.secret.items,
      v.secret.optional,
    );
  }
  if (v.downwardAPI) return downwardFiles(pod, v.downwardAPI.items ?? [], place);
  if (v.projected) {
    const files: Record<string, string> = {};
    const modes: Record<string, number> = {};
    for (const src of v.projected.sources ?? []) {
      let part: Collected = { ok: true, files: {}, modes: {} };
      if (src.configMap) {
        const name = src.configMap.name ?? '';
        part = fromKeys(
          configMapData(store, ns, name),
          `configmap "${name}" not found`,
          (k) => `configmap references non-existent config key: ${k}`,
          src.configMap.items,
          src.configMap.optional,
        );
      } else if (src.secret) {
        const name = src.secret.name ?? '';
        part = fromKeys(
          secretData(store, ns, name),
          `secret "${name}" not found`,
          (k) => `references non-existent secret key: ${k}`,
          src.secret.items,
          src.secret.optional,
        );
      } else if (src.downwardAPI) part = downwardFiles(pod, src.downwardAPI.items ?? [], place);
      else if (src.serviceAccountToken)
        part = { ok: true, files: { [src.serviceAccountToken.path]: serviceAccountToken(pod) }, modes: {} };
      if (!part.ok) return part;
      Object.assign(files, part.files);
      Object.assign(modes, part.modes);
    }
    return { ok: true, files, modes };
  }
  return { ok: true, files: {}, modes: {} };
}

export function setUpVolumes(store: ObjectStore, pod: KubeObject, place: PodPlacement): VolumeSetup {
  const volumes = new Map<string, VolumeFiles>();
  const failures: { volume: string; message: string }[] = [];
  const waiting: { volume: string; message: string }[] = [];
  for (const v of podSpec(pod).volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim) {
      const pvc = store.get(PVCS, pod.metadata.namespace, claim);
      const bound = (pvc?.status as { phase?: string } | undefined)?.phase === 'Bound';
      if (!bound) {
        const why = pvc ? 'PVC is not bound' : `persistentvolumeclaim "${claim}" not found`;
        waiting.push({ volume: v.name, message: `error processing PVC ${pod.metadata.namespace}/${claim}: ${why}` });
        continue;
      }
    }
    const r = collect(store, pod, v, place);
    if (!r.ok)
      failures.push({ volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : ${r.message}` });
    else volumes.set(v.name, { files: r.files, modes: r.modes });
  }
  if (failures.length > 0 || waiting.length > 0) return { ok: false, failures, waiting };
  return { ok: true, volumes };
}

function join(dir: string, rel: string): string {
  return `${dir.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
}

export interface ContainerFiles {
  readonly files: Record<string, string>;
  readonly fileModes: Record<string, number>;
  readonly mounts: ContainerMount[];
}

/** The files one container sees through its volumeMounts (plus the service account token kubelet mounts). */
export function containerFiles(
  pod: KubeObject,
  container: Container,
  volumes: ReadonlyMap<string, VolumeFiles>,
): ContainerFiles {
  const files: Record<string, string> = {};
  const fileModes: Record<string, number> = {};
  const mounts: ContainerMount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const vol = volumes.get(m.name);
    if (!vol) {
      mounts.push({ path: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}) });
      continue;
    }
    const sub = m.subPath?.replace(/^\/+|\/+$/g, '');
    if (sub && vol.files[sub] !== undefined) {
      // A subPath to one file puts that file at mountPath, leaving the image's directory around it intact.
      files[m.mountPath] = vol.files[sub]!;
      fileModes[m.mountPath] = vol.modes[sub] ?? DEFAULT_MODE;
      continue;
    }
    mounts.push({ path: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}) });
    for (const [rel, content] of Object.entries(vol.files)) {
      if (sub && !rel.startsWith(`${sub}/`)) continue;
      const path = join(m.mountPath, sub ? rel.slice(sub.length + 1) : rel);
      files[path] = content;
      fileModes[path] = vol.modes[rel] ?? DEFAULT_MODE;
    }
  }
  const spec = podSpec(pod);
  const hasToken = (container.volumeMounts ?? []).some((m) => m.mountPath.replace(/\/+$/, '') === SERVICE_ACCOUNT_DIR);
  if (spec.automountServiceAccountToken !== false && !hasToken) {
    mounts.push({ path: SERVICE_ACCOUNT_DIR, readOnly: true });
    files[`${SERVICE_ACCOUNT_DIR}/token`] = serviceAccountToken(pod);
    files[`${SERVICE_ACCOUNT_DIR}/namespace`] = pod.metadata.namespace ?? 'default';
    files[`${SERVICE_ACCOUNT_DIR}/ca.crt`] =
      '-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVkIGNsdXN0ZXIgQ0E=\n-----END CERTIFICATE-----\n';
  }
  return { files, fileModes, mounts };
}
