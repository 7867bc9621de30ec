// The resources the workload controllers read and write, looked up once from the catalogue so controllers
// compare ResourceInfo identities (as store events carry them) instead of strings.

import { RESOURCES, type ResourceInfo } from '../resources.js';

function resource(group: string, plural: string): ResourceInfo {
  const r = RESOURCES.find((x) => x.group === group && x.plural === plural);
  if (!r) throw new Error(`resource ${plural}.${group} is missing from the catalogue`);
  return r;
}

export const K = {
  namespaces: resource('', 'namespaces'),
  nodes: resource('', 'nodes'),
  pods: resource('', 'pods'),
  services: resource('', 'services'),
  endpoints: resource('', 'endpoints'),
  configMaps: resource('', 'configmaps'),
  secrets: resource('', 'secrets'),
  serviceAccounts: resource('', 'serviceaccounts'),
  events: resource('', 'events'),
  pvs: resource('', 'persistentvolumes'),
  pvcs: resource('', 'persistentvolumeclaims'),
  quotas: resource('', 'resourcequotas'),
  limitRanges: resource('', 'limitranges'),
  deployments: resource('apps', 'deployments'),
  replicaSets: resource('apps', 'replicasets'),
  statefulSets: resource('apps', 'statefulsets'),
  daemonSets: resource('apps', 'daemonsets'),
  jobs: resource('batch', 'jobs'),
  cronJobs: resource('batch', 'cronjobs'),
  hpas: resource('autoscaling', 'horizontalpodautoscalers'),
  endpointSlices: resource('discovery.k8s.io', 'endpointslices'),
  storageClasses: resource('storage.k8s.io', 'storageclasses'),
} as const;

/** `namespace/name`, the work-queue key every namespaced controller uses. */
export function keyOf(o: { metadata: { namespace?: string; name?: string } }): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
