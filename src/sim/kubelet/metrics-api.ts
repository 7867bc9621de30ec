// metrics.k8s.io/v1beta1 as metrics-server serves it, computed from the simulated kubelet's running programs:
// PodMetrics and NodeMetrics lists and gets, with label and field selectors, so `kubectl top pods|nodes` (and
// anything else reading the resource metrics API) prints real numbers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchLabels, parseLabelSelector } from '../../kube/label-selector.js';
import type { ExtraApi } from '../api/api-server.js';
import { sendJson, sendStatusError } from '../api/http-util.js';
import type { SimClock } from '../clock.js';
import type { KubeObject } from '../objects.js';
import type { ObjectStore } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';
import { matchFields, parseFieldSelector } from '../store/selectors.js';
import { errors, StatusError } from '../store/status-error.js';
import { kubeletFor, NODES, PODS, type PodUsage } from './kubelet.js';

const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const API_VERSION = `${GROUP}/${VERSION}`;
const PREFIX = `/apis/${GROUP}/${VERSION}/`;
/** What the node's own daemons (kubelet, containerd, the OS) use on top of the pods. */
const SYSTEM_CPU_MILLIS = 95;
const SYSTEM_MEMORY_BYTES = 880 * 1024 * 1024;

export interface MetricsContext {
  readonly store: ObjectStore;
  readonly clock: SimClock;
}

function cpu(millis: number): string {
  return `${Math.round(millis * 1_000_000)}n`;
}

function memory(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

type Route =
  | { readonly kind: 'pods'; readonly namespace?: string; readonly name?: string }
  | { readonly kind: 'nodes'; readonly name?: string };

function route(pathname: string): Route | undefined {
  if (!pathname.startsWith(PREFIX)) return undefined;
  const parts = pathname.slice(PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'nodes' && parts.length <= 2) return { kind: 'nodes', ...(parts[1] ? { name: parts[1] } : {}) };
  if (parts[0] === 'pods' && parts.length === 1) return { kind: 'pods' };
  if (parts[0] === 'namespaces' && parts[2] === 'pods' && parts.length >= 3 && parts.length <= 4)
    return { kind: 'pods', namespace: parts[1]!, ...(parts[3] ? { name: parts[3] } : {}) };
  return undefined;
}

function selectors(
  url: URL,
  plural: string,
): { labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> } {
  return {
    labels: parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined),
    fields: parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined, plural),
  };
}

export function metricsApi(ctx: MetricsContext): ExtraApi {
  const { store, clock } = ctx;

  const podMetrics = (u: PodUsage, pod: KubeObject | undefined, now: Date) => ({
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: {
      name: u.name,
      namespace: u.namespace,
      creationTimestamp: isoSeconds(now),
      labels: pod?.metadata.labels ?? {},
    },
    timestamp: isoSeconds(new Date(now.getTime() - 7_000)),
    window: '15.002s',
    containers: u.containers.map((c) => ({
      name: c.name,
      usage: { cpu: cpu(c.cpuMillis), memory: memory(c.memoryBytes) },
    })),
  });

  const nodeMetrics = (node: KubeObject, usage: readonly PodUsage[], now: Date) => {
    const mine = usage.filter((u) => u.node === node.metadata.name).flatMap((u) => u.containers);
    return {
      kind: 'NodeMetrics',
      apiVersion: API_VERSION,
      metadata: { name: node.metadata.name, creationTimestamp: isoSeconds(now), labels: node.metadata.labels ?? {} },
      timestamp: isoSeconds(new Date(now.getTime() - 9_000)),
      window: '20.051s',
      usage: {
        cpu: cpu(SYSTEM_CPU_MILLIS + mine.reduce((s, c) => s + c.cpuMillis, 0)),
        memory: memory(SYSTEM_MEMORY_BYTES + mine.reduce((s, c) => s + c.memoryBytes, 0)),
      },
    };
  };

  const servePods = (res: ServerResponse, url: URL, r: Extract<Route, { kind: 'pods' }>): void => {
    const now = clock.now();
    const usage = kubeletFor(store)?.podUsage(r.namespace) ?? [];
    if (r.name) {
      const u = usage.find((x) => x.name === r.name);
      if (!u)
        throw new StatusError(404, 'NotFound', `podmetrics.${GROUP} "${r.namespace}/${r.name}" not found`, {
          name: r.name,
          group: GROUP,
          kind: 'pods',
        });
      sendJson(res, 200, podMetrics(u, store.get(PODS, u.namespace, u.name), now));
      return;
    }
    const sel = selectors(url, 'pods');
    if (!sel.labels.ok) throw errors.badRequest(sel.labels.message);
    if (!sel.fields.ok) throw errors.badRequest(sel.fields.message);
    const items = [];
    for (const u of usage) {
      const pod = store.get(PODS, u.namespace, u.name);
      if (!pod || !matchLabels(sel.labels.value, pod.metadata.labels) || !matchFields(sel.fields.value, pod)) continue;
      items.push(podMetrics(u, pod, now));
    }
    sendJson(res, 200, { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items });
  };

  const serveNodes = (res: ServerResponse, url: URL, r: Extract<Route, { kind: 'nodes' }>): void => {
    const now = clock.now();
    const usage = kubeletFor(store)?.podUsage() ?? [];
    if (r.name) {
      const node = store.get(NODES, undefined, r.name);
      if (!node)
        throw new StatusError(404, 'NotFound', `nodemetrics.${GROUP} "${r.name}" not found`, {
          name: r.name,
          group: GROUP,
          kind: 'nodes',
        });
      sendJson(res, 200, nodeMetrics(node, usage, now));
      return;
    }
    const sel = selectors(url, 'nodes');
    if (!sel.labels.ok) throw errors.badRequest(sel.labels.message);
    if (!sel.fields.ok) throw errors.badRequest(sel.fields.message);
    const labels = sel.labels.value;
    const fields = sel.fields.value;
    const items = store
      .all(NODES)
      .filter((n) => matchLabels(labels, n.metadata.labels) && matchFields(fields, n))
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
      .map((n) => nodeMetrics(n, usage, now));
    sendJson(res, 200, { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items });
  };

  return {
    group: {
      name: GROUP,
      version: VERSION,
      resources: [
        { name: 'nodes', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] },
        { name: 'pods', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] },
      ],
    },
    handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const r = route(url.pathname.replace(/\/+$/, ''));
      if (!r) return false;
      try {
        if (req.method !== 'GET' || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1')
          throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        if (r.kind === 'pods') servePods(res, url, r);
        else serveNodes(res, url, r);
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        sendStatusError(res, err);
      }
      return true;
    },
  };
}
