// The endpoints and endpointslice controllers in one: for every Service with a selector, the Endpoints
// object (ready pods in `addresses`, the others in `notReadyAddresses`) and its EndpointSlices (one per
// distinct port mapping, conditions ready/serving/terminating), kept current as pods come, go and change
// readiness. Services without a selector and ExternalName services are left alone, as in Kubernetes.

import { matchLabels } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { StatusError } from '../store/status-error.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefTo, ownerKey } from './owner-refs.js';
import { type Backend, backendsFor, groupByPorts, type ResolvedPort, type ServiceSpec } from './service-backends.js';
import { canonicalJson } from './template-hash.js';

const COMPONENT = 'endpoint-controller';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SLICE_MANAGER = 'endpointslice-controller.k8s.io';
const SERVICE_NAME = 'kubernetes.io/service-name';
const HEADLESS = 'service.kubernetes.io/headless';

function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const spec = (svc.spec ?? {}) as ServiceSpec;
  if (spec.type === 'ExternalName') return undefined;
  const sel = spec.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

function selects(svc: KubeObject, labels: Record<string, string> | undefined): boolean {
  const sel = selectorOf(svc);
  if (!sel) return false;
  const l = labels ?? {};
  return Object.entries(sel).every(([k, v]) => l[k] === v);
}

export function endpointsController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: COMPONENT,
    keysFor(e) {
      if (e.resource === K.services) return [keyOf(e.object)];
      if (e.resource === K.pods) {
        const ns = e.object.metadata.namespace ?? '';
        return index
          .inNamespace(K.services, ns)
          .filter((svc) => selects(svc, e.object.metadata.labels) || selects(svc, e.previous?.metadata.labels))
          .map(keyOf);
      }
      if (e.resource === K.endpoints && e.type === 'DELETED') return [keyOf(e.object)];
      if (e.resource === K.endpointSlices) {
        const k = ownerKey(e.object, 'Service');
        return k ? [k] : [];
      }
      return [];
    },
    initialKeys: () => ctx.store.all(K.services).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const svc = ctx.store.get(K.services, namespace, name);
      if (!svc) {
        removeEndpoints(ctx, namespace, name);
        return;
      }
      const sel = selectorOf(svc);
      if (!sel) return;
      const pods = index.inNamespace(K.pods, namespace).filter((p) => matchLabels(toSelector(sel), p.metadata.labels));
      const backends = backendsFor(svc, pods);
      syncEndpoints(ctx, svc, backends);
      syncSlices(ctx, index, svc, backends);
    },
  };
}

function toSelector(sel: Record<string, string>) {
  return Object.entries(sel).map(([key, v]) => ({ key, op: 'in' as const, values: [v] }));
}

function serviceLabels(svc: KubeObject): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (((svc.spec ?? {}) as ServiceSpec).clusterIP === 'None') labels[HEADLESS] = '';
  return labels;
}

function endpointAddress(b: Backend, svc: KubeObject): Record<string, unknown> {
  const spec = (b.pod.spec ?? {}) as { nodeName?: string; hostname?: string; subdomain?: string };
  return {
    ip: b.ip,
    // The hostname is published only for pods that name this Service as their subdomain (headless DNS).
    ...(spec.hostname && spec.subdomain === svc.metadata.name ? { hostname: spec.hostname } : {}),
    ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: b.pod.metadata.namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
  };
}

function portList(ports: readonly ResolvedPort[]): Record<string, unknown>[] {
  return ports.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: p.port,
    protocol: p.protocol,
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
}

function syncEndpoints(ctx: ControllerContext, svc: KubeObject, backends: readonly Backend[]): void {
  const subsets: Record<string, unknown>[] = [];
  for (const g of groupByPorts(backends).values()) {
    const ready = g.backends.filter((b) => b.ready).map((b) => endpointAddress(b, svc));
    const notReady = g.backends.filter((b) => !b.ready).map((b) => endpointAddress(b, svc));
    subsets.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ...(g.ports.length ? { ports: portList(g.ports) } : {}),
    });
  }
  const ns = svc.metadata.namespace;
  const name = svc.metadata.name ?? '';
  const labels = serviceLabels(svc);
  const existing = ctx.store.get(K.endpoints, ns, name);
  if (!existing) {
    write(() =>
      ctx.store.create(K.endpoints, {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace: ns, ...(Object.keys(labels).length ? { labels } : {}) },
        ...(subsets.length ? { subsets } : {}),
      } as KubeObject),
    );
    return;
  }
  const same =
    canonicalJson(existing.subsets ?? []) === canonicalJson(subsets) &&
    canonicalJson(existing.metadata.labels ?? {}) === canonicalJson(labels);
  if (same) return;
  write(() =>
    ctx.store.modify(K.endpoints, ns, name, (ep) => {
      if (subsets.length) ep.subsets = subsets as KubeObject['subsets'];
      else delete ep.subsets;
      if (Object.keys(labels).length) ep.metadata.labels = labels;
      else delete ep.metadata.labels;
    }),
  );
}

