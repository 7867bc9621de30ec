// Writing a Fix to the cluster, dry-run first. Every write is pinned to the object that was read: the Fix carries
// the generation it was computed against, and the write carries the resourceVersion just read, so a person's edit
// in between turns into a CONFLICT for the engine to re-propose against, never into a silent overwrite.

import * as k8s from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import type { Fix } from '../agents/fix.js';
import { type Connection, toKubeError } from '../kube/connect.js';
import { describeChange, kindInfo } from '../tools/index.js';

export const REMEDY_FIELD_MANAGER = 'kubemend';

export interface LiveObject extends k8s.KubernetesObject {
  metadata: k8s.V1ObjectMeta & { name: string };
  spec?: unknown;
  status?: unknown;
}

export type WriteErrorCode = 'CONFLICT' | 'NOT_FOUND' | 'INVALID' | 'UNSUPPORTED' | 'API_ERROR';

export type WriteResult =
  | { readonly ok: true; readonly before: LiveObject; readonly after: LiveObject; readonly diff: string }
  | { readonly ok: false; readonly code: WriteErrorCode; readonly message: string };

type Target = Pick<Fix['target'], 'kind' | 'namespace' | 'name'>;

export function objectRef(t: Target): LiveObject {
  const info = kindInfo(t.kind);
  return {
    apiVersion: info?.apiVersion ?? 'v1',
    kind: info?.kind ?? t.kind,
    metadata: { name: t.name, namespace: t.namespace },
  };
}

function failed(err: unknown, verb: string, t: Target): WriteResult {
  const e = toKubeError(err, { verb, resource: `${t.kind.toLowerCase()}/${t.name}`, namespace: t.namespace });
  const code: WriteErrorCode =
    e.code === 'CONFLICT' || e.code === 'NOT_FOUND' || e.code === 'INVALID' ? e.code : 'API_ERROR';
  return { ok: false, code, message: e.message };
}

export async function readLive(
  api: k8s.KubernetesObjectApi,
  t: Target,
): Promise<{ ok: true; live: LiveObject } | Extract<WriteResult, { ok: false }>> {
  try {
    return { ok: true, live: await api.read<LiveObject>(objectRef(t)) };
  } catch (err) {
    return failed(err, 'get', t) as Extract<WriteResult, { ok: false }>;
  }
}

/** Whether someone changed the spec since the Fix was computed (status updates do not count). */
export function changedSince(fix: Fix, live: LiveObject): string | undefined {
  const { generation, resourceVersion } = fix.target;
  if (generation !== undefined) {
    const now = live.metadata.generation;
    return now !== undefined && now !== generation
      ? `${fix.target.kind}/${fix.target.name} was changed since the fix was proposed (generation ${generation} → ${now})`
      : undefined;
  }
  if (resourceVersion !== undefined && live.metadata.resourceVersion !== resourceVersion)
    return `${fix.target.kind}/${fix.target.name} was changed since the fix was proposed (resourceVersion ${resourceVersion} → ${live.metadata.resourceVersion})`;
  return undefined;
}

const REVISION = 'deployment.kubernetes.io/revision';

/** The pod template `kubectl rollout undo` would restore: the ReplicaSet of that revision, or the one before the current. */
async function undoTemplate(api: k8s.KubernetesObjectApi, fix: Fix, live: LiveObject): Promise<unknown> {
  if (live.kind !== 'Deployment') return undefined;
  const list = await api.list<k8s.V1ReplicaSet>('apps/v1', 'ReplicaSet', fix.target.namespace);
  const owned = list.items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === live.metadata.uid))
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) }))
    .sort((a, b) => b.revision - a.revision);
  const current = Number(live.metadata.annotations?.[REVISION] ?? owned[0]?.revision ?? 0);
  const found = fix.toRevision
    ? owned.find((o) => o.revision === fix.toRevision)
    : owned.find((o) => o.revision < current);
  const template = structuredClone(found?.rs.spec?.template);
  if (template?.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return template;
}

