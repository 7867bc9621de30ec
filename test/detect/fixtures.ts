// Builders for realistic Kubernetes objects as they come off the wire (plain JSON, string timestamps, full
// status), so analyzer tests read like the clusters they describe. Kubelet, scheduler and controller messages
// are the real texts.
import { createHash } from 'node:crypto';
import { type Analyzer, runAnalyzers } from '../../src/detect/analyzer.js';
import { ANALYZERS } from '../../src/detect/analyzers/index.js';
import type { Finding } from '../../src/detect/finding.js';
import { groupFindings, type Incident } from '../../src/detect/incident.js';
import { type LogReader, snapshotFromObjects } from '../../src/detect/snapshot.js';

export type Obj = Record<string, unknown>;
type Json = Record<string, unknown>;

export const NOW = new Date('2025-06-01T12:00:00Z');
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A deterministic UUID per name, so tests can recreate an object with a different uid on purpose. */
export function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function meta(kind: string, name: string, ns: string | undefined, extra: Json = {}): Json {
  return {
    name,
    ...(ns ? { namespace: ns } : {}),
    uid: uid(`${kind}/${ns ?? ''}/${name}`),
    resourceVersion: '12345',
    creationTimestamp: ago(30 * DAY),
    ...extra,
  };
}

export function ownerRef(owner: Obj): Json {
  const m = owner.metadata as Json;
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: m.name,
    uid: m.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ContainerSpecOpts {
  name?: string;
  image?: string;
  memoryLimit?: string;
  memoryRequest?: string;
  cpuRequest?: string;
  ports?: { containerPort: number; name?: string }[];
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
  env?: Json[];
  envFrom?: Json[];
  command?: string[];
}

export function container(o: ContainerSpecOpts = {}): Json {
  const limits: Json = {};
  const requests: Json = {};
  if (o.memoryLimit) limits.memory = o.memoryLimit;
  if (o.memoryRequest) requests.memory = o.memoryRequest;
  if (o.cpuRequest) requests.cpu = o.cpuRequest;
  return {
    name: o.name ?? 'app',
    image: o.image ?? 'nginx:1.27',
    ...(o.command ? { command: o.command } : {}),
    ...(o.ports ? { ports: o.ports.map((p) => ({ protocol: 'TCP', ...p })) } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.envFrom ? { envFrom: o.envFrom } : {}),
    resources: {
      ...(Object.keys(limits).length ? { limits } : {}),
      ...(Object.keys(requests).length ? { requests } : {}),
    },
    ...(o.livenessProbe ? { livenessProbe: o.livenessProbe } : {}),
    ...(o.readinessProbe ? { readinessProbe: o.readinessProbe } : {}),
    ...(o.startupProbe ? { startupProbe: o.startupProbe } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

// ---- container statuses ------------------------------------------------------------------------------------

interface StatusOpts {
  name?: string;
  image?: string;
  restartCount?: number;
  lastState?: Json;
  ready?: boolean;
  started?: boolean;
}

function baseStatus(o: StatusOpts): Json {
  const image = o.image ?? 'nginx:1.27';
  return {
    name: o.name ?? 'app',
    image,
    imageID: `docker.io/library/${image}@sha256:${'a'.repeat(64)}`,
    containerID: `containerd://${'b'.repeat(64)}`,
    restartCount: o.restartCount ?? 0,
    lastState: o.lastState ?? {},
  };
}

export function runningStatus(o: StatusOpts & { startedAt?: string } = {}): Json {
  return {
    ...baseStatus(o),
    ready: o.ready ?? true,
    started: o.started ?? true,
    state: { running: { startedAt: o.startedAt ?? ago(DAY) } },
  };
}

export function waitingStatus(reason: string, message: string | undefined, o: StatusOpts = {}): Json {
  const { containerID: _id, imageID: _img, ...rest } = baseStatus(o);
  const pulled = reason !== 'ErrImagePull' && reason !== 'ImagePullBackOff' && reason !== 'ContainerCreating';
  return {
    ...rest,
    ...(pulled ? { imageID: _img, containerID: _id } : { imageID: '' }),
    ready: false,
    started: false,
    state: { waiting: { reason, ...(message !== undefined ? { message } : {}) } },
  };
}

export function terminated(exitCode: number, reason: string, finishedAt: string, extra: Json = {}): Json {
  return {
    terminated: {
      exitCode,
      reason,
      startedAt: new Date(Date.parse(finishedAt) - 5 * SEC).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      finishedAt,
      containerID: `containerd://${'c'.repeat(64)}`,
      ...extra,
    },
  };
}

export function terminatedStatus(exitCode: number, reason: string, finishedAt: string, o: StatusOpts = {}): Json {
  return { ...baseStatus(o), ready: false, started: false, state: terminated(exitCode, reason, finishedAt) };
}

// ---- pods ----------------------------------------------------------------------------------------------------

export interface PodOpts {
  ns?: string;
  owner?: Obj;
  labels?: Record<string, string>;
  containers?: Json[];
  initContainers?: Json[];
  statuses?: Json[];
  initStatuses?: Json[];
  phase?: string;
  ready?: boolean;
  created?: string;
  startTime?: string;
  conditions?: Json[];
  volumes?: Json[];
  nodeName?: string | null;
  extraStatus?: Json;
  restartPolicy?: string;
  uidSeed?: string;
}

export function pod(name: string, o: PodOpts = {}): Obj {
  const ns = o.ns ?? 'default';
  const created = o.created ?? ago(2 * DAY);
  const phase = o.phase ?? 'Running';
  const ready = o.ready ?? phase === 'Running';
  const scheduled = o.nodeName !== null;
  const labels = { ...(o.labels ?? {}) };
  if (o.owner && o.owner.kind === 'ReplicaSet') {
    const rsName = String((o.owner.metadata as Json).name);
    labels['pod-template-hash'] = rsName.slice(rsName.lastIndexOf('-') + 1);
  }
  const conditions = o.conditions ?? [
    { type: 'PodReadyToStartContainers', status: scheduled ? 'True' : 'False', lastTransitionTime: created },
    { type: 'Initialized', status: 'True', lastTransitionTime: created },
    {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      lastTransitionTime: created,
      ...(ready ? {} : { reason: 'ContainersNotReady' }),
    },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: created },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
  ];
  const containers = o.containers ?? [container()];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('Pod', name, ns, {
      creationTimestamp: created,
      labels,
      ...(o.uidSeed ? { uid: uid(o.uidSeed) } : {}),
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
    }),
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.volumes ? { volumes: o.volumes } : {}),
      restartPolicy: o.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      ...(scheduled ? { nodeName: o.nodeName ?? 'node-1' } : {}),
      schedulerName: 'default-scheduler',
    },
    status: {
      phase,
      conditions,
      ...(scheduled ? { hostIP: '10.0.0.11', podIP: '10.244.1.23', startTime: o.startTime ?? created } : {}),
      qosClass: 'Burstable',
      ...(o.statuses !== undefined
        ? { containerStatuses: o.statuses }
        : scheduled
          ? {
              containerStatuses: containers.map((c) =>
                runningStatus({ name: String(c.name), image: String(c.image), ready }),
              ),
            }
          : {}),
      ...(o.initStatuses ? { initContainerStatuses: o.initStatuses } : {}),
      ...(o.extraStatus ?? {}),
    },
  };
}

