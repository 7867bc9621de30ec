// Looking at behaviour: logs with the error lines pulled out, live usage, rollout history, and the analyzers'
// incidents for a namespace.

import * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { analyzeSnapshot, formatIncidents } from '../detect/index.js';
import { readCluster } from '../kube/cluster-reader.js';
import {
  age,
  capped,
  clusterFailure,
  fail,
  type K8sToolsOptions,
  namespaceParam,
  workloadKindParam,
} from './k8s-support.js';
import { capText, redact, table } from './output.js';
import type { Tool } from './tool.js';

const ERROR_LINE =
  /\b(error|err|fatal|panic|exception|fail(ed|ure)?|traceback|oom|killed|denied|refused|timeout|timed out|cannot|unable|not set|missing|invalid)\b/i;
const MAX_ERROR_LINES = 20;

const logsParams = z.object({
  pod: z.string().min(1),
  namespace: namespaceParam,
  container: z.string().optional().describe('Needed if several'),
  tail: z.number().int().min(1).max(2000).default(200),
  previous: z.boolean().default(false).describe('The crashed instance'),
});

/** Error lines first (they are what a diagnosis needs), then the tail; everything redacted and capped. */
export function summarizeLogs(text: string, maxChars: number | undefined): { content: string; truncated: boolean } {
  const clean = redact(text.replace(/\s+$/, ''));
  if (clean === '') return { content: '(no log output)', truncated: false };
  const lines = clean.split('\n');
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  const head = errors.length
    ? `Error lines (${errors.length}${errors.length > MAX_ERROR_LINES ? `, last ${MAX_ERROR_LINES} shown` : ''}):\n${errors.slice(-MAX_ERROR_LINES).join('\n')}\n\n`
    : '';
  const budget = (maxChars ?? 8_000) - head.length;
  const tail = capText(`Log tail (${lines.length} lines):\n${clean}`, {
    maxChars: Math.max(budget, 500),
    keep: 'tail',
    narrow: 'lower tail, or pass container',
  });
  return { content: head + tail.content, truncated: tail.truncated };
}

export function logsTool(o: K8sToolsOptions): Tool<typeof logsParams> {
  return {
    name: 'k8s_logs',
    description: "A pod's recent logs: error lines first, then the tail.",
    parameters: logsParams,
    effect: 'read',
    async run(args) {
      const namespace = args.namespace ?? o.conn.namespace;
      try {
        const text = await o.conn.kc.makeApiClient(k8s.CoreV1Api).readNamespacedPodLog({
          name: args.pod,
          namespace,
          tailLines: args.tail,
          previous: args.previous,
          ...(args.container ? { container: args.container } : {}),
        });
        const s = summarizeLogs(String(text ?? ''), o.maxChars);
        return { ok: true, content: s.content, ...(s.truncated ? { truncated: true } : {}) };
      } catch (err) {
        return clusterFailure(err, { verb: 'get logs of', resource: `pod/${args.pod}`, namespace }, o.conn);
      }
    },
  };
}

const topParams = z.object({
  resource: z.enum(['pods', 'nodes']).default('pods'),
  namespace: namespaceParam,
});

interface Usage {
  cpu?: string;
  memory?: string;
}

export function topTool(o: K8sToolsOptions): Tool<typeof topParams> {
  return {
    name: 'k8s_top',
    description: 'Live CPU and memory usage of pods (per container) or nodes, from metrics.k8s.io.',
    parameters: topParams,
    effect: 'read',
    async run(args) {
      const api = o.conn.kc.makeApiClient(k8s.CustomObjectsApi);
      const namespace = args.namespace ?? o.conn.namespace;
      try {
        if (args.resource === 'nodes') {
          const list = (await api.listClusterCustomObject({
            group: 'metrics.k8s.io',
            version: 'v1beta1',
            plural: 'nodes',
          })) as {
            items: { metadata: { name: string }; usage: Usage }[];
          };
          return capped(
            table(
              ['NODE', 'CPU', 'MEMORY'],
              list.items.map((n) => [n.metadata.name, n.usage.cpu ?? '', n.usage.memory ?? '']),
            ),
            o.maxChars,
          );
        }
        const list = (await api.listNamespacedCustomObject({
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          namespace,
          plural: 'pods',
        })) as { items: { metadata: { name: string }; containers: ({ name: string } & { usage: Usage })[] }[] };
        if (list.items.length === 0) return { ok: true, content: `No pod metrics in namespace ${namespace}.` };
        const rows = list.items.flatMap((p) =>
          p.containers.map((c) => [p.metadata.name, c.name, c.usage.cpu ?? '', c.usage.memory ?? '']),
        );
        return capped(table(['POD', 'CONTAINER', 'CPU', 'MEMORY'], rows), o.maxChars, { narrow: 'pass a namespace' });
      } catch (err) {
        const r = clusterFailure(err, { verb: 'get metrics of', resource: args.resource, namespace }, o.conn);
        return r.ok ? r : fail(r.code ?? 'CLUSTER_ERROR', `${r.message} (is metrics-server installed?)`);
      }
    },
  };
}