function slicePorts(s: KubeObject): string {
  return canonicalJson(s.ports ?? []);
}

function syncSlices(ctx: ControllerContext, index: ObjectIndex, svc: KubeObject, backends: readonly Backend[]): void {
  const ns = svc.metadata.namespace;
  const zoneOf = (node: string | undefined): string | undefined =>
    node ? ctx.store.get(K.nodes, undefined, node)?.metadata.labels?.['topology.kubernetes.io/zone'] : undefined;
  const desired: { ports: Record<string, unknown>[]; endpoints: Record<string, unknown>[] }[] = [];
  for (const g of groupByPorts(backends).values()) {
    desired.push({
      ports: portList(g.ports),
      endpoints: g.backends.map((b) => {
        const nodeName = (b.pod.spec as { nodeName?: string } | undefined)?.nodeName;
        const spec = (b.pod.spec ?? {}) as { hostname?: string; subdomain?: string };
        const zone = zoneOf(nodeName);
        return {
          addresses: [b.ip],
          conditions: { ready: b.ready, serving: b.serving, terminating: b.terminating },
          ...(spec.hostname && spec.subdomain === svc.metadata.name ? { hostname: spec.hostname } : {}),
          ...(nodeName ? { nodeName } : {}),
          targetRef: {
            kind: 'Pod',
            namespace: b.pod.metadata.namespace,
            name: b.pod.metadata.name,
            uid: b.pod.metadata.uid,
          },
          ...(zone ? { zone } : {}),
        };
      }),
    });
  }
  // A Service with nothing selected still gets one empty placeholder slice.
  if (desired.length === 0) desired.push({ ports: [], endpoints: [] });
  const labels = { ...serviceLabels(svc), [SERVICE_NAME]: svc.metadata.name ?? '', [MANAGED_BY]: SLICE_MANAGER };
  const existing = index
    .ownedBy(K.endpointSlices, svc.metadata.uid)
    .filter((s) => s.metadata.labels?.[MANAGED_BY] === SLICE_MANAGER);
  const unused = new Set(existing);
  for (const want of desired) {
    const key = canonicalJson(want.ports);
    const match = [...unused].find((s) => slicePorts(s) === key) ?? [...unused][0];
    if (match) {
      unused.delete(match);
      const same =
        canonicalJson(match.endpoints ?? []) === canonicalJson(want.endpoints) &&
        slicePorts(match) === key &&
        canonicalJson(match.metadata.labels ?? {}) === canonicalJson(labels);
      if (!same)
        write(() =>
          ctx.store.modify(K.endpointSlices, ns, match.metadata.name ?? '', (s) => {
            s.metadata.labels = labels;
            s.endpoints = want.endpoints as KubeObject['endpoints'];
            if (want.ports.length) s.ports = want.ports as KubeObject['ports'];
            else delete s.ports;
          }),
        );
      continue;
    }
    write(() =>
      ctx.store.create(K.endpointSlices, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${svc.metadata.name}-`,
          namespace: ns,
          labels,
          ownerReferences: [controllerRefTo(svc)],
        },
        addressType: 'IPv4',
        endpoints: want.endpoints,
        ...(want.ports.length ? { ports: want.ports } : {}),
      } as KubeObject),
    );
  }
  for (const s of unused) write(() => ctx.store.delete(K.endpointSlices, ns, s.metadata.name ?? ''));
}

function removeEndpoints(ctx: ControllerContext, namespace: string, name: string): void {
  const ep = ctx.store.get(K.endpoints, namespace, name);
  // Endpoints carry no owner reference: the controller removes them with their Service.
  if (ep) write(() => ctx.store.delete(K.endpoints, namespace, name));
}

/** Writes that race a namespace being deleted or a Service going away fail harmlessly. */
function write(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
  }
}