// ---- workloads -----------------------------------------------------------------------------------------------

export interface DeploymentOpts {
  ns?: string;
  replicas?: number;
  labels?: Record<string, string>;
  containers?: Json[];
  status?: Json;
  conditions?: Json[];
  generation?: number;
  observedGeneration?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export function deployment(name: string, o: DeploymentOpts = {}): Obj {
  const replicas = o.replicas ?? 3;
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('Deployment', name, o.ns ?? 'default', { generation: o.generation ?? 1, labels }),
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: o.containers ?? [container()] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      revisionHistoryLimit: 10,
      ...(o.paused ? { paused: true } : {}),
    },
    status: o.status ?? {
      observedGeneration: o.observedGeneration ?? o.generation ?? 1,
      ...(replicas > 0
        ? { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas }
        : {}),
      conditions: o.conditions ?? [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
          lastUpdateTime: ago(DAY),
          lastTransitionTime: ago(DAY),
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-7d9c5b8f6d" has successfully progressed.`,
          lastUpdateTime: ago(DAY),
          lastTransitionTime: ago(30 * DAY),
        },
      ],
    },
  };
}

export function replicaSet(owner: Obj, hash = '7d9c5b8f6d', o: { replicas?: number; status?: Json } = {}): Obj {
  const dm = owner.metadata as Json;
  const spec = owner.spec as Json;
  const replicas = o.replicas ?? (spec.replicas as number);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('ReplicaSet', `${dm.name}-${hash}`, dm.namespace as string, {
      labels: { ...(dm.labels as Json), 'pod-template-hash': hash },
      ownerReferences: [ownerRef(owner)],
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    }),
    spec: { replicas, selector: spec.selector, template: spec.template },
    status: o.status ?? {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    },
  };
}

