// `diagnose`: the analyzers' verdict on one object (or a namespace), as compact YAML the model — or the builtin
// rules — can read: the incidents that concern it with their evidence, its status, and the live spec facts a
// fix is built from (resourceVersion, containers' images/resources/probes, rollout revisions).

import { stringify } from 'yaml';
import { z } from 'zod';
import { analyzeSnapshot, type ClusterSnapshot, type Incident, type KindName, ownerChain } from '../../detect/index.js';
import { readCluster } from '../../kube/cluster-reader.js';
import type { Connection } from '../../kube/connect.js';
import type { Tool, ToolResult } from '../../tools/tool.js';

const ALIASES: Readonly<Record<string, KindName>> = {
  pod: 'Pod',
  po: 'Pod',
  pods: 'Pod',
  deployment: 'Deployment',
  deploy: 'Deployment',
  deployments: 'Deployment',
  statefulset: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  ds: 'DaemonSet',
  replicaset: 'ReplicaSet',
  rs: 'ReplicaSet',
  job: 'Job',
  jobs: 'Job',
  cronjob: 'CronJob',
  cj: 'CronJob',
  service: 'Service',
  svc: 'Service',
  pvc: 'PersistentVolumeClaim',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  node: 'Node',
  no: 'Node',
};

export function kindOf(word: string | undefined): KindName | undefined {
  return word ? ALIASES[word.toLowerCase()] : undefined;
}

const SEARCH_ORDER: readonly KindName[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'PersistentVolumeClaim',
  'Node',
];

export const DiagnoseArgs = z.object({
  kind: z.string().optional().describe('pod, deployment, statefulset, daemonset, job, cronjob, service, pvc, node'),
  name: z.string().optional().describe('object name; a pod may be named by its prefix (the workload name)'),
  namespace: z.string().optional(),
});
export type DiagnoseArgs = z.infer<typeof DiagnoseArgs>;

interface Meta {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
}

interface Found {
  readonly kind: KindName;
  readonly obj: Meta;
}

function find(snap: ClusterSnapshot, args: DiagnoseArgs, namespace: string | undefined): Found | undefined {
  if (!args.name) return undefined;
  const wanted = kindOf(args.kind);
  const kinds = wanted ? [wanted] : SEARCH_ORDER;
  for (const kind of kinds) {
    const items = snap.list(kind, namespace) as readonly Meta[];
    const exact = items.find((o) => o.metadata?.name === args.name);
    if (exact) return { kind, obj: exact };
  }
  // "the memory-hog pod" usually means a pod of the memory-hog workload.
  if (!wanted || wanted === 'Pod') {
    const pod = (snap.list('Pod', namespace) as readonly Meta[]).find((o) =>
      o.metadata?.name?.startsWith(`${args.name}-`),
    );
    if (pod) return { kind: 'Pod', obj: pod };
  }
  return undefined;
}

function concerns(incident: Incident, found: Found, snap: ClusterSnapshot): boolean {
  const uid = found.obj.metadata?.uid;
  const name = found.obj.metadata?.name;
  const refs = [incident.workload, ...incident.affected];
  if (refs.some((r) => (uid && r.uid === uid) || (r.kind === found.kind && r.name === name))) return true;
  const chain = ownerChain(found.obj, snap);
  return chain.some((o) => o.kind === incident.workload.kind && o.name === incident.workload.name);
}

function incidentView(i: Incident): Record<string, unknown> {
  return {
    failureClass: i.failureClass,
    severity: i.severity,
    workload: `${i.workload.kind}/${i.workload.name}`,
    reason: i.reason,
    summary: i.summary,
    details: i.evidence.details,
    events: i.evidence.events.slice(0, 5).map((e) => `${e.reason}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`),
    ...(i.evidence.logs
      ? {
          logs: {
            container: i.evidence.logs.container,
            previous: i.evidence.logs.previous,
            errorLines: i.evidence.logs.errorLines.slice(0, 8),
            lastLines: i.evidence.logs.lines.slice(-5),
          },
        }
      : {}),
    findings: i.evidence.findings
      .slice(0, 5)
      .map((f) => `${f.object.kind}/${f.object.name}: ${f.reason} — ${f.summary}`),
  };
}

