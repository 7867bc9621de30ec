// One-shot read of everything detection looks at: one list per kind, all in parallel (k8sgpt lists per
// analyzer and fetches events per object; this is why `kubemend analyze` needs far fewer requests).
// A kind the identity may not list is reported and skipped; an unreachable cluster stops the read.

import * as k8s from '@kubernetes/client-node';
import { type KindName, SnapshotStore } from '../detect/index.js';
import { type Connection, type KubeError, toKubeError } from './connect.js';
import { collectionPath, KIND_APIS, listRaw, stripSecretValues } from './kind-apis.js';
import { ServerClock } from './server-clock.js';

export interface ReadOptions {
  /** Namespaced kinds are read from this namespace only (cluster-scoped kinds are always read). */
  readonly namespace?: string;
  /** Fetch container logs for the Log analyzer (one request per failing container, on demand). */
  readonly logs?: boolean;
}

export type ReadResult =
  | {
      readonly ok: true;
      readonly snapshot: SnapshotStore;
      readonly warnings: readonly KubeError[];
      readonly requests: number;
    }
  | { readonly ok: false; readonly error: KubeError };

export async function readCluster(conn: Connection, options: ReadOptions = {}): Promise<ReadResult> {
  let requests = 0;
  const core = conn.kc.makeApiClient(k8s.CoreV1Api);
  const logReader = options.logs
    ? async (namespace: string, pod: string, container: string, previous: boolean) => {
        requests++;
        try {
          return await core.readNamespacedPodLog({ name: pod, namespace, container, previous, tailLines: 100 });
        } catch {
          // No log (container never started, no previous instance) is an answer, not a failure.
          return undefined;
        }
      }
    : undefined;
  // Ages and recency are judged on the cluster's clock, not ours.
  const clock = new ServerClock();
  await clock.sync(conn.kc);
  requests++;
  const snapshot = new SnapshotStore(() => clock.now(), logReader);
  const warnings: KubeError[] = [];
  const results = await Promise.all(
    KIND_APIS.map(async (api) => {
      requests++;
      try {
        const list = await listRaw(conn.kc, collectionPath(api, options.namespace));
        for (const item of list.items)
          snapshot.upsert(api.kind as KindName, stripSecretValues(api.kind, item) as never);
        return undefined;
      } catch (err) {
        return toKubeError(
          err,
          {
            verb: 'list',
            resource: api.resource,
            ...(api.namespaced && options.namespace ? { namespace: options.namespace } : {}),
          },
          conn.server,
        );
      }
    }),
  );
  for (const error of results) {
    if (!error) continue;
    if (error.code === 'UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'UNAUTHORIZED')
      return { ok: false, error };
    warnings.push(error);
  }
  return {
    ok: true,
    snapshot,
    warnings,
    get requests() {
      return requests;
    },
  };
}
