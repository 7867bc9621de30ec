// Pod defaulting as a real cluster shows it in `kubectl get pod -o yaml`: the scheme defaults every PodSpec
// gets (pods and templates alike), plus what only a created Pod gets from SetDefaults_Pod and the
// ServiceAccount, Priority and DefaultTolerationSeconds admission plugins.

import { canonicalQuantity, parseQuantityExact } from '../../kube/quantity.js';
import { isRecord } from '../tables/read.js';
import { items, type Mutable, maybe, orDefault, orDefaultString, sub } from './mutate.js';

/** SetDefaults_Container's rule: an image without tag or digest, or tagged latest, is always pulled. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  const repository = colon < 0 ? name : name.slice(0, colon);
  // An unparsable reference (empty, upper case) has no tag at all, so it is not "latest".
  if (repository === '' || /[A-Z]/.test(repository)) return 'IfNotPresent';
  const tag = colon < 0 ? '' : name.slice(colon + 1);
  if (tag === '' && at >= 0) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: Mutable | undefined): void {
  const httpGet = h && maybe(h, 'httpGet');
  if (!httpGet) return;
  orDefaultString(httpGet, 'path', '/');
  orDefaultString(httpGet, 'scheme', 'HTTP');
}

function defaultProbe(p: Mutable | undefined): void {
  if (!p) return;
  defaultHandler(p);
  orDefault(p, 'timeoutSeconds', 1);
  orDefault(p, 'periodSeconds', 10);
  orDefault(p, 'successThreshold', 1);
  orDefault(p, 'failureThreshold', 3);
}

/** The API server echoes quantities in canonical form ("0.5" -> "500m", "1024Mi" -> "1Gi"). */
export function canonicalizeResourceList(list: Mutable | undefined): void {
  if (!list) return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const c = canonicalQuantity(v);
    if (c !== undefined) list[k] = c;
  }
}

function defaultContainer(c: Mutable): void {
  orDefaultString(c, 'imagePullPolicy', defaultPullPolicy(typeof c.image === 'string' ? c.image : ''));
  orDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  orDefaultString(c, 'terminationMessagePolicy', 'File');
  for (const p of items(c, 'ports')) orDefaultString(p, 'protocol', 'TCP');
  const resources = sub(c, 'resources');
  canonicalizeResourceList(maybe(resources, 'limits'));
  canonicalizeResourceList(maybe(resources, 'requests'));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(maybe(c, probe));
  const lifecycle = maybe(c, 'lifecycle');
  if (lifecycle) for (const hook of ['postStart', 'preStop']) defaultHandler(maybe(lifecycle, hook));
  for (const e of items(c, 'env')) {
    const valueFrom = maybe(e, 'valueFrom');
    const fieldRef = valueFrom && maybe(valueFrom, 'fieldRef');
    if (fieldRef) orDefaultString(fieldRef, 'apiVersion', 'v1');
  }
}

// Sources whose files get mode 0644 (420) unless set.
const MODE_SOURCES = ['secret', 'configMap', 'downwardAPI', 'projected'];
const VOLUME_SOURCE_KEYS = [
  'hostPath',
  'emptyDir',
  'secret',
  'nfs',
  'iscsi',
  'persistentVolumeClaim',
  'downwardAPI',
  'configMap',
  'projected',
  'csi',
  'ephemeral',
  'image',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function defaultVolume(v: Mutable): void {
  // A volume that names no source is an emptyDir.
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const s of MODE_SOURCES) {
    const src = maybe(v, s);
    if (src) orDefault(src, 'defaultMode', 420);
  }
  const hostPath = maybe(v, 'hostPath');
  if (hostPath) orDefault(hostPath, 'type', '');
}

/** SetDefaults_PodSpec and everything nested in it; applies to pod templates too. */
function defaultPodSpec(spec: Mutable): void {
  orDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  orDefaultString(spec, 'restartPolicy', 'Always');
  orDefault(spec, 'securityContext', {});
  orDefault(spec, 'terminationGracePeriodSeconds', 30);
  orDefaultString(spec, 'schedulerName', 'default-scheduler');
  // v1 mirrors serviceAccountName into the deprecated serviceAccount field (and back).
  if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '') {
    if (typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '')
      spec.serviceAccountName = spec.serviceAccount;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '')
    spec.serviceAccount = spec.serviceAccountName;
  for (const c of [...items(spec, 'containers'), ...items(spec, 'initContainers')]) defaultContainer(c);
  for (const v of items(spec, 'volumes')) defaultVolume(v);
}

/** A pod template: `template.spec` gets the PodSpec defaults. */
export function defaultPodTemplate(template: Mutable): void {
  defaultPodSpec(sub(template, 'spec'));
}

const CRITICAL_PRIORITIES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

function tolerates(tolerations: Mutable[], key: string): boolean {
  return tolerations.some(
    (t) =>
      (t.key === key || t.key === undefined || t.key === '') &&
      (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute'),
  );
}

function requestsFromLimits(c: Mutable): void {
  const resources = sub(c, 'resources');
  const limits = maybe(resources, 'limits');
  if (!limits) return;
  const requests = sub(resources, 'requests');
  // An unparsable limit is reported once, where the user wrote it, not again as a copied request.
  for (const [k, v] of Object.entries(limits))
    if (requests[k] === undefined && (typeof v === 'string' || typeof v === 'number') && parseQuantityExact(v))
      requests[k] = v;
}

function qosClass(spec: Mutable): string {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of [...items(spec, 'initContainers'), ...items(spec, 'containers')]) {
    const resources = sub(c, 'resources');
    const add = (list: Mutable | undefined, into: Map<string, bigint>) => {
      const found = new Set<string>();
      for (const [name, raw] of Object.entries(list ?? {})) {
        if (name !== 'cpu' && name !== 'memory') continue;
        const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantityExact(raw) : undefined;
        if (!q || q.nanos <= 0n) continue;
        found.add(name);
        into.set(name, (into.get(name) ?? 0n) + q.nanos);
      }
      return found;
    };
    add(maybe(resources, 'requests'), requests);
    const limitsFound = add(maybe(resources, 'limits'), limits);
    if (!limitsFound.has('cpu') || !limitsFound.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && [...requests].every(([k, v]) => limits.get(k) === v) && requests.size === limits.size)
    return 'Guaranteed';
  return 'Burstable';
}

/** What a created Pod gets on top of the PodSpec defaults. */
export function defaultPod(pod: Mutable): void {
  const spec = sub(pod, 'spec');
  for (const c of [...items(spec, 'containers'), ...items(spec, 'initContainers')]) requestsFromLimits(c);
  defaultPodSpec(spec);
  orDefault(spec, 'enableServiceLinks', true);
  orDefaultString(spec, 'serviceAccountName', 'default');
  spec.serviceAccount = spec.serviceAccountName;
  const priorityClass = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  orDefault(spec, 'priority', CRITICAL_PRIORITIES[priorityClass] ?? 0);
  orDefaultString(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = items(spec, 'tolerations');
  const added: Mutable[] = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
    if (!tolerates(tolerations, key))
      added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (added.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
  // A new pod starts Pending with its QoS class; updates carry the stored status instead.
  if (!isRecord(pod.status) || pod.status.phase === undefined)
    pod.status = { ...(isRecord(pod.status) ? pod.status : {}), phase: 'Pending', qosClass: qosClass(spec) };
}
