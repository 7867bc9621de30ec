// What every cluster has before anyone applies anything: the `kubernetes` Service (10.96.0.1:443) with its
// Endpoints and EndpointSlice, the default StorageClass `standard` (a local-path style provisioner that
// waits for the first consumer and allows expansion), and — the serviceaccount controller's job — a
// `default` ServiceAccount in every namespace, recreated if deleted.

import type { KubeObject } from '../objects.js';
import { StatusError } from '../store/status-error.js';
import type { Controller, ControllerContext } from './controller.js';
import { K } from './kinds.js';

export const DEFAULT_STORAGE_CLASS = 'standard';
export const DEFAULT_PROVISIONER = 'rancher.io/local-path';
const API_SERVER_IP = '172.18.0.1';
const CLUSTER_KEY = '@cluster';

function ensure(ctx: ControllerContext, r: Parameters<ControllerContext['store']['get']>[0], obj: KubeObject): void {
  if (ctx.store.get(r, obj.metadata.namespace, obj.metadata.name ?? '')) return;
  try {
    ctx.store.create(r, obj);
  } catch (err) {
    // A namespace being deleted refuses new objects; an object made meanwhile is fine too.
    if (!(err instanceof StatusError)) throw err;
  }
}

function seedCluster(ctx: ControllerContext): void {
  ensure(ctx, K.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
  } as KubeObject);
  ensure(ctx, K.endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: API_SERVER_IP }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  } as KubeObject);
  ensure(ctx, K.endpointSlices, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [API_SERVER_IP], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  } as KubeObject);
  ensure(ctx, K.storageClasses, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: DEFAULT_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  } as KubeObject);
}

function ensureServiceAccount(ctx: ControllerContext, namespace: string): void {
  const ns = ctx.store.get(K.namespaces, undefined, namespace);
  if (!ns || ns.metadata.deletionTimestamp) return;
  ensure(ctx, K.serviceAccounts, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace },
  } as KubeObject);
}

export function clusterBootstrap(ctx: ControllerContext): Controller {
  return {
    name: 'serviceaccount-controller',
    keysFor(e) {
      if (e.resource === K.namespaces && e.type !== 'DELETED') return [`ns/${e.object.metadata.name}`];
      if (e.resource === K.serviceAccounts && e.type === 'DELETED' && e.object.metadata.name === 'default')
        return [`ns/${e.object.metadata.namespace}`];
      return [];
    },
    initialKeys: () => [CLUSTER_KEY, ...ctx.store.all(K.namespaces).map((n) => `ns/${n.metadata.name}`)],
    reconcile(key) {
      if (key === CLUSTER_KEY) seedCluster(ctx);
      else ensureServiceAccount(ctx, key.slice(3));
    },
  };
}
