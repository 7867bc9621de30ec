import type {
  CoreV1Event,
  V1ConfigMap,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1IngressClass,
  V1Job,
  V1MutatingWebhookConfiguration,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1ResourceQuota,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
  V1ValidatingWebhookConfiguration,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

/** The kinds detection reads, keyed by Kubernetes kind name, with the client-node model for each. */
export interface KindMap {
  Pod: V1Pod;
  Deployment: V1Deployment;
  ReplicaSet: V1ReplicaSet;
  StatefulSet: V1StatefulSet;
  DaemonSet: V1DaemonSet;
  Job: V1Job;
  CronJob: V1CronJob;
  Service: V1Service;
  Endpoints: V1Endpoints;
  EndpointSlice: V1EndpointSlice;
  Ingress: V1Ingress;
  IngressClass: V1IngressClass;
  PersistentVolumeClaim: V1PersistentVolumeClaim;
  PersistentVolume: V1PersistentVolume;
  StorageClass: V1StorageClass;
  Node: V1Node;
  HorizontalPodAutoscaler: V2HorizontalPodAutoscaler;
  PodDisruptionBudget: V1PodDisruptionBudget;
  NetworkPolicy: V1NetworkPolicy;
  ValidatingWebhookConfiguration: V1ValidatingWebhookConfiguration;
  MutatingWebhookConfiguration: V1MutatingWebhookConfiguration;
  ConfigMap: V1ConfigMap;
  Secret: V1Secret;
  ResourceQuota: V1ResourceQuota;
  Namespace: V1Namespace;
  Event: CoreV1Event;
}

export type KindName = keyof KindMap;

export const KIND_NAMES: readonly KindName[] = [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Ingress',
  'IngressClass',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'Node',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ConfigMap',
  'Secret',
  'ResourceQuota',
  'Namespace',
  'Event',
];

const CLUSTER_SCOPED: ReadonlySet<KindName> = new Set<KindName>([
  'Node',
  'PersistentVolume',
  'StorageClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'Namespace',
]);

export function isKindName(kind: unknown): kind is KindName {
  return typeof kind === 'string' && (KIND_NAMES as readonly string[]).includes(kind);
}

export function isClusterScoped(kind: KindName): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** A pointer to one object; `namespace` is absent for cluster-scoped kinds, `uid` empty when only inferred. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid: string;
}

/** Anything with Kubernetes metadata, typed loosely so helpers accept every model. */
export interface HasMetadata {
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly creationTimestamp?: Date | string;
    readonly ownerReferences?: readonly {
      readonly kind: string;
      readonly name: string;
      readonly uid: string;
      readonly controller?: boolean;
    }[];
  };
}

export function refOf(kind: string, obj: HasMetadata): ObjectRef {
  const m = obj.metadata;
  const ref = { kind, name: m?.name ?? '', uid: m?.uid ?? '' };
  return m?.namespace ? { ...ref, namespace: m.namespace } : ref;
}

export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  return [...new Map(refs.map((r) => [refKey(r), r])).values()];
}
