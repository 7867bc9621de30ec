// Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns when kubectl asks for
// `application/json;as=Table`. Without it kubectl falls back to NAME/AGE and hides STATUS and RESTARTS.
// Rows reference the given objects (no copies): callers serialize the table and drop it.

import type { KubeObject } from '../objects.js';
import { type ResourceInfo, resourceKey } from '../resources.js';
import {
  clusterRoleBindingPrinter,
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  networkPolicyPrinter,
  pvcPrinter,
  pvPrinter,
  roleBindingPrinter,
  storageClassPrinter,
  webhookConfigurationPrinter,
} from './cluster.js';
import {
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';
import { podPrinter } from './pods.js';
import {
  AGE_COLUMN,
  ageOf,
  CREATED_AT_COLUMN,
  NAME_COLUMN,
  nameOf,
  type Printer,
  type RowCondition,
  type TableColumn,
} from './printer.js';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  hpaPrinter,
  jobPrinter,
  pdbPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.js';

export { formatAge } from './format.js';
export type { ColumnType, RowCondition, TableColumn } from './printer.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  readonly cells: unknown[];
  /** PartialObjectMetadata for 'Metadata', the object for 'Object', null for 'None'. */
  readonly object: unknown;
  readonly conditions?: readonly RowCondition[];
}

const PRINTERS = new Map<string, Printer>([
  [resourceKey('', 'pods'), podPrinter],
  [resourceKey('', 'services'), servicePrinter],
  [resourceKey('', 'nodes'), nodePrinter],
  [resourceKey('', 'namespaces'), namespacePrinter],
  [resourceKey('', 'events'), eventPrinter],
  [resourceKey('events.k8s.io', 'events'), eventPrinter],
  [resourceKey('', 'configmaps'), configMapPrinter],
  [resourceKey('', 'secrets'), secretPrinter],
  [resourceKey('', 'serviceaccounts'), serviceAccountPrinter],
  [resourceKey('', 'endpoints'), endpointsPrinter],
  [resourceKey('', 'resourcequotas'), resourceQuotaPrinter],
  [resourceKey('', 'persistentvolumeclaims'), pvcPrinter],
  [resourceKey('', 'persistentvolumes'), pvPrinter],
  [resourceKey('apps', 'deployments'), deploymentPrinter],
  [resourceKey('apps', 'replicasets'), replicaSetPrinter],
  [resourceKey('apps', 'statefulsets'), statefulSetPrinter],
  [resourceKey('apps', 'daemonsets'), daemonSetPrinter],
  [resourceKey('batch', 'jobs'), jobPrinter],
  [resourceKey('batch', 'cronjobs'), cronJobPrinter],
  [resourceKey('autoscaling', 'horizontalpodautoscalers'), hpaPrinter],
  [resourceKey('policy', 'poddisruptionbudgets'), pdbPrinter],
  [resourceKey('networking.k8s.io', 'ingresses'), ingressPrinter],
  [resourceKey('networking.k8s.io', 'ingressclasses'), ingressClassPrinter],
  [resourceKey('networking.k8s.io', 'networkpolicies'), networkPolicyPrinter],
  [resourceKey('discovery.k8s.io', 'endpointslices'), endpointSlicePrinter],
  [resourceKey('storage.k8s.io', 'storageclasses'), storageClassPrinter],
  [resourceKey('rbac.authorization.k8s.io', 'rolebindings'), roleBindingPrinter],
  [resourceKey('rbac.authorization.k8s.io', 'clusterrolebindings'), clusterRoleBindingPrinter],
  [resourceKey('coordination.k8s.io', 'leases'), leasePrinter],
  [resourceKey('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'), webhookConfigurationPrinter],
  [resourceKey('admissionregistration.k8s.io', 'validatingwebhookconfigurations'), webhookConfigurationPrinter],
]);

// Built-in kinds kube-apiserver has no printer for get its DefaultTableConvertor: Name and Created At.
const BUILTIN_WITHOUT_PRINTER = new Set([
  resourceKey('', 'limitranges'),
  resourceKey('rbac.authorization.k8s.io', 'roles'),
  resourceKey('rbac.authorization.k8s.io', 'clusterroles'),
]);

/** Go's time.RFC3339 in UTC, the zero time when the object has no creation timestamp. */
function rfc3339(ts: string | undefined): string {
  const t = ts === undefined ? Number.NaN : Date.parse(ts);
  return Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const createdAtPrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  cells: (o) => [nameOf(o), rfc3339(o.metadata.creationTimestamp)],
};

// What a CustomResourceDefinition without additionalPrinterColumns serves.
const ageOnlyPrinter: Printer = {
  columns: [NAME_COLUMN, { ...AGE_COLUMN, type: 'date' }],
  cells: (o, now) => [nameOf(o), ageOf(o, now)],
};

function printerFor(resource: ResourceInfo): Printer {
  const key = resourceKey(resource.group, resource.plural);
  return PRINTERS.get(key) ?? (BUILTIN_WITHOUT_PRINTER.has(key) ? createdAtPrinter : ageOnlyPrinter);
}

export function tableColumns(resource: ResourceInfo): TableColumn[] {
  return [...printerFor(resource).columns];
}

function rowObject(obj: KubeObject, includeObject: IncludeObject): unknown {
  switch (includeObject) {
    case 'None':
      return null;
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

export function tableRow(resource: ResourceInfo, obj: KubeObject, now: Date, includeObject: IncludeObject): TableRow {
  const printer = printerFor(resource);
  const conditions = printer.conditions?.(obj);
  const row = { cells: printer.cells(obj, now), object: rowObject(obj, includeObject) };
  return conditions ? { ...row, conditions } : row;
}

/** The full Table envelope for a list (or, with one object, for a GET or a watch event). */
export function toTable(
  resource: ResourceInfo,
  objs: readonly KubeObject[],
  listMeta: { resourceVersion: string; continue?: string },
  now: Date,
  includeObject: IncludeObject = 'Metadata',
): object {
  const metadata: { resourceVersion: string; continue?: string } = { resourceVersion: listMeta.resourceVersion };
  if (listMeta.continue) metadata.continue = listMeta.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: tableColumns(resource),
    rows: objs.map((o) => tableRow(resource, o, now, includeObject)),
  };
}
