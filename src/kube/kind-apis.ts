// For each kind detection reads: its REST path (for informers' watches) and its typed list call, so
// `analyze` (one list per kind) and the watcher (list + watch per kind) share one table.

import * as k8s from '@kubernetes/client-node';
import type { KindName } from '../detect/kinds.js';

export interface KindApi {
  readonly kind: KindName;
  /** Collection path for all namespaces (or cluster-scoped). */
  readonly path: string;
  readonly namespaced: boolean;
  /** The plural resource name, for error messages ("cannot list pods"). */
  readonly resource: string;
  /** Lists all objects (all namespaces, or one namespace when given and the kind is namespaced). */
  list(kc: k8s.KubeConfig, namespace?: string): Promise<{ items: unknown[]; metadata?: { resourceVersion?: string } }>;
}

type Lister = (kc: k8s.KubeConfig, ns?: string) => Promise<{ items: unknown[]; metadata?: k8s.V1ListMeta }>;

function row(kind: KindName, path: string, resource: string, namespaced: boolean, list: Lister): KindApi {
  return { kind, path, resource, namespaced, list };
}

const core = (kc: k8s.KubeConfig) => kc.makeApiClient(k8s.CoreV1Api);
const apps = (kc: k8s.KubeConfig) => kc.makeApiClient(k8s.AppsV1Api);
const batch = (kc: k8s.KubeConfig) => kc.makeApiClient(k8s.BatchV1Api);
const net = (kc: k8s.KubeConfig) => kc.makeApiClient(k8s.NetworkingV1Api);

