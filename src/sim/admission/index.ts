// Built-in admission for the simulator: defaulting (what `kubectl get -o yaml` shows that nobody wrote) and
// validation (the 422 Invalid with field causes a real kube-apiserver returns). Pure functions; the store
// decides when to call them and how to turn causes into a Status.

import { clone, type KubeObject } from '../objects.js';
import { RESOURCES, type ResourceInfo } from '../resources.js';
import { rec } from '../tables/read.js';
import { validateConfigMap, validatePersistentVolumeClaim, validateSecret, validateService } from './core-kinds.js';
import { defaulterFor } from './defaults.js';
import { type FieldCause, goQuote } from './field.js';
import { validateObjectMeta } from './meta.js';
import {
  type NameValidator,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
} from './names.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import { validatePodSpec } from './pod-spec.js';
import {
  validateCronJob,
  validateDaemonSet,
  validateDeployment,
  validateJob,
  validateReplicaSet,
  validateStatefulSet,
} from './workloads.js';

export type { FieldCause, FieldReason } from './field.js';

export type AdmissionResult = { ok: true; object: KubeObject } | { ok: false; causes: FieldCause[] };

type KindValidator = (obj: KubeObject, old: KubeObject | undefined) => FieldCause[];

const validatePod: KindValidator = (pod, old) => [
  ...validatePodSpec(pod.spec, 'spec'),
  ...(old ? validatePodUpdate(pod, old) : validatePodCreate(pod)),
];

const VALIDATORS: ReadonlyMap<string, KindValidator> = new Map<string, KindValidator>([
  ['/Pod', validatePod],
  ['/Service', validateService],
  ['/ConfigMap', validateConfigMap],
  ['/Secret', validateSecret],
  ['/PersistentVolumeClaim', validatePersistentVolumeClaim],
  ['apps/Deployment', validateDeployment],
  ['apps/ReplicaSet', validateReplicaSet],
  ['apps/StatefulSet', validateStatefulSet],
  ['apps/DaemonSet', validateDaemonSet],
  ['batch/Job', validateJob],
  ['batch/CronJob', validateCronJob],
]);

// metadata.name rules that differ from the usual DNS subdomain.
const NAME_RULES: ReadonlyMap<string, NameValidator> = new Map<string, NameValidator>([
  ['/Namespace', nameIsDNSLabel],
  ['/Service', nameIsDNS1035Label],
  ['rbac.authorization.k8s.io/Role', nameIsPathSegment],
  ['rbac.authorization.k8s.io/ClusterRole', nameIsPathSegment],
  ['rbac.authorization.k8s.io/RoleBinding', nameIsPathSegment],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', nameIsPathSegment],
]);

/** Returns a defaulted clone; idempotent, so running it again on a stored object changes nothing. */
export function defaultObject(resource: ResourceInfo, obj: KubeObject): KubeObject {
  const out = clone(obj);
  defaulterFor(resource.group, resource.kind)?.(out as Record<string, unknown>);
  return out;
}

/** Validates a new object, or an update when `old` is given. An empty list means valid. */
export function validateObject(resource: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldCause[] {
  const kindKey = `${resource.group}/${resource.kind}`;
  const withMeta = { ...obj, metadata: rec(obj.metadata) } as KubeObject;
  const causes = validateObjectMeta(withMeta, resource.namespaced, NAME_RULES.get(kindKey) ?? nameIsDNSSubdomain);
  const validator = VALIDATORS.get(kindKey);
  if (validator) causes.push(...validator(withMeta, old));
  return causes;
}

/** Defaults then validates: the whole built-in admission chain in one call. */
export function admit(resource: ResourceInfo, obj: KubeObject, old?: KubeObject): AdmissionResult {
  const object = defaultObject(resource, obj);
  const causes = validateObject(resource, object, old);
  return causes.length === 0 ? { ok: true, object } : { ok: false, causes };
}

/** "Deployment.apps", or the bare kind for the core group: how Invalid messages name a kind. */
export function qualifiedKind(resource: Pick<ResourceInfo, 'group' | 'kind'>): string {
  return resource.group === '' ? resource.kind : `${resource.kind}.${resource.group}`;
}

function qualify(kind: string): string {
  if (kind.includes('.')) return kind;
  const matches = RESOURCES.filter((r) => r.kind === kind);
  const r = matches.find((m) => m.group === '') ?? matches[0];
  return r ? qualifiedKind(r) : kind;
}

/**
 * The 422 message exactly as kube-apiserver words it: `Deployment.apps "web" is invalid: <cause>` for one
 * cause and `[...]` around several, repeated causes once. `kind` may be bare ("Deployment") or qualified.
 */
export function invalidMessage(kind: string, name: string, causes: readonly FieldCause[]): string {
  const head = `${qualify(kind)} ${goQuote(name)} is invalid`;
  const messages = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  if (messages.length === 0) return head;
  if (messages.length === 1) return `${head}: ${messages[0]}`;
  return `${head}: [${messages.join(', ')}]`;
}
