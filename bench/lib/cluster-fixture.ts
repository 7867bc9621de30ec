// A realistic cluster for detection benches, written through the simulator's HTTP API the way controllers and
// the kubelet would: Deployments -> ReplicaSets -> Pods (ownerReferences with uids), a Service with Endpoints
// and an EndpointSlice per Deployment, every status through its status subresource, and core/v1 Events
// attributed by involvedObject uid. One workload per namespace is planted failing (~2% of pods at 100 pods
// per namespace): CrashLoopBackOff, ImagePullBackOff, OOMKilled (one pod in back-off, one Running again) or
// Pending unschedulable, each with the events a real cluster records for it.

import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';

/** A keep-alive HTTP client for the simulator: what the fixture writes with and benches drive load with. */
export class SimHttp {
  private readonly agent: Agent;
  constructor(
    private readonly base: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** One request; PATCH bodies are JSON merge patches. Resolves with the status code and the body text. */
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    const headers = { 'Content-Type': type, ...(text ? { 'Content-Length': Buffer.byteLength(text) } : {}) };
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.base), { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  /** Sends and insists on a 2xx answer; returns the object the server stored. */
  async write(method: string, path: string, body: unknown): Promise<{ metadata: { uid: string } }> {
    const r = await this.send(method, path, body);
    if (r.status < 200 || r.status > 299)
      throw new Error(`${method} ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as { metadata: { uid: string } };
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function pool<T>(items: readonly T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}

export type PlantedFailure =
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'OOMKilled'
  | 'OOMKilledRunning'
  | 'Unschedulable';

export interface FixturePod {
  readonly namespace: string;
  readonly name: string;
  uid: string;
  readonly workload: string;
  readonly image: string;
  readonly node?: string;
  readonly ip?: string;
  readonly planted?: PlantedFailure;
}

export interface FixtureWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly replicaSet: string;
  readonly replicas: number;
  readonly pods: readonly FixturePod[];
  readonly planted?: PlantedFailure;
}

export interface FixtureOptions {
  readonly pods: number;
  readonly namespaces: number;
  /** Nodes the simulator was started with (sim-node-1..N). */
  readonly nodes: number;
  readonly concurrency?: number;
}

export interface ClusterFixture {
  readonly workloads: readonly FixtureWorkload[];
  readonly pods: readonly FixturePod[];
  /** Pods planted failing, with how. */
  readonly planted: readonly FixturePod[];
  readonly counts: Readonly<Record<string, number>>;
}

// A namespace of 100 pods: a few big services, many small ones (sums to 100).
const REPLICAS = [20, 10, 10, 8, 8, 5, 5, 5, 5, 4, 4, 3, 3, 3, 2, 2, 1, 1, 1];
const APPS = ['checkout', 'cart', 'catalog', 'search', 'payments', 'auth', 'profile', 'orders', 'inventory'];
const MORE = ['shipping', 'reviews', 'recommend', 'notify', 'gateway', 'billing', 'ledger', 'media', 'analytics'];
const NAMES = [...APPS, ...MORE, 'scheduler'];
const PLANTS: readonly PlantedFailure[] = ['CrashLoopBackOff', 'ImagePullBackOff', 'OOMKilled', 'Unschedulable'];
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MINUTE = 60_000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const suffix = (seed: string, n: number) =>
  [...createHash('sha1').update(seed).digest()]
    .slice(0, n)
    .map((b) => ALPHABET[b % ALPHABET.length])
    .join('');

/** Replica counts of one namespace's workloads, summing to `pods`. */
function namespaceReplicas(pods: number): number[] {
  const out: number[] = [];
  let left = pods;
  for (let i = 0; left > 0; i++) {
    const r = Math.min(left, REPLICAS[i % REPLICAS.length] ?? 1);
    out.push(r);
    left -= r;
  }
  return out;
}

const owner = (kind: string, name: string, uid: string) => [
  { apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true },
];

function container(pod: FixturePod) {
  return {
    name: pod.workload,
    image: pod.image,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources:
      pod.planted === 'Unschedulable'
        ? { requests: { cpu: '8', memory: '4Gi' } }
        : { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
  };
}

const condition = (type: string, status: 'True' | 'False', at: string, reason?: string, message?: string) => ({
  type,
  status,
  lastProbeTime: null,
  lastTransitionTime: at,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

const nodeIp = (node: string) => {
  const i = Number(node.split('-').pop());
  return `172.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
};
const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** A scheduled pod with a sandbox and an IP; phase and readiness as given. */
function podStatus(pod: FixturePod, phase: string, startedMs: number, container: Record<string, unknown>) {
  const at = iso(startedMs);
  const ready = container.ready === true;
  const why = ready ? [] : (['ContainersNotReady', `containers with unready status: [${pod.workload}]`] as const);
  return {
    phase,
    hostIP: nodeIp(pod.node ?? ''),
    podIP: pod.ip,
    podIPs: [{ ip: pod.ip }],
    startTime: at,
    qosClass: 'Burstable',
    conditions: [
      condition('PodReadyToStartContainers', 'True', at),
      condition('Initialized', 'True', at),
      condition('Ready', ready ? 'True' : 'False', at, ...why),
      condition('ContainersReady', ready ? 'True' : 'False', at, ...why),
      condition('PodScheduled', 'True', at),
    ],
    containerStatuses: [container],
  };
}

interface LastRun {
  readonly exitCode: number;
  readonly reason: string;
  readonly finishedMs: number;
}

function containerStatus(pod: FixturePod, restarts: number, state: Record<string, unknown>, last?: LastRun) {
  const running = 'running' in state;
  return {
    name: pod.workload,
    ready: running,
    started: running,
    restartCount: restarts,
    image: pod.image,
    imageID: pod.planted === 'ImagePullBackOff' ? '' : `${pod.image.split(':')[0]}@sha256:${hex(pod.image)}`,
    ...(pod.planted === 'ImagePullBackOff' ? {} : { containerID: `containerd://${hex(`${pod.uid}/${restarts}`)}` }),
    state,
    ...(last
      ? {
          lastState: {
            terminated: {
              exitCode: last.exitCode,
              reason: last.reason,
              startedAt: iso(last.finishedMs - 15 * MINUTE),
              finishedAt: iso(last.finishedMs),
              containerID: `containerd://${hex(`${pod.uid}/${restarts - 1}`)}`,
            },
          },
        }
      : {}),
  };
}

/**
 * A healthy Running pod. `churn` varies it the way a live cluster does without anything being wrong: a
 * readiness probe's lastProbeTime, a container restarted cleanly (exit 0) a while ago.
 */
export function healthyStatus(pod: FixturePod, startedMs: number, churn?: { restarts: number; probeMs: number }) {
  const restarts = churn?.restarts ?? 0;
  const last = restarts > 0 ? { exitCode: 0, reason: 'Completed', finishedMs: startedMs } : undefined;
  const state = { running: { startedAt: iso(startedMs) } };
  const status = podStatus(pod, 'Running', startedMs, containerStatus(pod, restarts, state, last));
  if (!churn) return status;
  const probed = (c: (typeof status.conditions)[number]) =>
    c.type === 'Ready' ? { ...c, lastProbeTime: iso(churn.probeMs) } : c;
  return { ...status, conditions: status.conditions.map(probed) };
}

/** A container in CrashLoopBackOff whose last run ended with `reason` (Error, exit 1; OOMKilled, exit 137). */
export function crashLoopStatus(pod: FixturePod, reason: 'Error' | 'OOMKilled', restarts: number, nowMs: number) {
  const message = `back-off 5m0s restarting failed container=${pod.workload} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
  const last = { exitCode: reason === 'OOMKilled' ? 137 : 1, reason, finishedMs: nowMs - 40_000 };
  const container = containerStatus(pod, restarts, { waiting: { reason: 'CrashLoopBackOff', message } }, last);
  return podStatus(pod, 'Running', nowMs - 30 * MINUTE, container);
}

function plantedStatus(pod: FixturePod, nowMs: number, nodes: number) {
  switch (pod.planted) {
    case 'CrashLoopBackOff':
      return crashLoopStatus(pod, 'Error', 9, nowMs);
    case 'OOMKilled':
      return crashLoopStatus(pod, 'OOMKilled', 6, nowMs);
    case 'OOMKilledRunning': {
      // OOM-killed ten minutes ago, Running and Ready since: k8sgpt no longer sees it.
      const last = { exitCode: 137, reason: 'OOMKilled', finishedMs: nowMs - 10 * MINUTE };
      const state = { running: { startedAt: iso(last.finishedMs) } };
      return podStatus(pod, 'Running', nowMs - 60 * MINUTE, containerStatus(pod, 1, state, last));
    }
    case 'ImagePullBackOff': {
      const waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${pod.image}"` };
      return podStatus(pod, 'Pending', nowMs - 20 * MINUTE, containerStatus(pod, 0, { waiting }));
    }
    case 'Unschedulable': {
      const at = iso(nowMs - 20 * MINUTE);
      const scheduled = condition('PodScheduled', 'False', at, 'Unschedulable', unschedulable(nodes));
      return { phase: 'Pending', qosClass: 'Burstable', conditions: [scheduled] };
    }
    default:
      return healthyStatus(pod, nowMs - 2 * 60 * MINUTE);
  }
}

