// What every built-in Kubernetes tool shares: which kinds a model may name (with kubectl's short names), the
// cluster connection, and turning client-node failures into results a model can act on.

import * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { type Connection, toKubeError } from '../kube/connect.js';
import { humanDuration } from '../kube/human-duration.js';
import { type CapOptions, capText } from './output.js';
import type { ToolErrorCode, ToolResult } from './tool.js';

export interface K8sToolsOptions {
  readonly conn: Connection;
  /** Result size budget in characters (~4 per token). */
  readonly maxChars?: number;
}

export interface KindInfo {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespaced: boolean;
}

const KINDS: readonly (KindInfo & { readonly aliases: readonly string[] })[] = [
  { kind: 'Pod', apiVersion: 'v1', namespaced: true, aliases: ['pod', 'pods', 'po'] },
  { kind: 'Deployment', apiVersion: 'apps/v1', namespaced: true, aliases: ['deployment', 'deployments', 'deploy'] },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', namespaced: true, aliases: ['replicaset', 'replicasets', 'rs'] },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', namespaced: true, aliases: ['statefulset', 'statefulsets', 'sts'] },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', namespaced: true, aliases: ['daemonset', 'daemonsets', 'ds'] },
  { kind: 'Job', apiVersion: 'batch/v1', namespaced: true, aliases: ['job', 'jobs'] },
  { kind: 'CronJob', apiVersion: 'batch/v1', namespaced: true, aliases: ['cronjob', 'cronjobs', 'cj'] },
  { kind: 'Service', apiVersion: 'v1', namespaced: true, aliases: ['service', 'services', 'svc'] },
  { kind: 'Endpoints', apiVersion: 'v1', namespaced: true, aliases: ['endpoints', 'ep'] },
  { kind: 'ConfigMap', apiVersion: 'v1', namespaced: true, aliases: ['configmap', 'configmaps', 'cm'] },
  { kind: 'Secret', apiVersion: 'v1', namespaced: true, aliases: ['secret', 'secrets'] },
  {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    namespaced: true,
    aliases: ['persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  },
  {
    kind: 'PersistentVolume',
    apiVersion: 'v1',
    namespaced: false,
    aliases: ['persistentvolume', 'persistentvolumes', 'pv'],
  },
  { kind: 'Event', apiVersion: 'v1', namespaced: true, aliases: ['event', 'events', 'ev'] },
  { kind: 'Node', apiVersion: 'v1', namespaced: false, aliases: ['node', 'nodes', 'no'] },
  { kind: 'Namespace', apiVersion: 'v1', namespaced: false, aliases: ['namespace', 'namespaces', 'ns'] },
  { kind: 'ResourceQuota', apiVersion: 'v1', namespaced: true, aliases: ['resourcequota', 'resourcequotas', 'quota'] },
  { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', namespaced: true, aliases: ['ingress', 'ingresses', 'ing'] },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    namespaced: true,
    aliases: ['networkpolicy', 'networkpolicies', 'netpol'],
  },
  {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v2',
    namespaced: true,
    aliases: ['horizontalpodautoscaler', 'horizontalpodautoscalers', 'hpa'],
  },
  {
    kind: 'StorageClass',
    apiVersion: 'storage.k8s.io/v1',
    namespaced: false,
    aliases: ['storageclass', 'storageclasses', 'sc'],
  },
];

export function kindInfo(name: string): KindInfo | undefined {
  const n = name.toLowerCase();
  return KINDS.find((k) => k.aliases.includes(n));
}

export const KIND_NAMES = KINDS.map((k) => k.kind);

// Short descriptions: every tool schema goes with every model call, so each word here is paid for many times.
export const kindParam = z.string().describe('e.g. pod, deploy, svc');
export const namespaceParam = z.string().min(1).optional().describe("Default: the context's");

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export const workloadKindParam = z.enum(WORKLOAD_KINDS).default('Deployment');

export function fail(code: ToolErrorCode, message: string): ToolResult {
  return { ok: false, isError: true, code, message };
}

export function unknownKind(name: string): ToolResult {
  return fail('INVALID_ARGUMENTS', `unknown kind "${name}"; known kinds: ${KIND_NAMES.join(', ')}`);
}

/** A client-node failure as a result: NOT_FOUND stays distinguishable, everything else is a cluster error. */
export function clusterFailure(
  err: unknown,
  what: { verb: string; resource: string; namespace?: string },
  conn: Connection,
): ToolResult {
  const e = toKubeError(err, what, conn.server);
  const code: ToolErrorCode = e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'TIMEOUT' ? 'TIMEOUT' : 'CLUSTER_ERROR';
  return fail(code, e.hint ? `${e.message} (${e.hint})` : e.message);
}

export function capped(text: string, maxChars: number | undefined, options: CapOptions = {}): ToolResult {
  const c = capText(text, { ...options, ...(maxChars !== undefined ? { maxChars } : {}) });
  return { ok: true, content: c.content, ...(c.truncated ? { truncated: true } : {}) };
}

export function objectApi(conn: Connection): k8s.KubernetesObjectApi {
  return k8s.KubernetesObjectApi.makeApiClient(conn.kc);
}

export function ref(info: KindInfo, name: string, namespace: string) {
  return {
    apiVersion: info.apiVersion,
    kind: info.kind,
    metadata: info.namespaced ? { name, namespace } : { name },
  };
}

/** The AGE column, as kubectl prints it. */
export function age(timestamp: Date | string | undefined, now: Date = new Date()): string {
  return timestamp ? humanDuration(now.getTime() - new Date(timestamp).getTime()) : '<unknown>';
}