const SUFFIXES = ['x2k4p', 'b7qzn', 'm9fjw', 'r4tld', 'h6wcs', 'p8vne', 'k3zxq', 'f5gtb', 'w2lmc', 'n7yhd'];

/**
 * A Deployment with its ReplicaSet and pods. `podStatus(i)` returns the pod options for pod i (statuses,
 * phase...); the Deployment's status counts follow the pods unless given.
 */
export function deploymentWithPods(
  name: string,
  o: DeploymentOpts & { podStatus?: (i: number) => PodOpts; hash?: string } = {},
): Obj[] {
  const replicas = o.replicas ?? 3;
  const podOpts = Array.from({ length: replicas }, (_, i) => o.podStatus?.(i) ?? {});
  const readyCount = podOpts.filter((p) => p.ready ?? (p.phase ?? 'Running') === 'Running').length;
  const d = deployment(name, {
    ...o,
    ...(o.status || o.conditions || readyCount === replicas
      ? {}
      : {
          status: {
            observedGeneration: 1,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: readyCount,
            availableReplicas: readyCount,
            unavailableReplicas: replicas - readyCount,
            conditions: [
              {
                type: 'Available',
                status: readyCount > 0 ? 'True' : 'False',
                reason: readyCount > 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
                message:
                  readyCount > 0
                    ? 'Deployment has minimum availability.'
                    : 'Deployment does not have minimum availability.',
                lastUpdateTime: ago(20 * MIN),
                lastTransitionTime: ago(20 * MIN),
              },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
                message: `ReplicaSet "${name}-${o.hash ?? '7d9c5b8f6d'}" is progressing.`,
                lastUpdateTime: ago(20 * MIN),
                lastTransitionTime: ago(20 * MIN),
              },
            ],
          },
        }),
  });
  const rs = replicaSet(d, o.hash ?? '7d9c5b8f6d');
  const labels = o.labels ?? { app: name };
  const containers = o.containers ?? [container()];
  const pods = podOpts.map((p, i) =>
    pod(`${(rs.metadata as Json).name}-${SUFFIXES[i % SUFFIXES.length]}${i >= SUFFIXES.length ? i : ''}`, {
      ns: o.ns ?? 'default',
      owner: rs,
      labels,
      containers,
      ...p,
    }),
  );
  return [d, rs, ...pods];
}

