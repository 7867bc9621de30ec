// The zero-token fixes: what a good SRE does for the failures whose right change can be read off the evidence.
// OOM, bad image and probe fixes are the agents' builtin fixes (one implementation); here are the ones that need
// more of the cluster (crash loop after a rollout, a Service selector), and the failures kubemend must NOT fix by
// inventing data (a smaller request, a ConfigMap, a StorageClass, a password): those get a precise suggestion.

import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { type DiagnoseView, proposeFix } from '../agents/builtin-fixes.js';
import type { Fix } from '../agents/fix.js';
import { diagnoseTool } from '../agents/tools/diagnose-tool.js';
import type { Incident } from '../detect/index.js';
import type { Connection } from '../kube/connect.js';
import type { RemedyMode } from './types.js';

export type Proposal =
  | {
      readonly kind: 'fix';
      readonly fix: Fix;
      /** 'runbook:oom', 'experience', 'model:<name>'. */
      readonly actor: string;
      /** The most autonomy this change may be applied with (a Service selector waits for a person). */
      readonly maxMode?: RemedyMode;
    }
  | { readonly kind: 'escalate'; readonly actor: string; readonly reason: string };

const RUNBOOK_NAMES: Readonly<Record<string, string>> = {
  OOMKilled: 'runbook:oom',
  ImagePullBackOff: 'runbook:image-rollback',
  ProbeFailure: 'runbook:probe',
  CrashLoopBackOff: 'runbook:crash-rollback',
  ServiceNoEndpoints: 'runbook:service-selector',
};

async function diagnoseView(conn: Connection, incident: Incident): Promise<DiagnoseView | undefined> {
  const w = incident.workload;
  const result = await diagnoseTool(conn).run(
    { kind: w.kind.toLowerCase(), name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) },
    {},
  );
  if (!result.ok) return undefined;
  const view = parseYaml(result.content) as DiagnoseView | null;
  if (!view) return undefined;
  // The view lists every incident of the object; the fix must answer this one.
  const mine = view.incidents?.filter((i) => i.failureClass === incident.failureClass);
  return { ...view, incidents: mine?.length ? mine : [incidentView(incident)] };
}

function incidentView(incident: Incident): NonNullable<DiagnoseView['incidents']>[number] {
  return {
    failureClass: incident.failureClass,
    details: incident.evidence.details,
    events: incident.evidence.events.map((e) => `${e.reason}: ${e.message}`),
    ...(incident.evidence.logs
      ? { logs: { errorLines: incident.evidence.logs.errorLines, lastLines: incident.evidence.logs.lines.slice(-5) } }
      : {}),
  };
}

const REVISION = 'deployment.kubernetes.io/revision';

/** A Deployment whose newest revision crashes while an older one ran: undo the rollout that started it. */
async function crashRollback(conn: Connection, incident: Incident, view: DiagnoseView): Promise<Proposal | undefined> {
  const w = view.workload;
  if (w?.kind !== 'Deployment') return undefined;
  const apps = conn.kc.makeApiClient(k8s.AppsV1Api);
  const list = await apps.listNamespacedReplicaSet({ namespace: w.namespace });
  const owned = list.items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === w.name))
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) }))
    .sort((a, b) => b.revision - a.revision);
  const [current, ...older] = owned;
  // A previous revision that had Ready pods is the last healthy one; without a rollout there is nothing to undo.
  const previous = older.find((o) => (o.rs.status?.readyReplicas ?? 0) > 0) ?? older[0];
  if (!current || !previous) return undefined;
  const containers = (previous.rs.spec?.template?.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
  }));
  const now = (current.rs.spec?.template?.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
  }));
  return {
    kind: 'fix',
    actor: 'runbook:crash-rollback',
    fix: {
      kind: 'rollout-undo',
      target: {
        kind: 'Deployment',
        namespace: w.namespace,
        name: w.name,
        ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}),
        ...(w.generation !== undefined ? { generation: w.generation } : {}),
      },
      toRevision: previous.revision,
      patch: { type: 'strategic', body: { spec: { template: { spec: { containers } } } } },
      expected: `the crash loop that began with revision ${current.revision} stops: the Deployment runs revision ${previous.revision} again and its pods become Ready`,
      risk: 'low',
      undo: {
        description: `roll forward to revision ${current.revision} once its crash (${incident.reason}) is fixed`,
        patch: { type: 'strategic', body: { spec: { template: { spec: { containers: now } } } } },
      },
    },
  };
}