interface PodSpecLike {
  containers?: readonly {
    name: string;
    image?: string;
    resources?: unknown;
    livenessProbe?: unknown;
    readinessProbe?: unknown;
    ports?: readonly { containerPort: number; name?: string }[];
  }[];
}

function containersOf(spec: PodSpecLike | undefined): unknown[] {
  return (spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    ...(c.resources && Object.keys(c.resources).length ? { resources: c.resources } : {}),
    ...(c.livenessProbe ? { livenessProbe: c.livenessProbe } : {}),
    ...(c.readinessProbe ? { readinessProbe: c.readinessProbe } : {}),
    ...(c.ports?.length ? { ports: c.ports.map((p) => p.containerPort) } : {}),
  }));
}

function workloadView(snap: ClusterSnapshot, kind: string, namespace: string | undefined, name: string): unknown {
  if (kind !== 'Deployment' && kind !== 'StatefulSet' && kind !== 'DaemonSet' && kind !== 'Job') return undefined;
  const obj = snap.get(kind, namespace, name) as (Meta & { spec?: { template?: { spec?: PodSpecLike } } }) | undefined;
  if (!obj) return undefined;
  const view: Record<string, unknown> = {
    kind,
    name,
    namespace,
    resourceVersion: obj.metadata?.resourceVersion,
    generation: obj.metadata?.generation,
    containers: containersOf(obj.spec?.template?.spec),
  };
  if (kind === 'Deployment') {
    const uid = obj.metadata?.uid;
    const revisions = snap
      .list('ReplicaSet', namespace)
      .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid))
      .map((rs) => ({
        revision: Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
        images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image),
        ready: rs.status?.readyReplicas ?? 0,
      }))
      .sort((a, b) => b.revision - a.revision);
    if (revisions.length) view.revisions = revisions;
  }
  return view;
}

function statusView(found: Found): unknown {
  if (found.kind !== 'Pod') return undefined;
  const pod = found.obj as Meta & {
    status?: { phase?: string; containerStatuses?: readonly { ready: boolean; restartCount: number }[] };
  };
  const cs = pod.status?.containerStatuses ?? [];
  return {
    phase: pod.status?.phase,
    ready: `${cs.filter((c) => c.ready).length}/${cs.length}`,
    restarts: cs.reduce((n, c) => n + c.restartCount, 0),
  };
}

export function diagnoseTool(conn: Connection): Tool<typeof DiagnoseArgs> {
  return {
    name: 'diagnose',
    description:
      "Runs kubemend's analyzers and returns the incidents concerning one object (its workload, pods, events, log error lines) plus the workload's live spec facts. Without a name: every incident in the namespace.",
    parameters: DiagnoseArgs,
    effect: 'read',
    async run(args): Promise<ToolResult> {
      const namespace = args.namespace ?? (args.name ? undefined : conn.namespace);
      const read = await readCluster(conn, { ...(namespace ? { namespace } : {}), logs: true });
      if (!read.ok) return { ok: false, isError: true, code: 'CLUSTER_ERROR', message: read.error.message };
      const snap = read.snapshot;
      const { incidents } = await analyzeSnapshot(snap, { ...(namespace ? { namespace } : {}), cluster: conn.context });
      if (!args.name) return { ok: true, content: stringify({ namespace, incidents: incidents.map(incidentView) }) };
      const found = find(snap, args, namespace);
      if (!found)
        return {
          ok: false,
          isError: true,
          code: 'NOT_FOUND',
          message: `no ${args.kind ?? 'object'} named ${args.name}${namespace ? ` in namespace ${namespace}` : ' in any namespace'}; give the namespace or list the objects`,
        };
      const ns = found.obj.metadata?.namespace;
      const name = found.obj.metadata?.name ?? args.name;
      const mine = incidents.filter((i) => concerns(i, found, snap));
      const owner = found.kind === 'Pod' ? ownerChain(found.obj, snap).at(-1) : undefined;
      const workload = workloadView(snap, owner?.kind ?? found.kind, ns, owner?.name ?? name);
      const status = statusView(found);
      return {
        ok: true,
        content: stringify({
          target: `${found.kind}/${name}`,
          namespace: ns,
          ...(status ? { status } : {}),
          incidents: mine.map(incidentView),
          ...(workload ? { workload } : {}),
        }),
      };
    },
  };
}
