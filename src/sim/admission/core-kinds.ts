// Validation of core/v1 kinds users write by hand besides pods: Services, ConfigMaps, Secrets and
// PersistentVolumeClaims.

import { formatQuantityExact, parseQuantityExact, QUANTITY_FORMAT_MESSAGE } from '../../kube/quantity.js';
import type { KubeObject } from '../objects.js';
import { arr, type JsonRecord, rec, str } from '../tables/read.js';
import { PORT_PROTOCOLS } from './container.js';
import {
  child,
  duplicate,
  type FieldCause,
  forbidden,
  goQuote,
  goStringSlice,
  IMMUTABLE,
  index,
  invalid,
  key,
  notSupported,
  required,
  tooLong,
} from './field.js';
import { describeDiff, semanticEqual } from './json-diff.js';
import { validateLabelSelector, validateLabels } from './meta.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from './names.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const NODE_PORT_RANGE = { min: 30000, max: 32767 };
// ConfigMaps and Secrets share etcd's practical object limit.
const MAX_DATA_SIZE = 1024 * 1024;

function servicePort(p: JsonRecord, path: string, requireName: boolean, names: Set<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = str(p.name);
  if (requireName && name === '') causes.push(required(child(path, 'name')));
  else if (name !== '') {
    for (const msg of isDNS1123Label(name)) causes.push(invalid(child(path, 'name'), name, msg));
    if (names.has(name)) causes.push(duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const port = typeof p.port === 'number' ? p.port : 0;
  for (const msg of isValidPortNum(port)) causes.push(invalid(child(path, 'port'), port, msg));
  const protocol = str(p.protocol);
  if (protocol !== '' && !(PORT_PROTOCOLS as readonly string[]).includes(protocol))
    causes.push(notSupported(child(path, 'protocol'), protocol, PORT_PROTOCOLS));
  const target = p.targetPort;
  if (typeof target === 'number')
    for (const msg of isValidPortNum(target)) causes.push(invalid(child(path, 'targetPort'), target, msg));
  else if (typeof target === 'string')
    for (const msg of isValidPortName(target)) causes.push(invalid(child(path, 'targetPort'), target, msg));
  return causes;
}

function goServicePortKey(protocol: string, port: number): { go: string } {
  return {
    go: `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  };
}

function primaryClusterIP(spec: JsonRecord): string {
  return str(arr(spec.clusterIPs)[0]) || str(spec.clusterIP);
}

export function validateService(svc: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(svc.spec);
  const type = str(spec.type);
  const headless = str(spec.clusterIP) === 'None';
  const ports = arr(spec.ports).map(rec);
  const causes: FieldCause[] = [];
  if (ports.length === 0 && !headless && type !== 'ExternalName') causes.push(required('spec.ports'));
  if (type === 'ExternalName') {
    if (primaryClusterIP(spec) !== '')
      causes.push(forbidden('spec.clusterIPs', "may not be set for `type` 'ExternalName'"));
    const externalName = str(spec.externalName).replace(/\.$/, '');
    if (externalName === '') causes.push(required('spec.externalName'));
    else
      for (const msg of isDNS1123Subdomain(externalName)) causes.push(invalid('spec.externalName', externalName, msg));
  }
  const names = new Set<string>();
  for (const [i, p] of ports.entries()) causes.push(...servicePort(p, index('spec.ports', i), ports.length > 1, names));
  causes.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity !== '' && !SESSION_AFFINITIES.includes(affinity))
    causes.push(notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  if (type !== '' && !SERVICE_TYPES.includes(type)) causes.push(notSupported('spec.type', type, SERVICE_TYPES));
  const seen = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const portPath = index('spec.ports', i);
    const nodePort = typeof p.nodePort === 'number' ? p.nodePort : 0;
    if (type === 'ClusterIP' && nodePort !== 0)
      causes.push(forbidden(child(portPath, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    if (
      (type === 'NodePort' || type === 'LoadBalancer') &&
      nodePort !== 0 &&
      (nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max)
    )
      causes.push(
        invalid(
          child(portPath, 'nodePort'),
          nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
        ),
      );
    const k = `${str(p.protocol)}/${String(p.port)}`;
    if (seen.has(k))
      causes.push(duplicate(portPath, goServicePortKey(str(p.protocol), typeof p.port === 'number' ? p.port : 0)));
    seen.add(k);
  }
  if (old && type !== 'ExternalName' && str(rec(old.spec).type) !== 'ExternalName') {
    // An update that leaves the IP out keeps the allocated one; only an explicit different IP is an error.
    const before = primaryClusterIP(rec(old.spec));
    const after = primaryClusterIP(spec);
    if (before !== '' && after !== '' && before !== after) {
      const ips = arr(spec.clusterIPs).length > 0 ? arr(spec.clusterIPs).map(str) : [after];
      causes.push(invalid('spec.clusterIPs[0]', goStringSlice(ips), 'may not change once set'));
    }
  }
  return causes;
}

function keyCauses(k: string, path: string): FieldCause[] {
  return isConfigMapKey(k).map((msg) => invalid(key(path, k), k, msg));
}

function dataKeys(data: unknown, path: string): FieldCause[] {
  return Object.keys(rec(data)).flatMap((k) => keyCauses(k, path));
}

function dataSize(...maps: unknown[]): number {
  let size = 0;
  for (const m of maps) for (const v of Object.values(rec(m))) if (typeof v === 'string') size += Buffer.byteLength(v);
  return size;
}

/** ConfigMaps and Secrets marked `immutable: true` keep their data and the flag forever. */
function immutableData(obj: KubeObject, old: KubeObject | undefined, fields: readonly string[]): FieldCause[] {
  if (old?.immutable !== true) return [];
  const causes: FieldCause[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) causes.push(forbidden('immutable', msg));
  for (const f of fields) if (!semanticEqual(obj[f], old[f])) causes.push(forbidden(f, msg));
  return causes;
}

export function validateConfigMap(cm: KubeObject, old?: KubeObject): FieldCause[] {
  const causes = immutableData(cm, old, ['data', 'binaryData']);
  const binary = rec(cm.binaryData);
  for (const k of Object.keys(rec(cm.data))) {
    causes.push(...keyCauses(k, 'data'));
    if (Object.hasOwn(binary, k)) causes.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  }
  causes.push(...dataKeys(cm.binaryData, 'binaryData'));
  if (dataSize(cm.data, cm.binaryData) > MAX_DATA_SIZE) causes.push(tooLong('', MAX_DATA_SIZE));
  return causes;
}

// Keys each typed Secret must carry.
const SECRET_REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(secret: KubeObject, old?: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  if (old && str(secret.type) !== str(old.type)) causes.push(invalid('type', str(secret.type), IMMUTABLE));
  causes.push(...immutableData(secret, old, ['data']));
  causes.push(...dataKeys(secret.data, 'data'));
  if (dataSize(secret.data) > MAX_DATA_SIZE) causes.push(tooLong('data', MAX_DATA_SIZE));
  const data = rec(secret.data);
  const type = str(secret.type);
  if (type === 'kubernetes.io/service-account-token') {
    if (!secret.metadata.annotations?.['kubernetes.io/service-account.name'])
      causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!Object.hasOwn(data, 'username') && !Object.hasOwn(data, 'password'))
      causes.push(required(key('data', 'username')), required(key('data', 'password')));
  } else {
    for (const k of SECRET_REQUIRED_KEYS[type] ?? [])
      if (!Object.hasOwn(data, k)) causes.push(required(key('data', k)));
  }
  return causes;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function storageRequest(spec: JsonRecord): unknown {
  return rec(rec(spec.resources).requests).storage;
}

export function validatePersistentVolumeClaim(pvc: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(pvc.spec);
  const causes: FieldCause[] = [];
  const modes = arr(spec.accessModes).map(str);
  if (modes.length === 0) causes.push(required('spec.accessModes', 'at least 1 access mode is required'));
  causes.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  for (const m of modes) if (!ACCESS_MODES.includes(m)) causes.push(notSupported('spec.accessModes', m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m)))
    causes.push(forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const storagePath = key('spec.resources', 'storage');
  const raw = storageRequest(spec);
  if (raw === undefined) causes.push(required(storagePath));
  else {
    const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantityExact(raw) : undefined;
    if (q === undefined) causes.push(invalid(storagePath, String(raw), QUANTITY_FORMAT_MESSAGE));
    else if (q.nanos <= 0n) causes.push(invalid(storagePath, formatQuantityExact(q), 'must be greater than zero'));
  }
  const sc = str(spec.storageClassName);
  if (sc !== '') for (const msg of isDNS1123Subdomain(sc)) causes.push(invalid('spec.storageClassName', sc, msg));
  const vm = str(spec.volumeMode);
  if (vm !== '' && !VOLUME_MODES.includes(vm)) causes.push(notSupported('spec.volumeMode', vm, VOLUME_MODES));
  if (old) causes.push(...pvcUpdate(pvc, old));
  return causes;
}

function pvcUpdate(pvc: KubeObject, old: KubeObject): FieldCause[] {
  const spec = rec(pvc.spec);
  const oldSpec = rec(old.spec);
  const causes: FieldCause[] = [];
  // The binder sets volumeName once; a bound claim may grow its storage request.
  const comparable = (s: JsonRecord) => ({
    ...s,
    volumeName: str(oldSpec.volumeName) === '' ? undefined : s.volumeName,
    resources: { ...rec(s.resources), requests: { ...rec(rec(s.resources).requests), storage: undefined } },
    volumeAttributesClassName: undefined,
  });
  if (!semanticEqual(comparable(spec), comparable(oldSpec)))
    causes.push(
      forbidden(
        'spec',
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${describeDiff('core.PersistentVolumeClaimSpec', oldSpec, spec)}`,
      ),
    );
  const before = parseQuantityExact(String(storageRequest(oldSpec) ?? ''));
  const after = parseQuantityExact(String(storageRequest(spec) ?? ''));
  if (before && after && after.nanos < before.nanos)
    causes.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return causes;
}