const historyParams = z.object({
  name: z.string().min(1),
  namespace: namespaceParam,
  kind: workloadKindParam.optional(),
});

interface RsLike {
  metadata?: {
    name?: string;
    annotations?: Record<string, string>;
    creationTimestamp?: Date;
    ownerReferences?: { uid?: string }[];
  };
  spec?: { replicas?: number; template?: { spec?: { containers?: { name: string; image?: string }[] } } };
  status?: { readyReplicas?: number };
}

/** A Deployment's ReplicaSets ordered by revision: what `rollout undo --to-revision` would restore. */
export async function deploymentRevisions(o: K8sToolsOptions, name: string, namespace: string): Promise<RsLike[]> {
  const apps = o.conn.kc.makeApiClient(k8s.AppsV1Api);
  const d = await apps.readNamespacedDeployment({ name, namespace });
  const rsList = await apps.listNamespacedReplicaSet({ namespace });
  const rev = (rs: RsLike) => Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  return (rsList.items as RsLike[])
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata?.uid))
    .sort((a, b) => rev(a) - rev(b));
}

export function rolloutHistoryTool(o: K8sToolsOptions): Tool<typeof historyParams> {
  return {
    name: 'k8s_rollout_history',
    description: "A Deployment's revisions (its ReplicaSets): revision, images, replicas, age.",
    parameters: historyParams,
    effect: 'read',
    async run(args) {
      const namespace = args.namespace ?? o.conn.namespace;
      if (args.kind && args.kind !== 'Deployment')
        return fail('INVALID_ARGUMENTS', 'rollout history is kept for Deployments only here');
      try {
        const revisions = await deploymentRevisions(o, args.name, namespace);
        if (revisions.length === 0) return { ok: true, content: `Deployment ${args.name} has no ReplicaSets yet.` };
        const rows = revisions.map((rs) => [
          rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '?',
          rs.metadata?.name ?? '',
          (rs.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ''}`).join(','),
          `${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas ?? 0}`,
          age(rs.metadata?.creationTimestamp),
        ]);
        return capped(table(['REVISION', 'REPLICASET', 'IMAGES', 'READY', 'AGE'], rows), o.maxChars);
      } catch (err) {
        return clusterFailure(err, { verb: 'get', resource: `deployment/${args.name}`, namespace }, o.conn);
      }
    },
  };
}

const incidentsParams = z.object({ namespace: namespaceParam });

export function incidentsTool(o: K8sToolsOptions): Tool<typeof incidentsParams> {
  return {
    name: 'k8s_incidents',
    description:
      "kubemend's analyzers over one namespace: every incident with its failure class, workload and summary.",
    parameters: incidentsParams,
    effect: 'read',
    async run(args) {
      const namespace = args.namespace ?? o.conn.namespace;
      const read = await readCluster(o.conn, { namespace, logs: true });
      if (!read.ok) return fail('CLUSTER_ERROR', read.error.message);
      const result = await analyzeSnapshot(read.snapshot, { cluster: o.conn.context });
      const mine = result.incidents.filter(
        (i) => i.workload.namespace === namespace || i.workload.namespace === undefined,
      );
      if (mine.length === 0) return { ok: true, content: `No incidents in namespace ${namespace}.` };
      return capped(redact(formatIncidents(mine, { format: 'table', now: new Date() })), o.maxChars);
    },
  };
}
