// What a Service selects, computed once for both the Endpoints and the EndpointSlice writers: every pod
// with an IP that matches the selector and is not finished, its readiness, and each service port resolved
// to the pod's port (a number, or a named container port looked up per pod).

import type { KubeObject } from '../objects.js';
import { podSpec } from '../scheduler/pod-shape.js';
import { isPodReady, isPodTerminal, podIp } from './pod-status.js';
import type { IntOrString } from './shapes.js';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: IntOrString;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  publishNotReadyAddresses?: boolean;
  externalName?: string;
}

export interface ResolvedPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
  readonly appProtocol?: string;
}

export interface Backend {
  readonly pod: KubeObject;
  readonly ip: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly ports: readonly ResolvedPort[];
}

/** podutil.FindPort: a named targetPort is looked up among the pod's container ports. */
export function resolvePort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target || sp.port;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of podSpec(pod).containers ?? []) {
    const p = c.ports?.find((x) => x.name === target && (x.protocol ?? 'TCP') === protocol);
    if (p) return p.containerPort;
  }
  return undefined;
}

export function backendsFor(svc: KubeObject, pods: readonly KubeObject[]): Backend[] {
  const spec = (svc.spec ?? {}) as ServiceSpec;
  const publishNotReady = !!spec.publishNotReadyAddresses;
  const out: Backend[] = [];
  for (const pod of pods) {
    const ip = podIp(pod);
    if (!ip || isPodTerminal(pod)) continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    if (terminating && !publishNotReady) continue;
    const ports: ResolvedPort[] = [];
    for (const sp of spec.ports ?? []) {
      const port = resolvePort(pod, sp);
      if (port === undefined) continue;
      ports.push({
        ...(sp.name ? { name: sp.name } : {}),
        port,
        protocol: sp.protocol ?? 'TCP',
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    // A pod none of whose ports resolve serves nothing this Service exposes.
    if ((spec.ports?.length ?? 0) > 0 && ports.length === 0) continue;
    const podReady = isPodReady(pod);
    out.push({
      pod,
      ip,
      ready: (podReady || publishNotReady) && !terminating,
      serving: podReady || publishNotReady,
      terminating,
      ports,
    });
  }
  return out;
}

/** Backends grouped by identical resolved port lists (one Endpoints subset / EndpointSlice each). */
export function groupByPorts(
  backends: readonly Backend[],
): Map<string, { ports: readonly ResolvedPort[]; backends: Backend[] }> {
  const groups = new Map<string, { ports: readonly ResolvedPort[]; backends: Backend[] }>();
  for (const b of backends) {
    const ports = [...b.ports].sort((x, y) => (x.name ?? '').localeCompare(y.name ?? '') || x.port - y.port);
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, backends: [] };
    g.backends.push(b);
    groups.set(key, g);
  }
  for (const g of groups.values())
    g.backends.sort(
      (a, b) => compareIp(a.ip, b.ip) || (a.pod.metadata.name ?? '').localeCompare(b.pod.metadata.name ?? ''),
    );
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
