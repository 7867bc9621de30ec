// Per-kind defaulting (the scheme's SetDefaults_* functions plus the few create-time strategy steps whose
// results users see, like a Job's generated selector), keyed by group/kind.

import { items, type Mutable, maybe, orDefault, orDefaultString, sub } from './mutate.js';
import { canonicalizeResourceList, defaultPod, defaultPodTemplate } from './pod-defaults.js';

type Defaulter = (obj: Mutable) => void;

function deployment(d: Mutable): void {
  const spec = sub(d, 'spec');
  orDefault(spec, 'replicas', 1);
  const strategy = sub(spec, 'strategy');
  orDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = sub(strategy, 'rollingUpdate');
    orDefault(ru, 'maxUnavailable', '25%');
    orDefault(ru, 'maxSurge', '25%');
  }
  orDefault(spec, 'revisionHistoryLimit', 10);
  orDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(sub(spec, 'template'));
}

function replicaSet(rs: Mutable): void {
  const spec = sub(rs, 'spec');
  orDefault(spec, 'replicas', 1);
  defaultPodTemplate(sub(spec, 'template'));
}

function statefulSet(sts: Mutable): void {
  const spec = sub(sts, 'spec');
  orDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const us = sub(spec, 'updateStrategy');
  if (us.type === undefined || us.type === '') {
    us.type = 'RollingUpdate';
    orDefault(us, 'rollingUpdate', {});
  }
  const ru = maybe(us, 'rollingUpdate');
  if (us.type === 'RollingUpdate' && ru) orDefault(ru, 'partition', 0);
  const retention = sub(spec, 'persistentVolumeClaimRetentionPolicy');
  orDefaultString(retention, 'whenDeleted', 'Retain');
  orDefaultString(retention, 'whenScaled', 'Retain');
  orDefault(spec, 'replicas', 1);
  orDefault(spec, 'revisionHistoryLimit', 10);
  orDefault(spec, 'serviceName', '');
  for (const claim of items(spec, 'volumeClaimTemplates')) {
    orDefault(sub(claim, 'spec'), 'volumeMode', 'Filesystem');
    canonicalizeResourceList(maybe(sub(sub(claim, 'spec'), 'resources'), 'requests'));
  }
  defaultPodTemplate(sub(spec, 'template'));
}

function daemonSet(ds: Mutable): void {
  const spec = sub(ds, 'spec');
  const us = sub(spec, 'updateStrategy');
  orDefaultString(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = sub(us, 'rollingUpdate');
    orDefault(ru, 'maxUnavailable', 1);
    orDefault(ru, 'maxSurge', 0);
  }
  orDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(sub(spec, 'template'));
}

const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';

/**
 * The selector kube-apiserver generates for a Job without manualSelector. It needs the Job's uid, so it
 * only happens once the store has assigned one.
 */
function generateJobSelector(job: Mutable, spec: Mutable): void {
  const meta = sub(job, 'metadata');
  const uid = typeof meta.uid === 'string' ? meta.uid : '';
  if (uid === '' || spec.manualSelector === true) return;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const labels = sub(sub(sub(spec, 'template'), 'metadata'), 'labels');
  for (const k of ['job-name', 'batch.kubernetes.io/job-name']) orDefault(labels, k, name);
  for (const k of ['controller-uid', CONTROLLER_UID]) orDefault(labels, k, uid);
  orDefault(sub(sub(spec, 'selector'), 'matchLabels'), CONTROLLER_UID, uid);
}

function job(j: Mutable): void {
  const spec = sub(j, 'spec');
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  orDefault(spec, 'parallelism', 1);
  orDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex === undefined ? 6 : 2147483647);
  orDefault(spec, 'completionMode', 'NonIndexed');
  orDefault(spec, 'suspend', false);
  orDefault(spec, 'podReplacementPolicy', spec.podFailurePolicy === undefined ? 'TerminatingOrFailed' : 'Failed');
  generateJobSelector(j, spec);
  defaultPodTemplate(sub(spec, 'template'));
  // A Job without labels of its own shows its pods' labels.
  const meta = sub(j, 'metadata');
  const templateLabels = maybe(sub(sub(spec, 'template'), 'metadata'), 'labels');
  const own = maybe(meta, 'labels');
  if (templateLabels && (!own || Object.keys(own).length === 0)) meta.labels = { ...templateLabels };
}