/** A selector matching no pod while exactly one workload's pods differ from it in one label value. */
async function selectorFix(conn: Connection, incident: Incident): Promise<Proposal | undefined> {
  const { namespace, name } = incident.workload;
  if (!namespace) return undefined;
  const core = conn.kc.makeApiClient(k8s.CoreV1Api);
  const apps = conn.kc.makeApiClient(k8s.AppsV1Api);
  const svc = await core.readNamespacedService({ name, namespace });
  const selector = svc.spec?.selector ?? {};
  const keys = Object.keys(selector);
  if (keys.length === 0) return undefined;
  const workloads = [
    ...(await apps.listNamespacedDeployment({ namespace })).items.map((d) => ({ kind: 'Deployment', o: d })),
    ...(await apps.listNamespacedStatefulSet({ namespace })).items.map((d) => ({ kind: 'StatefulSet', o: d })),
  ];
  const near = workloads.filter(({ o }) => {
    const labels = o.spec?.template?.metadata?.labels ?? {};
    const differing = keys.filter((k) => labels[k] !== selector[k]);
    return keys.every((k) => k in labels) && differing.length === 1;
  });
  const only = near.length === 1 ? near[0] : undefined;
  if (!only) return undefined;
  const labels = only.o.spec?.template?.metadata?.labels ?? {};
  const next = Object.fromEntries(keys.map((k) => [k, labels[k] ?? '']));
  const describe = (s: Record<string, string>) =>
    Object.entries(s)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return {
    kind: 'fix',
    actor: 'runbook:service-selector',
    maxMode: 'approve',
    fix: {
      kind: 'patch',
      target: {
        kind: 'Service',
        namespace,
        name,
        ...(svc.metadata?.resourceVersion ? { resourceVersion: svc.metadata.resourceVersion } : {}),
      },
      patch: { type: 'merge', body: { spec: { selector: next } } },
      expected: `Service ${name} selects the pods of ${only.kind}/${only.o.metadata?.name} (${describe(next)}) and has ready endpoints`,
      risk: 'medium',
      undo: {
        description: `set the selector back to ${describe(selector)}`,
        patch: { type: 'merge', body: { spec: { selector } } },
      },
    },
  };
}

function detail(incident: Incident, key: string): string | undefined {
  const v = incident.evidence.details[key];
  return v === undefined ? undefined : String(v);
}

/** Failures whose fix is data only a person has: say exactly what is missing and what would fix it. */
function suggestion(incident: Incident): string | undefined {
  const where = `${incident.workload.kind}/${incident.workload.name} in namespace ${incident.workload.namespace ?? ''}`;
  const facts = `${incident.failureClass} on ${where}: ${incident.summary}.`;
  switch (incident.failureClass) {
    case 'Unschedulable':
      return `${facts} Suggestion: free or add capacity (a node with room for the pod's requests), or lower the requests if the program needs less; kubemend does not guess a smaller request for you.`;
    case 'MissingReference':
    case 'CreateContainerConfigError': {
      const kind = detail(incident, 'refKind') ?? 'ConfigMap/Secret';
      const ref = detail(incident, 'refName');
      const key = detail(incident, 'missingKey');
      const what = ref ? `${kind} "${ref}"${key ? ` with key "${key}"` : ''}` : 'the referenced ConfigMap/Secret';
      return `${facts} Suggestion: create ${what} in namespace ${incident.workload.namespace ?? ''} with the values the application expects (or correct the reference); kubemend does not invent configuration data.`;
    }
    case 'PVCPending': {
      const sc = detail(incident, 'storageClass') ?? detail(incident, 'storageClassName');
      return `${facts} Suggestion: ${sc ? `create StorageClass "${sc}" or ` : ''}set the claim's storageClassName to a StorageClass the cluster has (kubectl get storageclass); a PVC's class cannot be changed in place, so recreate the claim.`;
    }
    case 'MissingPassword': {
      const vars = detail(incident, 'variables') ?? 'the root password variable';
      return `${facts} Suggestion: create a Secret holding the password (kubectl create secret generic ... --from-literal=...) and set ${vars} from it with valueFrom.secretKeyRef; kubemend never invents a password.`;
    }
    default:
      return undefined;
  }
}

/**
 * The runbook's answer to an incident: a Fix, an escalation with a suggestion, or undefined when no runbook knows
 * the failure (the team of agents may then try, if a model is configured).
 */
export async function runbookFor(conn: Connection, incident: Incident): Promise<Proposal | undefined> {
  const advice = suggestion(incident);
  if (advice) return { kind: 'escalate', actor: `runbook:${incident.failureClass}`, reason: advice };
  const actor = RUNBOOK_NAMES[incident.failureClass];
  if (!actor) return undefined;
  if (incident.failureClass === 'ServiceNoEndpoints') return selectorFix(conn, incident);
  const view = await diagnoseView(conn, incident);
  if (!view) return undefined;
  if (incident.failureClass === 'CrashLoopBackOff') return crashRollback(conn, incident, view);
  const proposal = proposeFix(view);
  return proposal.ok
    ? { kind: 'fix', actor, fix: proposal.fix }
    : {
        kind: 'escalate',
        actor,
        reason: `${incident.failureClass} on ${incident.workload.kind}/${incident.workload.name}: ${proposal.reason}`,
      };
}
