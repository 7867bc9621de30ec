// An in-process cluster for controller tests: store + simulated clock + events + the workload controllers,
// the built-in admission chain (defaulting and validation, as startSimulator installs it) plus the policy
// admission, and a small stand-in kubelet/scheduler whose pod outcomes each test chooses. No HTTP.

import { createClock, type SimClock } from '../../../src/sim/clock.js';
import {
  type Controller,
  type ControllerContext,
  type RunningControllers,
  runControllers,
} from '../../../src/sim/controllers/controller.js';
import { createEventRecorder } from '../../../src/sim/controllers/event-recorder.js';
import {
  installPolicyAdmission,
  type PodMetricsSource,
  workloadControllers,
} from '../../../src/sim/controllers/index.js';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import type { ResourceInfo } from '../../../src/sim/resources.js';
import { installCoreAdmission } from '../../../src/sim/simulator.js';
import { LogStore } from '../../../src/sim/store/log-store.js';
import { isoSeconds, ObjectStore } from '../../../src/sim/store/object-store.js';

/** What the stand-in kubelet does with a pod once it is bound. */
export type Outcome =
  | { readonly kind: 'ready'; readonly afterMs?: number }
  | { readonly kind: 'unready' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'succeed'; readonly afterMs?: number }
  | { readonly kind: 'fail'; readonly afterMs?: number }
  | { readonly kind: 'restart'; readonly everyMs: number };

export interface ClusterOptions {
  readonly speed?: number;
  readonly nodes?: number;
  /** Decides each pod's fate; everything becomes Ready after 1s by default. */
  readonly outcome?: (pod: KubeObject) => Outcome;
  /** Leave pods unscheduled and without status (tests that only look at what controllers create). */
  readonly kubelet?: boolean;
  readonly metrics?: PodMetricsSource;
  /** Skip the built-in defaulting/validation, to store what a real API server would refuse. */
  readonly validation?: boolean;
}