export function statefulSet(
  name: string,
  o: { ns?: string; replicas?: number; serviceName?: string; storageClass?: string; ready?: number } = {},
): Obj {
  const replicas = o.replicas ?? 3;
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('StatefulSet', name, o.ns ?? 'default', { generation: 1, labels }),
    spec: {
      replicas,
      serviceName: o.serviceName ?? name,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container({ name: 'db', image: 'postgres:16' })] } },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '10Gi' } },
            ...(o.storageClass !== undefined ? { storageClassName: o.storageClass } : {}),
          },
        },
      ],
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: {
      observedGeneration: 1,
      replicas,
      readyReplicas: o.ready ?? replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: o.ready ?? replicas,
      currentRevision: `${name}-5f7d8c9b4`,
      updateRevision: `${name}-5f7d8c9b4`,
    },
  };
}

export function daemonSet(
  name: string,
  o: { ns?: string; desired?: number; current?: number; ready?: number } = {},
): Obj {
  const desired = o.desired ?? 3;
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('DaemonSet', name, o.ns ?? 'kube-system', { generation: 1, labels }),
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [container({ name: 'agent', image: 'fluent/fluent-bit:3.0' })] },
      },
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: {
      desiredNumberScheduled: desired,
      currentNumberScheduled: o.current ?? desired,
      numberReady: o.ready ?? desired,
      numberAvailable: o.ready ?? desired,
      updatedNumberScheduled: desired,
      numberMisscheduled: 0,
      observedGeneration: 1,
    },
  };
}

export function job(
  name: string,
  o: {
    ns?: string;
    owner?: Obj;
    conditions?: Json[];
    failed?: number;
    succeeded?: number;
    active?: number;
    suspend?: boolean;
    backoffLimit?: number;
    started?: string;
  } = {},
): Obj {
  const labels = { 'batch.kubernetes.io/job-name': name, 'job-name': name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('Job', name, o.ns ?? 'default', {
      labels,
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
      creationTimestamp: o.started ?? ago(HOUR),
    }),
    spec: {
      backoffLimit: o.backoffLimit ?? 6,
      completions: 1,
      parallelism: 1,
      ...(o.suspend !== undefined ? { suspend: o.suspend } : {}),
      template: {
        metadata: { labels },
        spec: { containers: [container({ name: 'task', image: 'busybox:1.36' })], restartPolicy: 'Never' },
      },
    },
    status: {
      ...(o.started !== undefined || !o.suspend ? { startTime: o.started ?? ago(HOUR) } : {}),
      ...(o.active ? { active: o.active } : {}),
      ...(o.failed ? { failed: o.failed } : {}),
      ...(o.succeeded ? { succeeded: o.succeeded } : {}),
      ...(o.conditions ? { conditions: o.conditions } : {}),
    },
  };
}

export function completeConditions(at: string): Json[] {
  return [
    { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: at, lastTransitionTime: at },
    { type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at },
  ];
}

export function failedConditions(
  at: string,
  reason = 'BackoffLimitExceeded',
  message = 'Job has reached the specified backoff limit',
): Json[] {
  return [
    { type: 'FailureTarget', status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at },
    { type: 'Failed', status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at },
  ];
}

export function cronJob(
  name: string,
  o: {
    ns?: string;
    schedule?: string;
    suspend?: boolean;
    timeZone?: string;
    lastSchedule?: string;
    lastSuccess?: string;
  } = {},
): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('CronJob', name, o.ns ?? 'default'),
    spec: {
      schedule: o.schedule ?? '*/15 * * * *',
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      suspend: o.suspend ?? false,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: {
          template: {
            spec: { containers: [container({ name: 'task', image: 'busybox:1.36' })], restartPolicy: 'OnFailure' },
          },
        },
      },
    },
    status: {
      ...(o.lastSchedule ? { lastScheduleTime: o.lastSchedule } : {}),
      ...(o.lastSuccess ? { lastSuccessfulTime: o.lastSuccess } : {}),
    },
  };
}

// ---- services and networking -------------------------------------------------------------------------------