const unschedulable = (nodes: number) =>
  `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;

/** type, reason, message, count, reporting component. */
type EventSpec = readonly ['Normal' | 'Warning', string, string, number, string];

/** The events Kubernetes records for each planted failure (and for a recent, healthy rollout). */
function eventsFor(pod: FixturePod, nodes: number): EventSpec[] {
  const ref = `${pod.name}_${pod.namespace}(${pod.uid})`;
  const image = pod.image;
  switch (pod.planted) {
    case 'CrashLoopBackOff':
    case 'OOMKilled':
      return [
        ['Normal', 'Pulled', `Container image "${image}" already present on machine`, 9, 'kubelet'],
        ['Warning', 'BackOff', `Back-off restarting failed container ${pod.workload} in pod ${ref}`, 42, 'kubelet'],
      ];
    case 'ImagePullBackOff': {
      const why = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
      return [
        ['Normal', 'Pulling', `Pulling image "${image}"`, 7, 'kubelet'],
        ['Warning', 'Failed', `Failed to pull image "${image}": ${why}`, 7, 'kubelet'],
        ['Warning', 'Failed', 'Error: ErrImagePull', 7, 'kubelet'],
        ['Normal', 'BackOff', `Back-off pulling image "${image}"`, 30, 'kubelet'],
        ['Warning', 'Failed', 'Error: ImagePullBackOff', 30, 'kubelet'],
      ];
    }
    case 'Unschedulable':
      return [['Warning', 'FailedScheduling', unschedulable(nodes), 12, 'default-scheduler']];
    default:
      return [
        [
          'Normal',
          'Scheduled',
          `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`,
          1,
          'default-scheduler',
        ],
        ['Normal', 'Pulled', `Container image "${image}" already present on machine`, 1, 'kubelet'],
        ['Normal', 'Created', `Created container ${pod.workload}`, 1, 'kubelet'],
        ['Normal', 'Started', `Started container ${pod.workload}`, 1, 'kubelet'],
      ];
  }
}

function plan(options: FixtureOptions): FixtureWorkload[] {
  const perNs = Math.max(1, Math.round(options.pods / options.namespaces));
  const workloads: FixtureWorkload[] = [];
  let g = 0;
  for (let n = 0; n < options.namespaces; n++) {
    const namespace = `team-${String(n).padStart(3, '0')}`;
    const replicas = namespaceReplicas(perNs);
    const plant = PLANTS[n % PLANTS.length] as PlantedFailure;
    // Planted failures sit on a 5-replica service (OOM: 2 of 5 pods) or a 2-replica one (the rest: all pods).
    const wantReplicas = plant === 'OOMKilled' ? 5 : 2;
    const target = replicas.indexOf(wantReplicas);
    replicas.forEach((count, w) => {
      const name = `${NAMES[w % NAMES.length]}${w >= NAMES.length ? `-${Math.floor(w / NAMES.length)}` : ''}`;
      const planted = w === target ? plant : undefined;
      const tag = planted === 'ImagePullBackOff' ? '1.8.1-rc0' : '1.8.0';
      const rs = `${name}-${suffix(`${namespace}/${name}`, 10)}`;
      const pods: FixturePod[] = [];
      for (let p = 0; p < count; p++, g++) {
        const podPlant =
          planted === 'OOMKilled' ? (p === 0 ? 'OOMKilled' : p === 1 ? 'OOMKilledRunning' : undefined) : planted;
        const scheduled = podPlant !== 'Unschedulable';
        pods.push({
          namespace,
          name: `${rs}-${suffix(`${namespace}/${rs}/${p}`, 5)}`,
          uid: '',
          workload: name,
          image: `registry.example.com/${namespace}/${name}:${tag}`,
          ...(scheduled
            ? { node: `sim-node-${(g % options.nodes) + 1}`, ip: `10.${64 + (g >> 16)}.${(g >> 8) & 255}.${g & 255}` }
            : {}),
          ...(podPlant ? { planted: podPlant } : {}),
        });
      }
      workloads.push({ namespace, name, replicaSet: rs, replicas: count, pods, ...(planted ? { planted } : {}) });
    });
  }
  return workloads;
}

const isReady = (p: FixturePod) => !p.planted || p.planted === 'OOMKilledRunning';

function deploymentStatus(w: FixtureWorkload, nowMs: number) {
  const ready = w.pods.filter(isReady).length;
  const available = ready >= w.replicas - Math.floor(w.replicas / 4);
  const since = iso(nowMs - (available ? 180 : 5) * MINUTE);
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastUpdateTime: since,
    lastTransitionTime: since,
  });
  return {
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    ...(ready < w.replicas ? { unavailableReplicas: w.replicas - ready } : {}),
    conditions: [
      available
        ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      cond(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${w.replicaSet}" has successfully progressed.`,
      ),
    ],
  };
}

