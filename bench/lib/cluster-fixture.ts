// A realistic cluster for detection benches, written through the simulator's HTTP API the way controllers and
// the kubelet would: Deployments -> ReplicaSets -> Pods (ownerReferences with uids), a Service with Endpoints
// and an EndpointSlice per Deployment, every status through its status subresource, and core/v1 Events
// attributed by involvedObject uid. One workload per namespace is planted failing (~2% of pods at 100 pods
// per namespace): CrashLoopBackOff, ImagePullBackOff, OOMKilled (one pod in back-off, one Running again) or
// Pending unschedulable, each with the events a real cluster records for it.

import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';

export class SimHttp {
  private readonly agent: Agent;
  constructor(
    private readonly base: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** One request; resolves with the status code and the body text. */
  send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          headers: { 'Content-Type': contentType, ...(text ? { 'Content-Length': Buffer.byteLength(text) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      if (text) req.write(text);
      req.end();
    });
  }

  /** Sends and insists on a 2xx answer; returns the parsed object. */
  async write(method: string, path: string, body: unknown, contentType?: string): Promise<Created> {
    const r = await this.send(method, path, body, contentType);
    if (r.status < 200 || r.status > 299)
      throw new Error(`${method} ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as Created;
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Created {
  readonly metadata: { readonly uid: string; readonly name: string };
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

const owner = (apiVersion: string, kind: string, name: string, uid: string) => [
  { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true },
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

function runningBase(pod: FixturePod, ready: boolean, started: number) {
  const at = iso(started);
  const notReady = ready ? undefined : 'ContainersNotReady';
  const msg = ready ? undefined : `containers with unready status: [${pod.workload}]`;
  return {
    phase: 'Running',
    hostIP: nodeIp(pod.node ?? ''),
    podIP: pod.ip,
    podIPs: [{ ip: pod.ip }],
    startTime: at,
    qosClass: 'Burstable',
    conditions: [
      condition('PodReadyToStartContainers', 'True', at),
      condition('Initialized', 'True', at),
      condition('Ready', ready ? 'True' : 'False', at, notReady, msg),
      condition('ContainersReady', ready ? 'True' : 'False', at, notReady, msg),
      condition('PodScheduled', 'True', at),
    ],
  };
}

const nodeIp = (node: string) => {
  const i = Number(node.split('-').pop());
  return `172.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
};
const imageId = (image: string) => `${image.split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
const containerId = (pod: FixturePod, restarts: number) =>
  `containerd://${createHash('sha256').update(`${pod.uid}/${restarts}`).digest('hex')}`;

/**
 * A healthy Running pod. `churn` varies it the way a live cluster does without anything being wrong: a
 * readiness probe flipping lastProbeTime, a container restarted cleanly (exit 0) some time ago.
 */
export function healthyStatus(pod: FixturePod, startedMs: number, churn?: { restarts: number; probeMs: number }) {
  const base = runningBase(pod, true, startedMs);
  const restarts = churn?.restarts ?? 0;
  return {
    ...base,
    conditions: base.conditions.map((c) =>
      c.type === 'Ready' && churn ? { ...c, lastProbeTime: iso(churn.probeMs) } : c,
    ),
    containerStatuses: [
      {
        name: pod.workload,
        ready: true,
        started: true,
        restartCount: restarts,
        image: pod.image,
        imageID: imageId(pod.image),
        containerID: containerId(pod, restarts),
        state: { running: { startedAt: iso(startedMs) } },
        ...(restarts > 0
          ? {
              lastState: {
                terminated: {
                  exitCode: 0,
                  reason: 'Completed',
                  startedAt: iso(startedMs - 60 * MINUTE),
                  finishedAt: iso(startedMs),
                  containerID: containerId(pod, restarts - 1),
                },
              },
            }
          : {}),
      },
    ],
  };
}

/** A container in CrashLoopBackOff whose last run ended with `reason` (Error, exit 1; OOMKilled, exit 137). */
export function crashLoopStatus(pod: FixturePod, reason: 'Error' | 'OOMKilled', restarts: number, nowMs: number) {
  const finished = nowMs - 40_000;
  return {
    ...runningBase(pod, false, nowMs - 30 * MINUTE),
    containerStatuses: [
      {
        name: pod.workload,
        ready: false,
        started: false,
        restartCount: restarts,
        image: pod.image,
        imageID: imageId(pod.image),
        containerID: containerId(pod, restarts),
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=${pod.workload} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
          },
        },
        lastState: {
          terminated: {
            exitCode: reason === 'OOMKilled' ? 137 : 1,
            reason,
            startedAt: iso(finished - 15_000),
            finishedAt: iso(finished),
            containerID: containerId(pod, restarts),
          },
        },
      },
    ],
  };
}

function plantedStatus(pod: FixturePod, nowMs: number, nodes: number) {
  switch (pod.planted) {
    case 'CrashLoopBackOff':
      return crashLoopStatus(pod, 'Error', 9, nowMs);
    case 'OOMKilled':
      return crashLoopStatus(pod, 'OOMKilled', 6, nowMs);
    case 'OOMKilledRunning': {
      const status = healthyStatus(pod, nowMs - 10 * MINUTE);
      const [cs] = status.containerStatuses;
      const lastState = {
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: iso(nowMs - 50 * MINUTE),
          finishedAt: iso(nowMs - 10 * MINUTE),
          containerID: containerId(pod, 0),
        },
      };
      return { ...status, containerStatuses: [{ ...cs, restartCount: 1, lastState }] };
    }
    case 'ImagePullBackOff': {
      const base = runningBase(pod, false, nowMs - 20 * MINUTE);
      const waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${pod.image}"` };
      return {
        ...base,
        phase: 'Pending',
        containerStatuses: [
          {
            name: pod.workload,
            ready: false,
            started: false,
            restartCount: 0,
            image: pod.image,
            imageID: '',
            state: { waiting },
          },
        ],
      };
    }
    case 'Unschedulable':
      return {
        phase: 'Pending',
        qosClass: 'Burstable',
        conditions: [
          condition('PodScheduled', 'False', iso(nowMs - 20 * MINUTE), 'Unschedulable', unschedulable(nodes)),
        ],
      };
    default:
      return healthyStatus(pod, nowMs - 2 * 60 * MINUTE);
  }
}

