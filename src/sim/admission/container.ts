// Per-container validation (validateContainerCommon in kube-apiserver): name, image, ports, env, volume
// mounts, pull policy and resources, in the real order so multi-error messages read the same.

import {
  compareQuantities,
  formatQuantityExact,
  parseQuantityExact,
  QUANTITY_FORMAT_MESSAGE,
  type Quantity,
} from '../../kube/quantity.js';
import { arr, type JsonRecord, rec, str } from '../tables/read.js';
import { child, duplicate, type FieldCause, index, invalid, key, notFound, notSupported, required } from './field.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
} from './names.js';

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

function validatePorts(ports: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  for (const [i, p] of arr(ports).map(rec).entries()) {
    const pPath = index(path, i);
    const name = str(p.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) causes.push(invalid(child(pPath, 'name'), name, msg));
      else if (names.has(name)) causes.push(duplicate(child(pPath, 'name'), name));
      else names.add(name);
    }
    const containerPort = typeof p.containerPort === 'number' ? p.containerPort : 0;
    if (containerPort === 0) causes.push(required(child(pPath, 'containerPort')));
    else
      for (const msg of isValidPortNum(containerPort))
        causes.push(invalid(child(pPath, 'containerPort'), containerPort, msg));
    if (typeof p.hostPort === 'number' && p.hostPort !== 0)
      for (const msg of isValidPortNum(p.hostPort)) causes.push(invalid(child(pPath, 'hostPort'), p.hostPort, msg));
    const protocol = str(p.protocol);
    if (protocol !== '' && !(PORT_PROTOCOLS as readonly string[]).includes(protocol))
      causes.push(notSupported(child(pPath, 'protocol'), protocol, PORT_PROTOCOLS));
  }
  return causes;
}

function validateKeyRef(ref: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const k = str(rec(ref).key);
  if (k === '') causes.push(required(child(path, 'key')));
  else for (const msg of isConfigMapKey(k)) causes.push(invalid(child(path, 'key'), k, msg));
  if (str(rec(ref).name) === '') causes.push(required(child(path, 'name')));
  return causes;
}

function validateEnv(env: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [i, e] of arr(env).map(rec).entries()) {
    const ePath = index(path, i);
    const name = str(e.name);
    if (name === '') causes.push(required(child(ePath, 'name')));
    else for (const msg of isEnvVarName(name)) causes.push(invalid(child(ePath, 'name'), name, msg));
    if (e.valueFrom === undefined) continue;
    const from = rec(e.valueFrom);
    const fromPath = child(ePath, 'valueFrom');
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter(
      (s) => from[s] !== undefined,
    );
    if (sources.length === 0)
      causes.push(
        invalid(
          fromPath,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    for (const s of ['configMapKeyRef', 'secretKeyRef'])
      if (from[s] !== undefined) causes.push(...validateKeyRef(from[s], child(fromPath, s)));
    if (str(e.value) !== '') causes.push(invalid(fromPath, '', 'may not be specified when `value` is not empty'));
  }
  return causes;
}

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const mountPoints = new Set<string>();
  for (const [i, m] of arr(mounts).map(rec).entries()) {
    const mPath = index(path, i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') causes.push(required(child(mPath, 'name')));
    if (!volumes.has(name)) causes.push(notFound(child(mPath, 'name'), name));
    if (mountPath === '') causes.push(required(child(mPath, 'mountPath')));
    if (mountPoints.has(mountPath)) causes.push(invalid(child(mPath, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
  }
  return causes;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
// The unprefixed names IsStandardResourceName knows (quota names included, as the real set is shared).
const STANDARD_RESOURCES = new Set([
  ...CONTAINER_RESOURCES,
  'storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
]);

const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
// Extended resources (vendor.com/gpu) and hugepages cannot be overcommitted: requests must equal limits.
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);

function validateResourceName(name: string, path: string): FieldCause[] {
  const causes = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.has(name) && !isHugePages(name))
      causes.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
    if (!CONTAINER_RESOURCES.has(name) && !isHugePages(name))
      causes.push(invalid(path, name, 'must be a standard resource for containers'));
  }
  return causes;
}

/** Checks one ResourceList entry's name and quantity; returns the quantity when it parses. */
function checkEntry(name: string, raw: unknown, qPath: string, causes: FieldCause[]): Quantity | undefined {
  causes.push(...validateResourceName(name, qPath));
  const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantityExact(raw) : undefined;
  if (q === undefined) {
    causes.push(
      invalid(qPath, typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? 'null'), QUANTITY_FORMAT_MESSAGE),
    );
    return undefined;
  }
  if (q.nanos < 0n) causes.push(invalid(qPath, formatQuantityExact(q), 'must be greater than or equal to 0'));
  return q;
}

function validateResources(resources: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(rec(rec(resources).limits))) {
    const q = checkEntry(name, raw, key(limPath, name), causes);
    if (q) limits.set(name, q);
  }
  for (const [name, raw] of Object.entries(rec(rec(resources).requests))) {
    const request = checkEntry(name, raw, key(reqPath, name), causes);
    if (!request) continue;
    const limit = limits.get(name);
    const shown = formatQuantityExact(request);
    if (limit === undefined) {
      if (!overcommitAllowed(name))
        causes.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    } else if (!overcommitAllowed(name) && compareQuantities(request, limit) !== 0) {
      causes.push(invalid(reqPath, shown, `must be equal to ${name} limit of ${formatQuantityExact(limit)}`));
    } else if (compareQuantities(request, limit) > 0) {
      causes.push(
        invalid(reqPath, shown, `must be less than or equal to ${name} limit of ${formatQuantityExact(limit)}`),
      );
    }
  }
  return causes;
}

/** Checks shared by containers and init containers; the duplicate-name check is the caller's. */
export function validateContainer(c: JsonRecord, volumes: ReadonlySet<string>, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = str(c.name);
  if (name === '') causes.push(required(child(path, 'name')));
  else for (const msg of isDNS1123Label(name)) causes.push(invalid(child(path, 'name'), name, msg));
  if (str(c.image) === '') causes.push(required(child(path, 'image')));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp !== '' && !TERMINATION_MESSAGE_POLICIES.includes(tmp))
    causes.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  causes.push(...validatePorts(c.ports, child(path, 'ports')));
  causes.push(...validateEnv(c.env, child(path, 'env')));
  causes.push(...validateVolumeMounts(c.volumeMounts, volumes, child(path, 'volumeMounts')));
  const pull = str(c.imagePullPolicy);
  if (pull !== '' && !PULL_POLICIES.includes(pull))
    causes.push(notSupported(child(path, 'imagePullPolicy'), pull, PULL_POLICIES));
  causes.push(...validateResources(c.resources, child(path, 'resources')));
  return causes;
}