function event(pod: FixturePod, [type, reason, message, count, component]: EventSpec, i: number, nowMs: number) {
  const kubelet = component === 'kubelet';
  return {
    kind: 'Event',
    metadata: { name: `${pod.name}.${(nowMs * 1000 + i).toString(16)}`, namespace: pod.namespace },
    involvedObject: {
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      apiVersion: 'v1',
      ...(kubelet ? { fieldPath: `spec.containers{${pod.workload}}` } : {}),
    },
    reason,
    message,
    source: { component, ...(kubelet && pod.node ? { host: pod.node } : {}) },
    firstTimestamp: iso(nowMs - 25 * MINUTE),
    lastTimestamp: iso(nowMs - MINUTE),
    count,
    type,
    reportingComponent: component,
    reportingInstance: kubelet ? (pod.node ?? '') : '',
  };
}

/** Writes one Deployment, its ReplicaSet and pods (status via the subresource), their events and its Service. */
async function createWorkload(http: SimHttp, w: FixtureWorkload, nodes: number, nowMs: number, withEvents: boolean) {
  const labels = { app: w.name, 'app.kubernetes.io/part-of': w.namespace };
  const template = { metadata: { labels }, spec: { containers: [container(w.pods[0] as FixturePod)] } };
  const spec = { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template };
  const apps = `/apis/apps/v1/namespaces/${w.namespace}`;
  const meta = (name: string) => ({ name, namespace: w.namespace, labels });
  const d = await http.write('POST', `${apps}/deployments`, { kind: 'Deployment', metadata: meta(w.name), spec });
  await http.write('PATCH', `${apps}/deployments/${w.name}/status`, { status: deploymentStatus(w, nowMs) });
  const rs = await http.write('POST', `${apps}/replicasets`, {
    kind: 'ReplicaSet',
    metadata: { ...meta(w.replicaSet), ownerReferences: owner('Deployment', w.name, d.metadata.uid) },
    spec,
  });
  const ready = w.pods.filter(isReady).length;
  await http.write('PATCH', `${apps}/replicasets/${w.replicaSet}/status`, {
    status: { replicas: w.replicas, fullyLabeledReplicas: w.replicas, readyReplicas: ready, availableReplicas: ready },
  });
  const hash = w.replicaSet.slice(w.name.length + 1);
  let events = 0;
  for (const pod of w.pods) {
    const core = `/api/v1/namespaces/${pod.namespace}`;
    const created = await http.write('POST', `${core}/pods`, {
      kind: 'Pod',
      metadata: {
        ...meta(pod.name),
        labels: { ...labels, 'pod-template-hash': hash },
        ownerReferences: owner('ReplicaSet', w.replicaSet, rs.metadata.uid),
      },
      spec: { containers: [container(pod)], ...(pod.node ? { nodeName: pod.node } : {}) },
    });
    pod.uid = created.metadata.uid;
    await http.write('PATCH', `${core}/pods/${pod.name}/status`, { status: plantedStatus(pod, nowMs, nodes) });
    if (!pod.planted && !withEvents) continue;
    for (const [i, e] of eventsFor(pod, nodes).entries()) {
      await http.write('POST', `${core}/events`, event(pod, e, i, nowMs));
      events++;
    }
  }
  await serviceFor(http, w, labels);
  return events;
}

