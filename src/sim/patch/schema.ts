// How the fields of built-in kinds merge, read off the Go struct tags of k8s.io/api (patchStrategy /
// patchMergeKey for strategic merge patch, +listType / +listMapKey / +structType for server-side apply).
// Only the fields whose merge differs from the default are listed: maps merge key by key and every other
// list is atomic (replaced whole). Node taints and pod tolerations, for instance, carry no strategy.
import { resourceForKind } from '../resources.js';

export type Schema =
  /** A map merged key by key; fields not listed behave like `UNTYPED`. */
  | { readonly kind: 'struct'; readonly fields?: Readonly<Record<string, Schema>> }
  /**
   * A list of objects merged by key. Strategic merge patch uses the single `smpKey`; server-side apply
   * identifies items by all of `ssaKeys` (e.g. a container port is `containerPort` + `protocol`).
   */
  | {
      readonly kind: 'list-map';
      readonly smpKey: string;
      readonly ssaKeys: readonly string[];
      readonly item: Schema;
    }
  /** A list of scalars with set semantics (finalizers). */
  | { readonly kind: 'set' }
  /** Replaced whole by a patch and owned as one field by server-side apply (label selectors). */
  | { readonly kind: 'atomic' };

export const UNTYPED: Schema = { kind: 'struct' };
const ATOMIC: Schema = { kind: 'atomic' };
const SET: Schema = { kind: 'set' };

function struct(fields: Record<string, Schema>): Schema {
  return { kind: 'struct', fields };
}

function listMap(smpKey: string, item: Schema = UNTYPED, ssaKeys: readonly string[] = [smpKey]): Schema {
  return { kind: 'list-map', smpKey, ssaKeys, item };
}

/** Values server-side apply assumes for key fields the apiserver defaults before computing ownership. */
export const KEY_DEFAULTS: Readonly<Record<string, string>> = { protocol: 'TCP' };

const OBJECT_META = struct({ finalizers: SET, ownerReferences: listMap('uid') });
const CONDITIONS = listMap('type');
const WITH_CONDITIONS = struct({ conditions: CONDITIONS });

const CONTAINER = struct({
  ports: listMap('containerPort', UNTYPED, ['containerPort', 'protocol']),
  env: listMap('name'),
  volumeMounts: listMap('mountPath'),
  volumeDevices: listMap('devicePath'),
});

const POD_SPEC = struct({
  containers: listMap('name', CONTAINER),
  initContainers: listMap('name', CONTAINER),
  ephemeralContainers: listMap('name', CONTAINER),
  volumes: listMap('name'),
  imagePullSecrets: listMap('name'),
  hostAliases: listMap('ip'),
  topologySpreadConstraints: listMap('topologyKey', UNTYPED, ['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: listMap('name'),
  schedulingGates: listMap('name'),
});

const POD_STATUS = struct({
  conditions: CONDITIONS,
  podIPs: listMap('ip'),
  hostIPs: listMap('ip'),
  resourceClaimStatuses: listMap('name'),
});

const POD_TEMPLATE = struct({ metadata: OBJECT_META, spec: POD_SPEC });
// metav1.LabelSelector is +structType=atomic wherever it appears.
const WORKLOAD_SPEC = struct({ selector: ATOMIC, template: POD_TEMPLATE });
const JOB_TEMPLATE = struct({ metadata: OBJECT_META, spec: WORKLOAD_SPEC });

function root(fields: Record<string, Schema>): Schema {
  return struct({ metadata: OBJECT_META, ...fields });
}

const WORKLOAD = root({ spec: WORKLOAD_SPEC, status: WITH_CONDITIONS });
const STATUS_CONDITIONS = root({ status: WITH_CONDITIONS });

const BY_KIND: Readonly<Record<string, Schema>> = {
  Pod: root({ spec: POD_SPEC, status: POD_STATUS }),
  PodTemplate: root({ template: POD_TEMPLATE }),
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  ReplicationController: root({ spec: struct({ template: POD_TEMPLATE }), status: WITH_CONDITIONS }),
  Job: WORKLOAD,
  CronJob: root({ spec: struct({ jobTemplate: JOB_TEMPLATE }) }),
  Service: root({
    // Service.spec.selector is a map[string]string tagged +mapType=atomic.
    spec: struct({ ports: listMap('port', UNTYPED, ['port', 'protocol']), selector: ATOMIC }),
    status: WITH_CONDITIONS,
  }),
  Node: root({
    spec: struct({ podCIDRs: SET }),
    status: struct({ conditions: CONDITIONS, addresses: listMap('type') }),
  }),
  ServiceAccount: root({ secrets: listMap('name') }),
  Namespace: STATUS_CONDITIONS,
  PersistentVolumeClaim: STATUS_CONDITIONS,
  HorizontalPodAutoscaler: STATUS_CONDITIONS,
  PodDisruptionBudget: root({ spec: struct({ selector: ATOMIC }), status: WITH_CONDITIONS }),
  NetworkPolicy: root({ spec: struct({ podSelector: ATOMIC }) }),
  ValidatingWebhookConfiguration: root({ webhooks: listMap('name') }),
  MutatingWebhookConfiguration: root({ webhooks: listMap('name') }),
};

const DEFAULT_ROOT = root({});

/** The merge schema for an object of this kind; unknown kinds only know ObjectMeta. */
export function schemaForKind(kind: string): Schema {
  return Object.hasOwn(BY_KIND, kind) ? (BY_KIND[kind] as Schema) : DEFAULT_ROOT;
}

/** The schema of a map's field; fields the schema does not list are `UNTYPED`. */
export function fieldSchema(parent: Schema, field: string): Schema {
  if (parent.kind !== 'struct' || !parent.fields || !Object.hasOwn(parent.fields, field)) return UNTYPED;
  return parent.fields[field] as Schema;
}

/**
 * Whether the apiserver serves strategic merge patch for this kind: only compiled-in types carry the struct
 * tags, so custom resources get 415 as on a real cluster. Built-in means a resource the simulator serves,
 * or any kind of a dotless group (which covers subresource kinds such as autoscaling/v1 Scale).
 */
export function supportsStrategicMerge(apiVersion: string, kind: string): boolean {
  if (resourceForKind(apiVersion, kind)) return true;
  const slash = apiVersion.indexOf('/');
  return slash < 0 || !apiVersion.slice(0, slash).includes('.');
}