const unschedulable = (nodes: number) =>
  `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;

interface EventSpec {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly component: string;
}

/** The events Kubernetes records for each planted failure (and for a recent, healthy rollout). */
function eventsFor(pod: FixturePod, nodes: number): EventSpec[] {
  const kubelet = (type: 'Normal' | 'Warning', reason: string, message: string, count = 1): EventSpec => ({
    type,
    reason,
    message,
    count,
    component: 'kubelet',
  });
  const ref = `${pod.name}_${pod.namespace}(${pod.uid})`;
  switch (pod.planted) {
    case 'CrashLoopBackOff':
    case 'OOMKilled':
      return [
        kubelet('Normal', 'Pulled', `Container image "${pod.image}" already present on machine`, 9),
        kubelet('Warning', 'BackOff', `Back-off restarting failed container ${pod.workload} in pod ${ref}`, 42),
      ];
    case 'ImagePullBackOff':
      return [
        kubelet('Normal', 'Pulling', `Pulling image "${pod.image}"`, 7),
        kubelet(
          'Warning',
          'Failed',
          `Failed to pull image "${pod.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${pod.image}": failed to resolve reference "${pod.image}": ${pod.image}: not found`,
          7,
        ),
        kubelet('Warning', 'Failed', 'Error: ErrImagePull', 7),
        kubelet('Normal', 'BackOff', `Back-off pulling image "${pod.image}"`, 30),
        kubelet('Warning', 'Failed', 'Error: ImagePullBackOff', 30),
      ];
    case 'Unschedulable':
      return [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: unschedulable(nodes),
          count: 12,
          component: 'default-scheduler',
        },
      ];
    default:
      return [
        {
          type: 'Normal',
          reason: 'Scheduled',
          message: `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`,
          count: 1,
          component: 'default-scheduler',
        },
        kubelet('Normal', 'Pulled', `Container image "${pod.image}" already present on machine`),
        kubelet('Normal', 'Created', `Created container ${pod.workload}`),
        kubelet('Normal', 'Started', `Started container ${pod.workload}`),
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

/** Creates the whole cluster through the API; returns what was planted where. */
export async function buildClusterFixture(http: SimHttp, options: FixtureOptions): Promise<ClusterFixture> {
  const concurrency = options.concurrency ?? 32;
  const workloads = plan(options);
  const pods = workloads.flatMap((w) => w.pods);
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const now = Date.now();
  const counts: Record<string, number> = { namespaces: namespaces.length, deployments: workloads.length };
  await pool(namespaces, 16, async (name) => {
    await http.write('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  let events = 0;
  // A recent rollout in every namespace: its pods still have their Normal events (events expire after an hour).
  const recent = new Set(workloads.filter((_, i) => i % REPLICAS.length === 2).map((w) => `${w.namespace}/${w.name}`));
  await pool(workloads, concurrency, async (w) => {
    const labels = { app: w.name, 'app.kubernetes.io/part-of': w.namespace };
    const template = { metadata: { labels }, spec: { containers: [container(w.pods[0] as FixturePod)] } };
    const apps = `/apis/apps/v1/namespaces/${w.namespace}`;
    const d = await http.write('POST', `${apps}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: w.namespace, labels },
      spec: { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template },
    });
    const ready = w.pods.filter(isReady).length;
    const available = ready >= w.replicas - Math.floor(w.replicas / 4);
    const since = iso(now - (available ? 3 * 60 : 5) * MINUTE);
    const status = {
      observedGeneration: 1,
      replicas: w.replicas,
      updatedReplicas: w.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < w.replicas ? { unavailableReplicas: w.replicas - ready } : {}),
      conditions: [
        available
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: since,
              lastTransitionTime: since,
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
              lastUpdateTime: since,
              lastTransitionTime: since,
            },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${w.replicaSet}" has successfully progressed.`,
          lastUpdateTime: since,
          lastTransitionTime: since,
        },
      ],
    };
    await http.write('PATCH', `${apps}/deployments/${w.name}/status`, { status }, 'application/merge-patch+json');
    const rsName = w.replicaSet;
    const rs = await http.write('POST', `${apps}/replicasets`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: w.namespace,
        labels,
        ownerReferences: owner('apps/v1', 'Deployment', w.name, d.metadata.uid),
      },
      spec: { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template },
    });
    const rsStatus = {
      replicas: w.replicas,
      fullyLabeledReplicas: w.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: 1,
    };
    await http.write(
      'PATCH',
      `${apps}/replicasets/${rsName}/status`,
      { status: rsStatus },
      'application/merge-patch+json',
    );
    for (const pod of w.pods) {
      const core = `/api/v1/namespaces/${pod.namespace}`;
      const created = await http.write('POST', `${core}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: pod.name,
          namespace: pod.namespace,
          labels: { ...labels, 'pod-template-hash': rsName.slice(w.name.length + 1) },
          ownerReferences: owner('apps/v1', 'ReplicaSet', rsName, rs.metadata.uid),
        },
        spec: { containers: [container(pod)], ...(pod.node ? { nodeName: pod.node } : {}) },
      });
      pod.uid = created.metadata.uid;
      await http.write(
        'PATCH',
        `${core}/pods/${pod.name}/status`,
        { status: plantedStatus(pod, now, options.nodes) },
        'application/merge-patch+json',
      );
      if (!pod.planted && !recent.has(`${w.namespace}/${w.name}`)) continue;
      for (const [i, e] of eventsFor(pod, options.nodes).entries()) {
        events++;
        await http.write('POST', `${core}/events`, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${pod.name}.${(now * 1000 + i).toString(16)}`, namespace: pod.namespace },
          involvedObject: {
            kind: 'Pod',
            namespace: pod.namespace,
            name: pod.name,
            uid: pod.uid,
            apiVersion: 'v1',
            ...(e.component === 'kubelet' ? { fieldPath: `spec.containers{${pod.workload}}` } : {}),
          },
          reason: e.reason,
          message: e.message,
          source: { component: e.component, ...(e.component === 'kubelet' && pod.node ? { host: pod.node } : {}) },
          firstTimestamp: iso(now - 25 * MINUTE),
          lastTimestamp: iso(now - MINUTE),
          count: e.count,
          type: e.type,
          reportingComponent: e.component,
          reportingInstance: e.component === 'kubelet' ? (pod.node ?? '') : '',
        });
      }
    }
    await serviceFor(http, w, labels);
  });
  counts.replicaSets = workloads.length;
  counts.pods = pods.length;
  counts.services = workloads.length;
  counts.endpoints = workloads.length;
  counts.endpointSlices = workloads.length;
  counts.events = events;
  return { workloads, pods, planted: pods.filter((p) => p.planted), counts };
}

/** The Service in front of a Deployment, with the Endpoints and EndpointSlice its controllers would write. */
async function serviceFor(http: SimHttp, w: FixtureWorkload, labels: Record<string, string>): Promise<void> {
  const core = `/api/v1/namespaces/${w.namespace}`;
  await http.write('POST', `${core}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: w.name, namespace: w.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: { app: w.name },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
  const withIp = w.pods.filter((p) => p.ip);
  const address = (p: FixturePod) => ({
    ip: p.ip,
    nodeName: p.node,
    targetRef: { kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.uid },
  });
  const ready = withIp.filter(isReady).map(address);
  const notReady = withIp.filter((p) => !isReady(p)).map(address);
  await http.write('POST', `${core}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: w.name, namespace: w.namespace, labels },
    ...(withIp.length > 0
      ? {
          subsets: [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
            },
          ],
        }
      : {}),
  });
  await http.write('POST', `/apis/discovery.k8s.io/v1/namespaces/${w.namespace}/endpointslices`, {
    apiVersion: 'discovery.k8s.io/v1',
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
      targetRef: { kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.uid },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}