/** Creates the whole cluster through the API; returns what was planted where. */
export async function buildClusterFixture(http: SimHttp, options: FixtureOptions): Promise<ClusterFixture> {
  const workloads = plan(options);
  const pods = workloads.flatMap((w) => w.pods);
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const nowMs = Date.now();
  await pool(namespaces, 16, async (name) => {
    await http.write('POST', '/api/v1/namespaces', { kind: 'Namespace', metadata: { name } });
  });
  let events = 0;
  // One recent rollout per namespace still carries its Normal events (Kubernetes expires events after an hour).
  await pool(workloads, options.concurrency ?? 32, async (w) => {
    const written = await createWorkload(http, w, options.nodes, nowMs, w.name === NAMES[2]);
    events += written;
  });
  const n = workloads.length;
  const counts = {
    namespaces: namespaces.length,
    deployments: n,
    replicaSets: n,
    pods: pods.length,
    services: n,
    endpoints: n,
    endpointSlices: n,
    events,
  };
  return { workloads, pods, planted: pods.filter((p) => p.planted), counts };
}

/** The Service in front of a Deployment, with the Endpoints and EndpointSlice its controllers would write. */
async function serviceFor(http: SimHttp, w: FixtureWorkload, labels: Record<string, string>): Promise<void> {
  const core = `/api/v1/namespaces/${w.namespace}`;
  const ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];
  await http.write('POST', `${core}/services`, {
    kind: 'Service',
    metadata: { name: w.name, namespace: w.namespace, labels },
    spec: { selector: { app: w.name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  });
  const withIp = w.pods.filter((p) => p.ip);
  const targetRef = (p: FixturePod) => ({ kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.uid });
  const address = (p: FixturePod) => ({ ip: p.ip, nodeName: p.node, targetRef: targetRef(p) });
  const ready = withIp.filter(isReady).map(address);
  const notReady = withIp.filter((p) => !isReady(p)).map(address);
  const subset = {
    ...(ready.length ? { addresses: ready } : {}),
    ...(notReady.length ? { notReadyAddresses: notReady } : {}),
    ports,
  };
  await http.write('POST', `${core}/endpoints`, {
    kind: 'Endpoints',
    metadata: { name: w.name, namespace: w.namespace, labels },
    ...(withIp.length > 0 ? { subsets: [subset] } : {}),
  });
  await http.write('POST', `/apis/discovery.k8s.io/v1/namespaces/${w.namespace}/endpointslices`, {
    kind: 'EndpointSlice',
    metadata: {
      name: `${w.name}-${suffix(`${w.namespace}/${w.name}/slice`, 5)}`,
      namespace: w.namespace,
      labels: {
        'kubernetes.io/service-name': w.name,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
    },
    addressType: 'IPv4',
    endpoints: withIp.map((p) => ({
      addresses: [p.ip],
      conditions: { ready: isReady(p), serving: isReady(p), terminating: false },
      nodeName: p.node,
      targetRef: targetRef(p),
    })),
    ports,
  });
}