export const KIND_APIS: readonly KindApi[] = [
  row('Namespace', '/api/v1/namespaces', 'namespaces', false, (kc) => core(kc).listNamespace()),
  row('Node', '/api/v1/nodes', 'nodes', false, (kc) => core(kc).listNode()),
  row('Pod', '/api/v1/pods', 'pods', true, (kc, ns) =>
    ns ? core(kc).listNamespacedPod({ namespace: ns }) : core(kc).listPodForAllNamespaces(),
  ),
  row('Event', '/api/v1/events', 'events', true, (kc, ns) =>
    ns ? core(kc).listNamespacedEvent({ namespace: ns }) : core(kc).listEventForAllNamespaces(),
  ),
  row('Service', '/api/v1/services', 'services', true, (kc, ns) =>
    ns ? core(kc).listNamespacedService({ namespace: ns }) : core(kc).listServiceForAllNamespaces(),
  ),
  row('Endpoints', '/api/v1/endpoints', 'endpoints', true, (kc, ns) =>
    ns ? core(kc).listNamespacedEndpoints({ namespace: ns }) : core(kc).listEndpointsForAllNamespaces(),
  ),
  row('ConfigMap', '/api/v1/configmaps', 'configmaps', true, (kc, ns) =>
    ns ? core(kc).listNamespacedConfigMap({ namespace: ns }) : core(kc).listConfigMapForAllNamespaces(),
  ),
  row('Secret', '/api/v1/secrets', 'secrets', true, (kc, ns) =>
    ns ? core(kc).listNamespacedSecret({ namespace: ns }) : core(kc).listSecretForAllNamespaces(),
  ),
  row('PersistentVolumeClaim', '/api/v1/persistentvolumeclaims', 'persistentvolumeclaims', true, (kc, ns) =>
    ns
      ? core(kc).listNamespacedPersistentVolumeClaim({ namespace: ns })
      : core(kc).listPersistentVolumeClaimForAllNamespaces(),
  ),
  row('PersistentVolume', '/api/v1/persistentvolumes', 'persistentvolumes', false, (kc) =>
    core(kc).listPersistentVolume(),
  ),
  row('ResourceQuota', '/api/v1/resourcequotas', 'resourcequotas', true, (kc, ns) =>
    ns ? core(kc).listNamespacedResourceQuota({ namespace: ns }) : core(kc).listResourceQuotaForAllNamespaces(),
  ),
  row('Deployment', '/apis/apps/v1/deployments', 'deployments', true, (kc, ns) =>
    ns ? apps(kc).listNamespacedDeployment({ namespace: ns }) : apps(kc).listDeploymentForAllNamespaces(),
  ),
  row('ReplicaSet', '/apis/apps/v1/replicasets', 'replicasets', true, (kc, ns) =>
    ns ? apps(kc).listNamespacedReplicaSet({ namespace: ns }) : apps(kc).listReplicaSetForAllNamespaces(),
  ),
  row('StatefulSet', '/apis/apps/v1/statefulsets', 'statefulsets', true, (kc, ns) =>
    ns ? apps(kc).listNamespacedStatefulSet({ namespace: ns }) : apps(kc).listStatefulSetForAllNamespaces(),
  ),
  row('DaemonSet', '/apis/apps/v1/daemonsets', 'daemonsets', true, (kc, ns) =>
    ns ? apps(kc).listNamespacedDaemonSet({ namespace: ns }) : apps(kc).listDaemonSetForAllNamespaces(),
  ),
  row('Job', '/apis/batch/v1/jobs', 'jobs', true, (kc, ns) =>
    ns ? batch(kc).listNamespacedJob({ namespace: ns }) : batch(kc).listJobForAllNamespaces(),
  ),
  row('CronJob', '/apis/batch/v1/cronjobs', 'cronjobs', true, (kc, ns) =>
    ns ? batch(kc).listNamespacedCronJob({ namespace: ns }) : batch(kc).listCronJobForAllNamespaces(),
  ),
  row('Ingress', '/apis/networking.k8s.io/v1/ingresses', 'ingresses', true, (kc, ns) =>
    ns ? net(kc).listNamespacedIngress({ namespace: ns }) : net(kc).listIngressForAllNamespaces(),
  ),
  row('IngressClass', '/apis/networking.k8s.io/v1/ingressclasses', 'ingressclasses', false, (kc) =>
    net(kc).listIngressClass(),
  ),
  row('NetworkPolicy', '/apis/networking.k8s.io/v1/networkpolicies', 'networkpolicies', true, (kc, ns) =>
    ns ? net(kc).listNamespacedNetworkPolicy({ namespace: ns }) : net(kc).listNetworkPolicyForAllNamespaces(),
  ),
  row('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', 'endpointslices', true, (kc, ns) =>
    ns
      ? kc.makeApiClient(k8s.DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: ns })
      : kc.makeApiClient(k8s.DiscoveryV1Api).listEndpointSliceForAllNamespaces(),
  ),
  row('StorageClass', '/apis/storage.k8s.io/v1/storageclasses', 'storageclasses', false, (kc) =>
    kc.makeApiClient(k8s.StorageV1Api).listStorageClass(),
  ),
  row(
    'HorizontalPodAutoscaler',
    '/apis/autoscaling/v2/horizontalpodautoscalers',
    'horizontalpodautoscalers',
    true,
    (kc, ns) =>
      ns
        ? kc.makeApiClient(k8s.AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler({ namespace: ns })
        : kc.makeApiClient(k8s.AutoscalingV2Api).listHorizontalPodAutoscalerForAllNamespaces(),
  ),
  row('PodDisruptionBudget', '/apis/policy/v1/poddisruptionbudgets', 'poddisruptionbudgets', true, (kc, ns) =>
    ns
      ? kc.makeApiClient(k8s.PolicyV1Api).listNamespacedPodDisruptionBudget({ namespace: ns })
      : kc.makeApiClient(k8s.PolicyV1Api).listPodDisruptionBudgetForAllNamespaces(),
  ),
  row(
    'ValidatingWebhookConfiguration',
    '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    false,
    (kc) => kc.makeApiClient(k8s.AdmissionregistrationV1Api).listValidatingWebhookConfiguration(),
  ),
  row(
    'MutatingWebhookConfiguration',
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
    'mutatingwebhookconfigurations',
    false,
    (kc) => kc.makeApiClient(k8s.AdmissionregistrationV1Api).listMutatingWebhookConfiguration(),
  ),
];

/**
 * Secret values never stay in kubemend's memory: keep the keys (analyzers check "key X missing"), drop values.
 * Applied to every Secret the moment it is received, before any cache or analyzer sees it.
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
