// What a person would look at to say "this scenario is failing as documented": status reasons, exit codes,
// events, messages and logs, read through the API with client-node (cheap enough to poll for twenty scenarios
// at once; the user-visible kubectl views are asserted separately).

import * as k8s from '@kubernetes/client-node';
import type { ScenarioExpectation } from '../../../src/sim/scenarios/index.js';

export interface Cluster {
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
}

export function clusterFor(kubeconfigPath: string): Cluster {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
  };
}

/** What to look for and where: a library scenario, or a variant a test writes inline. */
export interface Target {
  readonly namespace: string;
  readonly expect: ScenarioExpectation;
}

export interface Observation {
  readonly reasons: ReadonlySet<string>;
  readonly exitCodes: ReadonlySet<number>;
  readonly eventReasons: ReadonlySet<string>;
  readonly messages: readonly string[];
  readonly logs: string;
  /** Ready addresses of the Service the expectation is about (0 when it has none). */
  readonly readyEndpoints: number;
  readonly pvcPhase?: string;
  readonly nodeReady?: string;
}

type Conditions = readonly { reason?: string; message?: string }[] | undefined;

class Collector {
  readonly reasons = new Set<string>();
  readonly exitCodes = new Set<number>();
  readonly messages: string[] = [];

  add(reason: string | undefined, message?: string): void {
    if (reason) this.reasons.add(reason);
    if (message) this.messages.push(message);
  }

  conditions(cs: Conditions): void {
    for (const c of cs ?? []) this.add(c.reason, c.message);
  }

  container(st: k8s.V1ContainerStatus): void {
    this.add(st.state?.waiting?.reason, st.state?.waiting?.message);
    for (const t of [st.state?.terminated, st.lastState?.terminated]) {
      if (!t) continue;
      this.add(t.reason, t.message);
      this.exitCodes.add(t.exitCode);
    }
  }
}

function statuses(pod: k8s.V1Pod): k8s.V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

async function podLogs(c: Cluster, pods: readonly k8s.V1Pod[], container: string | undefined): Promise<string> {
  const reads: Promise<string>[] = [];
  for (const pod of pods) {
    for (const st of statuses(pod)) {
      if (container !== undefined && st.name !== container) continue;
      const base = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', container: st.name };
      reads.push(c.core.readNamespacedPodLog(base).catch(() => ''));
      if (st.restartCount > 0 || st.lastState?.terminated)
        reads.push(c.core.readNamespacedPodLog({ ...base, previous: true }).catch(() => ''));
    }
  }
  return (await Promise.all(reads)).join('\n');
}

export async function observe(c: Cluster, t: Target, withLogs: boolean): Promise<Observation> {
  const { namespace, expect } = t;
  const col = new Collector();
  const [pods, deployments, replicaSets, jobs, pvcs, events] = await Promise.all([
    c.core.listNamespacedPod({ namespace }),
    c.apps.listNamespacedDeployment({ namespace }),
    c.apps.listNamespacedReplicaSet({ namespace }),
    c.batch.listNamespacedJob({ namespace }),
    c.core.listNamespacedPersistentVolumeClaim({ namespace }),
    c.core.listNamespacedEvent({ namespace }),
  ]);
  for (const pod of pods.items) {
    col.add(pod.status?.reason, pod.status?.message);
    col.conditions(pod.status?.conditions);
    for (const st of statuses(pod))
      if (expect.container === undefined || st.name === expect.container) col.container(st);
  }
  for (const o of [...deployments.items, ...replicaSets.items, ...jobs.items, ...pvcs.items])
    col.conditions(o.status?.conditions);

  const own = [...events.items];
  if (expect.workload.kind === 'Node') {
    // A node's own events are recorded outside any workload's namespace.
    const all = await c.core.listEventForAllNamespaces();
    own.push(
      ...all.items.filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === expect.workload.name),
    );
  }
  for (const e of own) col.add(undefined, e.message);

  let readyEndpoints = 0;
  if (expect.workload.kind === 'Service') {
    const ep = await c.core.readNamespacedEndpoints({ namespace, name: expect.workload.name }).catch(() => undefined);
    readyEndpoints = (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  }
  let nodeReady: string | undefined;
  if (expect.workload.kind === 'Node') {
    const node = await c.core.readNode({ name: expect.workload.name });
    col.conditions(node.status?.conditions);
    nodeReady = node.status?.conditions?.find((x) => x.type === 'Ready')?.status;
  }
  const pvc = pvcs.items.find((p) => p.metadata?.name === expect.workload.name);
  return {
    reasons: col.reasons,
    exitCodes: col.exitCodes,
    eventReasons: new Set(own.map((e) => e.reason ?? '')),
    messages: col.messages,
    logs: withLogs ? await podLogs(c, pods.items, expect.container) : '',
    readyEndpoints,
    ...(pvc?.status?.phase ? { pvcPhase: pvc.status.phase } : {}),
    ...(nodeReady ? { nodeReady } : {}),
  };
}

/** What the expectation asks for that the observation does not show (empty: the failure is as documented). */
export function unmet(expect: ScenarioExpectation, o: Observation, logsFetched: boolean): string[] {
  const out: string[] = [];
  if (expect.failureClass === 'ServiceNoEndpoints' && o.readyEndpoints > 0)
    out.push(`service has ${o.readyEndpoints} endpoints`);
  if (expect.failureClass === 'PVCPending' && o.pvcPhase !== 'Pending') out.push(`claim is ${o.pvcPhase ?? 'missing'}`);
  if (expect.failureClass === 'NodeNotReady' && o.nodeReady === 'True') out.push('node is Ready');
  if (expect.reason !== undefined && !o.reasons.has(expect.reason)) out.push(`reason ${expect.reason}`);
  if (expect.exitCode !== undefined && !o.exitCodes.has(expect.exitCode)) out.push(`exit code ${expect.exitCode}`);
  for (const r of expect.eventReasons ?? []) if (!o.eventReasons.has(r)) out.push(`event ${r}`);
  if (expect.message !== undefined) {
    const re = new RegExp(expect.message);
    if (!o.messages.some((m) => re.test(m))) out.push(`message /${expect.message}/`);
  }
  if (logsFetched) for (const l of expect.logIncludes ?? []) if (!o.logs.includes(l)) out.push(`log line "${l}"`);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the target shows everything its expectation lists; fails with what is still missing. */
export async function waitForFailure(c: Cluster, t: Target, timeoutMs = 60_000): Promise<Observation> {
  const deadline = Date.now() + timeoutMs;
  const wantsLogs = (t.expect.logIncludes ?? []).length > 0;
  let missing: string[] = [];
  let last: Observation | undefined;
  while (Date.now() < deadline) {
    last = await observe(c, t, false);
    missing = unmet(t.expect, last, false);
    if (missing.length === 0 && wantsLogs) {
      // Logs are the expensive part: read them only once the rest of the picture is there.
      last = await observe(c, t, true);
      missing = unmet(t.expect, last, true);
    }
    if (missing.length === 0) return last;
    await sleep(500);
  }
  const seen = last
    ? `reasons [${[...last.reasons].join(', ')}], events [${[...last.eventReasons].join(', ')}], exit codes [${[...last.exitCodes].join(', ')}]`
    : 'nothing';
  throw new Error(`${t.namespace}: after ${timeoutMs} ms still missing ${missing.join('; ')}; saw ${seen}`);
}