function cronJob(cj: Mutable): void {
  const spec = sub(cj, 'spec');
  orDefaultString(spec, 'concurrencyPolicy', 'Allow');
  orDefault(spec, 'suspend', false);
  orDefault(spec, 'successfulJobsHistoryLimit', 3);
  orDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(sub(sub(sub(spec, 'jobTemplate'), 'spec'), 'template'));
}

function service(svc: Mutable): void {
  const spec = sub(svc, 'spec');
  orDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP')
    orDefault(sub(sub(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 10800);
  orDefaultString(spec, 'type', 'ClusterIP');
  for (const p of items(spec, 'ports')) {
    orDefaultString(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  const external =
    type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && items(spec, 'externalIPs').length > 0);
  if (external) orDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')
    orDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') orDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

function namespace(ns: Mutable): void {
  const meta = sub(ns, 'metadata');
  if (typeof meta.name === 'string') sub(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  orDefault(sub(ns, 'spec'), 'finalizers', ['kubernetes']);
  orDefaultString(sub(ns, 'status'), 'phase', 'Active');
}

/** stringData is write-only: the API server merges it into data (base64) and never stores it. */
function secret(s: Mutable): void {
  orDefaultString(s, 'type', 'Opaque');
  const stringData = maybe(s, 'stringData');
  if (!stringData) return;
  const data = sub(s, 'data');
  for (const [k, v] of Object.entries(stringData))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete s.stringData;
}

function pvc(claim: Mutable): void {
  const spec = sub(claim, 'spec');
  orDefault(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(maybe(sub(spec, 'resources'), 'requests'));
  orDefaultString(sub(claim, 'status'), 'phase', 'Pending');
}

function pv(vol: Mutable): void {
  const spec = sub(vol, 'spec');
  orDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  orDefault(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(maybe(spec, 'capacity'));
  orDefaultString(sub(vol, 'status'), 'phase', 'Pending');
}

function node(n: Mutable): void {
  const status = maybe(n, 'status');
  const capacity = status && maybe(status, 'capacity');
  if (status && capacity) orDefault(status, 'allocatable', { ...capacity });
}

function storageClass(sc: Mutable): void {
  orDefaultString(sc, 'reclaimPolicy', 'Delete');
  orDefaultString(sc, 'volumeBindingMode', 'Immediate');
}

function hpa(h: Mutable): void {
  const spec = sub(h, 'spec');
  orDefault(spec, 'minReplicas', 1);
  if (items(spec, 'metrics').length === 0)
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ];
}

function endpoints(ep: Mutable): void {
  for (const subset of items(ep, 'subsets'))
    for (const p of items(subset, 'ports')) orDefaultString(p, 'protocol', 'TCP');
}

function endpointSlice(es: Mutable): void {
  for (const p of items(es, 'ports')) {
    orDefaultString(p, 'protocol', 'TCP');
    orDefault(p, 'name', '');
  }
}

function networkPolicy(np: Mutable): void {
  const spec = sub(np, 'spec');
  for (const dir of ['ingress', 'egress'])
    for (const rule of items(spec, dir)) for (const p of items(rule, 'ports')) orDefaultString(p, 'protocol', 'TCP');
  if (items(spec, 'policyTypes').length === 0 && !Array.isArray(spec.policyTypes))
    spec.policyTypes = Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
}

function rbacSubjects(binding: Mutable): void {
  for (const s of items(binding, 'subjects'))
    if (s.kind === 'User' || s.kind === 'Group') orDefaultString(s, 'apiGroup', 'rbac.authorization.k8s.io');
}

const DEFAULTERS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
  ['/Pod', defaultPod],
  ['/Service', service],
  ['/Namespace', namespace],
  ['/Secret', secret],
  ['/PersistentVolumeClaim', pvc],
  ['/PersistentVolume', pv],
  ['/Node', node],
  ['/Endpoints', endpoints],
  ['apps/Deployment', deployment],
  ['apps/ReplicaSet', replicaSet],
  ['apps/StatefulSet', statefulSet],
  ['apps/DaemonSet', daemonSet],
  ['batch/Job', job],
  ['batch/CronJob', cronJob],
  ['autoscaling/HorizontalPodAutoscaler', hpa],
  ['storage.k8s.io/StorageClass', storageClass],
  ['discovery.k8s.io/EndpointSlice', endpointSlice],
  ['networking.k8s.io/NetworkPolicy', networkPolicy],
  ['rbac.authorization.k8s.io/RoleBinding', rbacSubjects],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', rbacSubjects],
]);

export function defaulterFor(group: string, kind: string): Defaulter | undefined {
  return DEFAULTERS.get(`${group}/${kind}`);
}