export function service(
  name: string,
  o: {
    ns?: string;
    selector?: Record<string, string> | null;
    type?: string;
    clusterIP?: string;
    ports?: Json[];
    externalName?: string;
    created?: string;
    publishNotReady?: boolean;
  } = {},
): Obj {
  const selector = o.selector === null ? undefined : (o.selector ?? { app: name });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('Service', name, o.ns ?? 'default', { creationTimestamp: o.created ?? ago(30 * DAY) }),
    spec: {
      type: o.type ?? 'ClusterIP',
      ...(o.type === 'ExternalName'
        ? { externalName: o.externalName ?? 'db.example.com' }
        : { clusterIP: o.clusterIP ?? '10.96.12.34' }),
      ...(selector ? { selector } : {}),
      ports: o.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      sessionAffinity: 'None',
      ...(o.publishNotReady ? { publishNotReadyAddresses: true } : {}),
    },
    status: { loadBalancer: {} },
  };
}

// ---- events --------------------------------------------------------------------------------------------------

export interface EventOpts {
  type?: 'Normal' | 'Warning';
  count?: number;
  lastSeen?: string;
  firstSeen?: string;
  fieldPath?: string;
  component?: string;
  name?: string;
}

let eventSeq = 0;

/** A core/v1 Event about `involved`, attributed by its uid like the real thing. */
export function event(involved: Obj, reason: string, message: string, o: EventOpts = {}): Obj {
  const m = involved.metadata as Json;
  const last = o.lastSeen ?? ago(30 * SEC);
  eventSeq++;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: o.name ?? `${m.name}.${(0x17f00000 + eventSeq).toString(16)}`,
      namespace: m.namespace ?? 'default',
      uid: uid(`event/${eventSeq}/${reason}`),
      creationTimestamp: o.firstSeen ?? last,
    },
    involvedObject: {
      kind: involved.kind,
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: involved.apiVersion,
      ...(o.fieldPath ? { fieldPath: o.fieldPath } : {}),
    },
    reason,
    message,
    source: { component: o.component ?? 'kubelet', host: 'node-1' },
    firstTimestamp: o.firstSeen ?? last,
    lastTimestamp: last,
    count: o.count ?? 1,
    type: o.type ?? 'Warning',
    reportingComponent: o.component ?? 'kubelet',
    reportingInstance: 'node-1',
  };
}

// ---- running analyzers -------------------------------------------------------------------------------------

export interface RunOpts {
  analyzers?: readonly Analyzer[];
  logs?: Record<string, string>;
  now?: Date;
}

/** Logs keyed `namespace/pod/container` (current) or `namespace/pod/container/previous`. */
export function logReader(logs: Record<string, string>): LogReader {
  return async (ns, podName, c, previous) => logs[`${ns}/${podName}/${c}${previous ? '/previous' : ''}`];
}

export async function findings(objs: readonly unknown[], o: RunOpts = {}): Promise<Finding[]> {
  const snap = snapshotFromObjects(objs, o.now ?? NOW, o.logs ? { logs: logReader(o.logs) } : {});
  const result = await runAnalyzers(o.analyzers ?? ANALYZERS, snap);
  if (result.errors.length > 0) throw new Error(`analyzer errors: ${JSON.stringify(result.errors)}`);
  return [...result.findings];
}

export async function incidents(objs: readonly unknown[], o: RunOpts & { cluster?: string } = {}): Promise<Incident[]> {
  const snap = snapshotFromObjects(objs, o.now ?? NOW, o.logs ? { logs: logReader(o.logs) } : {});
  const result = await runAnalyzers(o.analyzers ?? ANALYZERS, snap);
  if (result.errors.length > 0) throw new Error(`analyzer errors: ${JSON.stringify(result.errors)}`);
  return groupFindings(result.findings, snap, o.cluster ? { cluster: o.cluster } : {});
}

export function only<T>(items: readonly T[]): T {
  if (items.length !== 1)
    throw new Error(`expected exactly one item, got ${items.length}: ${JSON.stringify(items, null, 1).slice(0, 2000)}`);
  return items[0] as T;
}