/** The object the Fix turns `live` into, for the kinds that are computed here and written as an update. */
async function replacement(api: k8s.KubernetesObjectApi, fix: Fix, live: LiveObject): Promise<LiveObject | string> {
  const next = structuredClone(live);
  if (fix.kind === 'rollout-undo') {
    const template = await undoTemplate(api, fix, live);
    if (!template) return `no earlier revision of ${fix.target.kind}/${fix.target.name} to roll back to`;
    (next.spec as { template: unknown }).template = template;
    return next;
  }
  if (fix.kind === 'patch' && fix.patch?.type === 'json') {
    const ops = fix.patch.body as jsonpatch.Operation[];
    const error = Array.isArray(ops) ? jsonpatch.validate(ops, structuredClone(live)) : new Error('not an array');
    if (error) return `the JSON patch does not apply: ${error.message}`;
    return jsonpatch.applyPatch(next, ops, false, true).newDocument;
  }
  return `cannot compute ${fix.kind}`;
}

function patchOf(fix: Fix, now: Date): { body: unknown; strategy: k8s.PatchStrategy } | undefined {
  if (fix.kind === 'patch' && fix.patch && fix.patch.type !== 'json')
    return {
      body: fix.patch.body,
      strategy: fix.patch.type === 'merge' ? k8s.PatchStrategy.MergePatch : k8s.PatchStrategy.StrategicMergePatch,
    };
  if (fix.kind === 'scale')
    return { body: { spec: { replicas: fix.replicas } }, strategy: k8s.PatchStrategy.MergePatch };
  if (fix.kind === 'rollout-restart')
    return {
      body: {
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } },
      },
      strategy: k8s.PatchStrategy.StrategicMergePatch,
    };
  return undefined;
}

async function writeOnce(
  api: k8s.KubernetesObjectApi,
  fix: Fix,
  live: LiveObject,
  dryRun: boolean,
  now: Date,
): Promise<WriteResult> {
  const t = fix.target;
  const dry = dryRun ? 'All' : undefined;
  try {
    if (fix.kind === 'delete-pod') {
      await api.delete(objectRef({ ...t, kind: 'Pod' }), undefined, dry);
      return { ok: true, before: live, after: live, diff: `- pod ${t.namespace}/${t.name}` };
    }
    const patch = patchOf(fix, now);
    let after: LiveObject;
    if (patch) {
      const body = (patch.body ?? {}) as { metadata?: object };
      // The resourceVersion in the patch makes the API server refuse it (409) if the object moved on since `live`.
      const metadata = {
        ...body.metadata,
        name: t.name,
        namespace: t.namespace,
        resourceVersion: live.metadata.resourceVersion,
      };
      after = await api.patch<LiveObject>(
        { ...body, apiVersion: live.apiVersion, kind: live.kind, metadata } as LiveObject,
        undefined,
        dry,
        REMEDY_FIELD_MANAGER,
        undefined,
        patch.strategy,
      );
    } else {
      const next = await replacement(api, fix, live);
      if (typeof next === 'string') return { ok: false, code: 'UNSUPPORTED', message: next };
      after = await api.replace<LiveObject>(next, undefined, dry, REMEDY_FIELD_MANAGER);
    }
    return { ok: true, before: live, after, diff: describeChange(live, after).join('\n') };
  } catch (err) {
    return failed(err, dryRun ? 'dry-run' : 'apply', fix.target);
  }
}

export interface WriteOptions {
  readonly dryRun: boolean;
  /** The cluster's clock, for rollout-restart's timestamp. */
  readonly now?: () => Date;
}

/**
 * Dry-runs or applies the Fix against the live object. A 409 caused by a status update (same generation) is
 * retried on the fresh object; a spec change by someone else is a CONFLICT.
 */
export async function writeFix(conn: Connection, fix: Fix, opts: WriteOptions): Promise<WriteResult> {
  const api = k8s.KubernetesObjectApi.makeApiClient(conn.kc);
  const now = opts.now ?? (() => new Date());
  for (let attempt = 0; ; attempt++) {
    const read = await readLive(api, fix.target);
    if (!read.ok) return read;
    const moved = changedSince(fix, read.live);
    if (moved) return { ok: false, code: 'CONFLICT', message: moved };
    const result = await writeOnce(api, fix, read.live, opts.dryRun, now());
    if (result.ok || result.code !== 'CONFLICT' || attempt >= 2) return result;
  }
}
