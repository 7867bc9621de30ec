// What kube-apiserver's Service storage does on create and update: allocate a ClusterIP from the service
// CIDR 10.96.0.0/12 (random, from the dynamic upper band first), NodePorts from 30000-32767, refuse
// duplicates with the real 422 messages, and keep allocated values when an update omits them. Headless
// (`None`) and ExternalName services get no address.

import type { KubeObject } from '../objects.js';
import type { AdmissionHook, ObjectStore } from '../store/object-store.js';
import { errors } from '../store/status-error.js';
import { K } from './kinds.js';
import type { ServicePort, ServiceSpec } from './service-backends.js';

const CIDR_BASE = ip4('10.96.0.0');
const CIDR_SIZE = 1 << 20; // a /12
// ServiceIPStaticSubrange: the first addresses are kept for static assignment (10.96.0.10 for DNS, ...).
const STATIC_BAND = 256;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

interface ServiceSpecWithDefaults extends ServiceSpec {
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
}

function ip4(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return -1;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function ipText(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function usedIps(store: ObjectStore, except: KubeObject): Set<string> {
  const used = new Set<string>();
  for (const s of store.all(K.services)) {
    if (s.metadata.uid === except.metadata.uid) continue;
    const ip = ((s.spec ?? {}) as ServiceSpec).clusterIP;
    if (ip && ip !== 'None') used.add(ip);
  }
  return used;
}

function usedNodePorts(store: ObjectStore, except: KubeObject): Set<number> {
  const used = new Set<number>();
  for (const s of store.all(K.services)) {
    if (s.metadata.uid === except.metadata.uid) continue;
    for (const p of ((s.spec ?? {}) as ServiceSpec).ports ?? []) if (p.nodePort) used.add(p.nodePort);
  }
  return used;
}

function invalid(svc: KubeObject, field: string, value: string, detail: string) {
  const name = svc.metadata.name ?? '';
  const message = `Service "${name}" is invalid: ${field}: Invalid value: ${value}: ${detail}`;
  return errors.invalid('Service', '', name, message, [
    { reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field },
  ]);
}

function allocateIp(store: ObjectStore, svc: KubeObject): string {
  const used = usedIps(store, svc);
  // Random probes in the dynamic band, then a scan of everything, as the bitmap allocator falls back.
  for (let i = 0; i < 64; i++) {
    const n = CIDR_BASE + STATIC_BAND + 1 + Math.floor(Math.random() * (CIDR_SIZE - STATIC_BAND - 2));
    if (!used.has(ipText(n))) return ipText(n);
  }
  for (let n = CIDR_BASE + 1; n < CIDR_BASE + CIDR_SIZE - 1; n++) if (!used.has(ipText(n))) return ipText(n);
  throw errors.internal('failed to allocate a serviceIP: range is full');
}

function assignClusterIp(store: ObjectStore, svc: KubeObject, spec: ServiceSpecWithDefaults): void {
  if (spec.type === 'ExternalName') return;
  const requested = spec.clusterIP || spec.clusterIPs?.[0] || '';
  if (requested === 'None') {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
  } else if (requested) {
    const n = ip4(requested);
    const shown = `[]string{"${requested}"}`;
    if (n < CIDR_BASE || n >= CIDR_BASE + CIDR_SIZE)
      throw invalid(
        svc,
        'spec.clusterIPs',
        shown,
        `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`,
      );
    if (usedIps(store, svc).has(requested))
      throw invalid(
        svc,
        'spec.clusterIPs',
        shown,
        `failed to allocate IP ${requested}: provided IP is already allocated`,
      );
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
  } else {
    const ip = allocateIp(store, svc);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
}

function assignNodePorts(store: ObjectStore, svc: KubeObject, spec: ServiceSpecWithDefaults): void {
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') return;
  const used = usedNodePorts(store, svc);
  (spec.ports ?? []).forEach((p: ServicePort, i) => {
    if (p.nodePort) {
      if (used.has(p.nodePort))
        throw invalid(svc, `spec.ports[${i}].nodePort`, String(p.nodePort), 'provided port is already allocated');
      used.add(p.nodePort);
      return;
    }
    for (let attempt = 0; attempt < 5000; attempt++) {
      const candidate = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
      if (!used.has(candidate)) {
        p.nodePort = candidate;
        used.add(candidate);
        return;
      }
    }
  });
  spec.externalTrafficPolicy ??= 'Cluster';
}

export const serviceAllocation: AdmissionHook = (req, store) => {
  if (req.resource !== K.services || req.subresource || (req.operation !== 'CREATE' && req.operation !== 'UPDATE'))
    return req.object;
  const svc = structuredClone(req.object) as KubeObject;
  svc.spec ??= {};
  const spec = svc.spec as ServiceSpecWithDefaults;
  spec.type ??= 'ClusterIP';
  const old = (req.old?.spec ?? undefined) as ServiceSpecWithDefaults | undefined;
  if (req.operation === 'UPDATE' && old) {
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      delete spec.ipFamilies;
      delete spec.ipFamilyPolicy;
      return svc;
    }
    // patchAllocatedValues: an update that omits allocated values keeps them.
    if (!spec.clusterIP && old.clusterIP) {
      spec.clusterIP = old.clusterIP;
      spec.clusterIPs = old.clusterIPs ?? [old.clusterIP];
      spec.ipFamilies ??= old.ipFamilies;
      spec.ipFamilyPolicy ??= old.ipFamilyPolicy;
    }
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const before = old.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (before?.nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) p.nodePort = before.nodePort;
    }
    if (spec.clusterIP && spec.clusterIP === old.clusterIP) {
      assignNodePorts(store, svc, spec);
      return svc;
    }
  }
  assignClusterIp(store, svc, spec);
  assignNodePorts(store, svc, spec);
  return svc;
};
