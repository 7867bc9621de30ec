// Undoing an applied fix: the spec captured before the apply is written back whole, pinned to the generation the
// apply produced. If someone changed the object after kubemend did, the rollback stops instead of erasing their
// change, and a person decides.

import * as k8s from '@kubernetes/client-node';
import { type Connection, toKubeError } from '../kube/connect.js';
import { describeChange } from '../tools/index.js';
import { type LiveObject, objectRef, REMEDY_FIELD_MANAGER, readLive } from './apply.js';

/** What a rollback needs, captured before the apply (and persisted, so a restarted daemon can roll back too). */
export interface Snapshot {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly spec: unknown;
  /** The generation after kubemend's apply: anything newer is someone else's change. */
  readonly appliedGeneration?: number;
}

export type RollbackResult =
  | { readonly ok: true; readonly diff: string; readonly restored: LiveObject }
  | { readonly ok: false; readonly code: 'CONFLICT' | 'NOT_FOUND' | 'API_ERROR'; readonly message: string };

export async function rollback(conn: Connection, snap: Snapshot): Promise<RollbackResult> {
  const api = k8s.KubernetesObjectApi.makeApiClient(conn.kc);
  const read = await readLive(api, snap);
  if (!read.ok)
    return { ok: false, code: read.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'API_ERROR', message: read.message };
  const live = read.live;
  const gen = live.metadata.generation;
  if (snap.appliedGeneration !== undefined && gen !== undefined && gen !== snap.appliedGeneration)
    return {
      ok: false,
      code: 'CONFLICT',
      message: `${snap.kind}/${snap.name} was changed by someone else after kubemend's fix (generation ${snap.appliedGeneration} → ${gen}); not rolling back over their change`,
    };
  const next: LiveObject = { ...structuredClone(live), spec: structuredClone(snap.spec) };
  try {
    // replace carries live's resourceVersion: a write in between fails with 409 rather than being overwritten.
    const restored = await api.replace<LiveObject>(next, undefined, undefined, REMEDY_FIELD_MANAGER);
    return { ok: true, restored, diff: describeChange(live, restored).join('\n') };
  } catch (err) {
    const e = toKubeError(err, {
      verb: 'rollback',
      resource: `${snap.kind.toLowerCase()}/${snap.name}`,
      namespace: snap.namespace,
    });
    return { ok: false, code: e.code === 'CONFLICT' ? 'CONFLICT' : 'API_ERROR', message: e.message };
  }
}

export function snapshotOf(live: LiveObject, appliedGeneration?: number): Snapshot {
  const ref = objectRef({ kind: live.kind ?? '', namespace: live.metadata.namespace ?? '', name: live.metadata.name });
  return {
    kind: ref.kind ?? '',
    namespace: ref.metadata.namespace ?? '',
    name: ref.metadata.name,
    spec: structuredClone(live.spec),
    ...(appliedGeneration === undefined ? {} : { appliedGeneration }),
  };
}
