// What a container sees of the cluster network: cluster DNS for Services (`web`, `web.ns`, `web.ns.svc`,
// `web.ns.svc.cluster.local`) and HTTP to a Service's ClusterIP (spread over its ready pods, as kube-proxy
// does) or straight to a pod IP. A Service with no ready endpoint refuses connections, as iptables' REJECT
// rule makes it on a real node.

import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import { podStatus } from '../scheduler/pod-shape.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PodWorker } from './pod-worker.js';
import type { ContainerNetwork, HttpResult } from './program/types.js';

const SERVICES = RESOURCES.find((r) => r.plural === 'services' && r.group === '')!;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;
const CLUSTER_DOMAIN = 'cluster.local';

export interface PodDirectory {
  byIP(ip: string): PodWorker | undefined;
  /** Simulated epoch ms: a pod answering a request is first brought up to this time. */
  now(): number;
}

interface ServiceSpec {
  clusterIP?: string;
  selector?: Record<string, string>;
  ports?: { port: number; targetPort?: number | string }[];
}

function isReady(pod: KubeObject): boolean {
  return podStatus(pod).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function clusterNetwork(store: ObjectStore, pods: PodDirectory, from: KubeObject): ContainerNetwork {
  let turn = 0;
  const serviceNamed = (host: string): KubeObject | undefined => {
    const parts = host.replace(/\.$/, '').split('.');
    const [name, ns = from.metadata.namespace ?? 'default', svc, ...rest] = parts;
    if (!name || (svc !== undefined && svc !== 'svc') || (rest.length > 0 && rest.join('.') !== CLUSTER_DOMAIN))
      return undefined;
    return store.get(SERVICES, ns, name);
  };
  const endpoints = (svc: KubeObject): KubeObject[] => {
    const selector = (svc.spec as ServiceSpec | undefined)?.selector;
    if (!selector || Object.keys(selector).length === 0) return [];
    const sel = selectorFromSpec({ matchLabels: selector });
    return store.all(PODS, svc.metadata.namespace).filter((p) => matchLabels(sel, p.metadata.labels) && isReady(p));
  };
  const resolve = (host: string): string | undefined => {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
    const svc = serviceNamed(host);
    if (!svc) return undefined;
    const ip = (svc.spec as ServiceSpec | undefined)?.clusterIP;
    if (ip && ip !== 'None') return ip;
    // A headless Service resolves to its ready pods' addresses.
    return endpoints(svc)
      .map((p) => podStatus(p).podIP)
      .find((x) => !!x);
  };
  const httpGet = (host: string, port: number, path: string): HttpResult => {
    const ip = resolve(host);
    if (!ip) return { refused: true };
    const svc = store.all(SERVICES).find((s) => (s.spec as ServiceSpec | undefined)?.clusterIP === ip);
    if (!svc) return pods.byIP(ip)?.httpGet(port, path, pods.now()) ?? { refused: true };
    const svcPort = (svc.spec as ServiceSpec | undefined)?.ports?.find((p) => p.port === port);
    if (!svcPort) return { refused: true };
    const backends = endpoints(svc);
    if (backends.length === 0) return { refused: true };
    const pod = backends[turn++ % backends.length]!;
    const worker = pods.byIP(podStatus(pod).podIP ?? '');
    if (!worker) return { refused: true };
    const target = svcPort.targetPort ?? svcPort.port;
    const targetPort =
      typeof target === 'number' ? target : /^\d+$/.test(target) ? Number(target) : worker.namedPort(target);
    return targetPort === undefined ? { refused: true } : worker.httpGet(targetPort, path, pods.now());
  };
  return { resolve, httpGet };
}
