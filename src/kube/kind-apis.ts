// For each kind detection reads: its REST path, so `analyze` (one list per kind) and the watcher (list + watch
// per kind) share one table. Lists come back as plain JSON, the shape watch events have: client-node's typed
// list calls rebuild every object as model classes with Date fields, which at 10,000 pods costs more CPU and
// memory than everything kubemend does with them (see docs/benchmarks.md, bench:detect).

import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import type { KindName } from '../detect/kinds.js';

export interface ListPage {
  readonly items: unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

export interface KindApi {
  readonly kind: KindName;
  /** Collection path for all namespaces (or cluster-scoped). */
  readonly path: string;
  readonly namespaced: boolean;
  /** The plural resource name, for error messages ("cannot list pods"). */
  readonly resource: string;
}

/** The collection path, narrowed to one namespace when given and the kind is namespaced. */
export function collectionPath(api: KindApi, namespace?: string): string {
  return namespace && api.namespaced ? api.path.replace(/\/([a-z]+)$/, `/namespaces/${namespace}/$1`) : api.path;
}

/**
 * GETs a collection (`query`: limit, continue...) with the kubeconfig's credentials. HTTP errors reject with
 * client-node's ApiException, so `toKubeError` names them as for any other call.
 */
export async function listRaw(
  kc: k8s.KubeConfig,
  path: string,
  query: Readonly<Record<string, string>> = {},
): Promise<ListPage> {
  const url = new URL(`${kc.getCurrentCluster()?.server ?? ''}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const opts: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) resolve(JSON.parse(body) as ListPage);
        else reject(new k8s.ApiException(code, `HTTP ${code}`, body, {}));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const row = (kind: KindName, path: string, resource: string, namespaced: boolean): KindApi => ({
  kind,
  path,
  resource,
  namespaced,
});

export const KIND_APIS: readonly KindApi[] = [
  row('Namespace', '/api/v1/namespaces', 'namespaces', false),
  row('Node', '/api/v1/nodes', 'nodes', false),
  row('Pod', '/api/v1/pods', 'pods', true),
  row('Event', '/api/v1/events', 'events', true),
  row('Service', '/api/v1/services', 'services', true),
  row('Endpoints', '/api/v1/endpoints', 'endpoints', true),
  row('ConfigMap', '/api/v1/configmaps', 'configmaps', true),
  row('Secret', '/api/v1/secrets', 'secrets', true),
  row('PersistentVolumeClaim', '/api/v1/persistentvolumeclaims', 'persistentvolumeclaims', true),
  row('PersistentVolume', '/api/v1/persistentvolumes', 'persistentvolumes', false),
  row('ResourceQuota', '/api/v1/resourcequotas', 'resourcequotas', true),
  row('Deployment', '/apis/apps/v1/deployments', 'deployments', true),
  row('ReplicaSet', '/apis/apps/v1/replicasets', 'replicasets', true),
  row('StatefulSet', '/apis/apps/v1/statefulsets', 'statefulsets', true),
  row('DaemonSet', '/apis/apps/v1/daemonsets', 'daemonsets', true),
  row('Job', '/apis/batch/v1/jobs', 'jobs', true),
  row('CronJob', '/apis/batch/v1/cronjobs', 'cronjobs', true),
  row('Ingress', '/apis/networking.k8s.io/v1/ingresses', 'ingresses', true),
  row('IngressClass', '/apis/networking.k8s.io/v1/ingressclasses', 'ingressclasses', false),
  row('NetworkPolicy', '/apis/networking.k8s.io/v1/networkpolicies', 'networkpolicies', true),
  row('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', 'endpointslices', true),
  row('StorageClass', '/apis/storage.k8s.io/v1/storageclasses', 'storageclasses', false),
  row('HorizontalPodAutoscaler', '/apis/autoscaling/v2/horizontalpodautoscalers', 'horizontalpodautoscalers', true),
  row('PodDisruptionBudget', '/apis/policy/v1/poddisruptionbudgets', 'poddisruptionbudgets', true),
  row(
    'ValidatingWebhookConfiguration',
    '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    false,
  ),
  row(
    'MutatingWebhookConfiguration',
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
    'mutatingwebhookconfigurations',
    false,
  ),
];

/**
 * Secret values never reach kubemend's own caches, analyzers or anything that leaves the process: keep the keys
 * (analyzers check "key X missing"), drop the values. Applied to every Secret handed to kubemend's code. (The
 * watcher's client-node informer keeps its own copy of what the API server sent until the next event; that copy
 * is never read by kubemend.)
 */
export function stripSecretValues<T>(kind: KindName, obj: T): T {
  if (kind !== 'Secret') return obj;
  const s = obj as { data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  const blank = (m: Record<string, unknown> | undefined) =>
    m ? Object.fromEntries(Object.keys(m).map((k) => [k, ''])) : undefined;
  const out = { ...(obj as object) } as { data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  if (s.data) out.data = blank(s.data);
  if (s.stringData) out.stringData = blank(s.stringData);
  return out as T;
}
