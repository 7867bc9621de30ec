// The resource catalogue the simulator serves: one row per resource, from which discovery (aggregated and
// legacy), OpenAPI, routing and Table output are derived. Adding a kind here is all it takes to serve it.

export interface SubresourceInfo {
  readonly name: string; // 'status' | 'scale' | 'log' | 'eviction'
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly string[];
}

export interface ResourceInfo {
  readonly group: string; // '' for core
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly SubresourceInfo[];
  /** Whether spec changes bump metadata.generation (objects with a spec and a controller). */
  readonly hasSpec: boolean;
  /** The verbs discovery advertises and the server accepts. */
  readonly verbs: readonly string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function status(group: string, version: string, kind: string): SubresourceInfo {
  return { name: 'status', group, version, kind, verbs: ['get', 'patch', 'update'] };
}
function scale(): SubresourceInfo {
  return { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
}

interface Row {
  g: string;
  v: string;
  kind: string;
  plural: string;
  ns: boolean;
  short?: string[];
  all?: boolean;
  sub?: ('status' | 'scale' | 'log' | 'eviction')[];
  spec?: boolean;
}

const ROWS: Row[] = [
  { g: '', v: 'v1', kind: 'Namespace', plural: 'namespaces', ns: false, short: ['ns'], sub: ['status'] },
  { g: '', v: 'v1', kind: 'Node', plural: 'nodes', ns: false, short: ['no'], sub: ['status'] },
  {
    g: '',
    v: 'v1',
    kind: 'Pod',
    plural: 'pods',
    ns: true,
    short: ['po'],
    all: true,
    sub: ['status', 'log', 'eviction'],
  },
  { g: '', v: 'v1', kind: 'Service', plural: 'services', ns: true, short: ['svc'], all: true, sub: ['status'] },
  { g: '', v: 'v1', kind: 'Endpoints', plural: 'endpoints', ns: true, short: ['ep'] },
  { g: '', v: 'v1', kind: 'ConfigMap', plural: 'configmaps', ns: true, short: ['cm'] },
  { g: '', v: 'v1', kind: 'Secret', plural: 'secrets', ns: true },
  { g: '', v: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', ns: true, short: ['sa'] },
  { g: '', v: 'v1', kind: 'Event', plural: 'events', ns: true, short: ['ev'] },
  { g: '', v: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', ns: false, short: ['pv'], sub: ['status'] },
  {
    g: '',
    v: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    ns: true,
    short: ['pvc'],
    sub: ['status'],
  },
  { g: '', v: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', ns: true, short: ['quota'], sub: ['status'] },
  { g: '', v: 'v1', kind: 'LimitRange', plural: 'limitranges', ns: true, short: ['limits'] },
  {
    g: 'apps',
    v: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    ns: true,
    short: ['deploy'],
    all: true,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    ns: true,
    short: ['rs'],
    all: true,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    ns: true,
    short: ['sts'],
    all: true,
    sub: ['status', 'scale'],
    spec: true,
  },
  {
    g: 'apps',
    v: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    ns: true,
    short: ['ds'],
    all: true,
    sub: ['status'],
    spec: true,
  },
  { g: 'batch', v: 'v1', kind: 'Job', plural: 'jobs', ns: true, all: true, sub: ['status'], spec: true },
  {
    g: 'batch',
    v: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    ns: true,
    short: ['cj'],
    all: true,
    sub: ['status'],
    spec: true,
  },
  {
    g: 'autoscaling',
    v: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    ns: true,
    short: ['hpa'],
    all: true,
    sub: ['status'],
    spec: true,
  },
  {
    g: 'policy',
    v: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    ns: true,
    short: ['pdb'],
    sub: ['status'],
    spec: true,
  },
  {
    g: 'networking.k8s.io',
    v: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    ns: true,
    short: ['netpol'],
    spec: true,
  },
  {
    g: 'networking.k8s.io',
    v: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    ns: true,
    short: ['ing'],
    sub: ['status'],
    spec: true,
  },
  { g: 'networking.k8s.io', v: 'v1', kind: 'IngressClass', plural: 'ingressclasses', ns: false },
  { g: 'discovery.k8s.io', v: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', ns: true },
  { g: 'events.k8s.io', v: 'v1', kind: 'Event', plural: 'events', ns: true, short: ['ev'] },
  { g: 'storage.k8s.io', v: 'v1', kind: 'StorageClass', plural: 'storageclasses', ns: false, short: ['sc'] },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'Role', plural: 'roles', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'RoleBinding', plural: 'rolebindings', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'ClusterRole', plural: 'clusterroles', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', ns: false },
  { g: 'coordination.k8s.io', v: 'v1', kind: 'Lease', plural: 'leases', ns: true },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    ns: false,
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    ns: false,
  },
];

function toInfo(r: Row): ResourceInfo {
  const subresources = (r.sub ?? []).map((s): SubresourceInfo => {
    switch (s) {
      case 'status':
        return status(r.g, r.v, r.kind);
      case 'scale':
        return scale();
      case 'log':
        return { name: 'log', group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
      default:
        return { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    }
  });
  return {
    group: r.g,
    version: r.v,
    kind: r.kind,
    plural: r.plural,
    singular: r.kind.toLowerCase(),
    namespaced: r.ns,
    shortNames: r.short ?? [],
    categories: r.all ? ['all'] : [],
    subresources,
    hasSpec: r.spec ?? false,
    // kube-apiserver offers no deletecollection on namespaces: one request must not wipe a cluster.
    verbs: r.plural === 'namespaces' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS,
  };
}

export const RESOURCES: readonly ResourceInfo[] = ROWS.map(toInfo);

export function apiVersionOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** Key for a resource type: `group/plural` (core group is ''). */
export function resourceKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}

const byKey = new Map(RESOURCES.map((r) => [resourceKey(r.group, r.plural), r]));
const byKind = new Map<string, ResourceInfo>();
for (const r of RESOURCES) {
  const k = `${apiVersionOf(r)}/${r.kind}`;
  if (!byKind.has(k)) byKind.set(k, r);
}

export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  const r = byKey.get(resourceKey(group, plural));
  return r && r.version === version ? r : undefined;
}

/** The resource for an object's apiVersion + kind, e.g. ('apps/v1', 'Deployment'). */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Groups in discovery order, each with its versions' resources. */
export function groups(): { name: string; version: string; resources: ResourceInfo[] }[] {
  const out = new Map<string, { name: string; version: string; resources: ResourceInfo[] }>();
  for (const r of RESOURCES) {
    const key = `${r.group}/${r.version}`;
    let g = out.get(key);
    if (!g) {
      g = { name: r.group, version: r.version, resources: [] };
      out.set(key, g);
    }
    g.resources.push(r);
  }
  return [...out.values()];
}