export interface Cluster {
  readonly store: ObjectStore;
  readonly clock: SimClock;
  readonly ctx: ControllerContext;
  create(r: ResourceInfo, obj: KubeObject): KubeObject;
  get(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Polls (in wall time) until `check` holds; fails with `what` after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Lets `simMs` of simulated time pass. */
  sleep(simMs: number): Promise<void>;
  events(objectName?: string): KubeObject[];
  stop(): void;
}

function seed(store: ObjectStore, nodes: number): void {
  for (const name of ['default', 'kube-system', 'team'])
    store.create(K.namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      status: { phase: 'Active' },
    } as KubeObject);
  for (let i = 1; i <= nodes; i++) {
    const name = `sim-node-${i}`;
    store.create(K.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'topology.kubernetes.io/zone': `sim-zone-${i}`,
        },
      },
      spec: { podCIDR: `10.244.${i}.0/24` },
      status: {
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 1}` }],
      },
    } as KubeObject);
  }
}

function pinnedNode(pod: KubeObject): string | undefined {
  const terms = (
    pod.spec as {
      affinity?: {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: {
            nodeSelectorTerms?: { matchFields?: { values?: string[] }[] }[];
          };
        };
      };
    }
  )?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms?.[0]?.matchFields?.[0]?.values?.[0];
}

/** The stand-in for the scheduler and kubelet: binds pods round-robin and plays each pod's outcome. */
function standInKubelet(ctx: ControllerContext, outcome: (pod: KubeObject) => Outcome): Controller {
  let nextNode = 0;
  let nextIp = 2;
  return {
    name: 'stand-in-kubelet',
    keysFor: (e) =>
      e.resource === K.pods && e.type !== 'DELETED' ? [`${e.object.metadata.namespace}/${e.object.metadata.name}`] : [],
    reconcile(key) {
      const [ns, name] = key.split('/') as [string, string];
      const pod = ctx.store.get(K.pods, ns, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const spec = pod.spec as { nodeName?: string; containers?: { name: string }[]; restartPolicy?: string };
      if (!spec.nodeName) {
        const nodes = ctx.store.all(K.nodes);
        const node = pinnedNode(pod) ?? nodes[nextNode++ % nodes.length]?.metadata.name;
        if (!node) return;
        ctx.store.update(K.pods, { ...pod, spec: { ...spec, nodeName: node } } as KubeObject, {
          subresource: 'binding',
        });
        return;
      }
      const plan = outcome(pod);
      const now = ctx.clock.now();
      const t = isoSeconds(now);
      const status = (pod.status ?? {}) as {
        phase?: string;
        startTime?: string;
        containerStatuses?: { restartCount?: number }[];
      };
      const age = now.getTime() - Date.parse(pod.metadata.creationTimestamp ?? '');
      const containers = spec.containers ?? [];
      const write = (s: Record<string, unknown>) =>
        ctx.store.modify(
          K.pods,
          ns,
          name,
          (p) => {
            p.status = s;
          },
          { subresource: 'status' },
        );
      const base = (ready: boolean, restarts = 0) => ({
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: t },
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: t },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
        ],
        hostIP: '172.18.0.2',
        podIP: (pod.status as { podIP?: string } | undefined)?.podIP ?? `10.244.0.${nextIp++}`,
        startTime: status.startTime ?? t,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          ready,
          restartCount: restarts,
          state: { running: { startedAt: t } },
        })),
      });
      if (plan.kind === 'pending') {
        if (!status.phase)
          write({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: t }] });
        return;
      }
      if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
      if (plan.kind === 'unready') {
        if (status.phase !== 'Running') write(base(false));
        return;
      }
      if (plan.kind === 'restart') {
        const restarts = status.containerStatuses?.[0]?.restartCount ?? -1;
        const due = Math.floor(age / plan.everyMs);
        if (restarts < due) write(base(false, due));
        return plan.everyMs - (age % plan.everyMs) + 1;
      }
      const after = plan.afterMs ?? 1_000;
      if (age < after) return after - age + 1;
      if (plan.kind === 'ready') {
        if (status.phase !== 'Running') write(base(true));
        return;
      }
      const ok = plan.kind === 'succeed';
      write({
        phase: ok ? 'Succeeded' : 'Failed',
        startTime: status.startTime ?? t,
        podIP: `10.244.0.${nextIp++}`,
        conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: t }],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: ok ? 0 : 1, reason: ok ? 'Completed' : 'Error', finishedAt: t } },
        })),
      });
    },
  };
}

export function startCluster(options: ClusterOptions = {}): Cluster {
  const clock = createClock(options.speed ?? 200);
  const store = new ObjectStore({ now: () => clock.now() });
  if (options.validation !== false) installCoreAdmission(store);
  installPolicyAdmission(store);
  seed(store, options.nodes ?? 3);
  const ctx: ControllerContext = { store, clock, logs: new LogStore(), events: createEventRecorder(store, clock) };
  const controllers = workloadControllers(ctx, options.metrics ? { metrics: options.metrics } : {});
  if (options.kubelet !== false) controllers.push(standInKubelet(ctx, options.outcome ?? (() => ({ kind: 'ready' }))));
  const running: RunningControllers = runControllers(ctx, controllers);
  return {
    store,
    clock,
    ctx,
    create: (r, obj) => store.create(r, obj),
    get: (r, ns, name) => store.get(r, ns, name),
    async until(check, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async sleep(simMs) {
      // Simulated timers are unref'd; a wall-clock timer keeps the process up while we wait.
      const keepAlive = setInterval(() => {}, 1_000);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, simMs));
      await new Promise((r) => setImmediate(r));
      clearInterval(keepAlive);
    },
    events: (objectName) =>
      store
        .all(K.events)
        .filter((e) => !objectName || (e.involvedObject as { name?: string } | undefined)?.name === objectName),
    stop: () => running.stop(),
  };
}

/** A Deployment manifest with one container; `extra` is merged into spec. */
export function deployment(
  name: string,
  replicas: number,
  image = 'nginx:1.27',
  extra: Record<string, unknown> = {},
  namespace = 'default',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  } as KubeObject;
}

export function podsOf(cluster: Cluster, namespace: string, app: string): KubeObject[] {
  return cluster.store.all(K.pods, namespace).filter((p) => p.metadata.labels?.app === app);
}

export function messages(cluster: Cluster, reason: string, objectName?: string): string[] {
  return cluster
    .events(objectName)
    .filter((e) => e.reason === reason)
    .map((e) => String(e.message));
}
