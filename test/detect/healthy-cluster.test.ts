import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSnapshot } from '../../src/detect/analyze.js';
import { snapshotFromObjects } from '../../src/detect/snapshot.js';
import {
  ago,
  completeConditions,
  container,
  cronJob,
  DAY,
  daemonSet,
  deployment,
  deploymentWithPods,
  event,
  HOUR,
  job,
  logReader,
  MIN,
  NOW,
  type Obj,
  ownerRef,
  pod,
  replicaSet,
  runningStatus,
  SEC,
  service,
  statefulSet,
  terminated,
  terminatedStatus,
  uid,
  waitingStatus,
} from './fixtures.js';

const ns = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, uid: uid(`ns/${name}`) },
  status: { phase: 'Active' },
});

function readyNode(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: uid(`node/${name}`) },
    spec: name === 'node-3' ? { unschedulable: true } : {},
    status: {
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          lastTransitionTime: ago(30 * DAY),
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          lastTransitionTime: ago(30 * DAY),
        },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', lastTransitionTime: ago(30 * DAY) },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastTransitionTime: ago(30 * DAY),
        },
      ],
    },
  };
}

/** A healthy DaemonSet with one running pod per node. */
function daemonSetWithPods(name: string): Obj[] {
  const ds = daemonSet(name, { desired: 2 });
  return [
    ds,
    ...[1, 2].map((i) =>
      pod(`${name}-${i}abcd`, { ns: 'kube-system', owner: ds, labels: { app: name }, nodeName: `node-${i}` }),
    ),
  ];
}

/** A StatefulSet with its headless Service, bound claims and ready pods. */
function statefulSetWithPods(name: string, ready = true): Obj[] {
  const sts = statefulSet(name, { ns: 'data', replicas: 2, storageClass: 'standard' });
  const out: Obj[] = [sts, service(name, { ns: 'data', clusterIP: 'None' })];
  for (const i of [0, 1]) {
    out.push(pod(`${name}-${i}`, { ns: 'data', owner: sts, labels: { app: name }, ready }));
    out.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: `data-${name}-${i}`,
        namespace: 'data',
        uid: uid(`pvc/${name}/${i}`),
        creationTimestamp: ago(20 * DAY),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'standard',
        resources: { requests: { storage: '10Gi' } },
        volumeName: `pvc-${name}-${i}`,
      },
      status: { phase: 'Bound', capacity: { storage: '10Gi' } },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `pvc-${name}-${i}`, uid: uid(`pv/${name}/${i}`) },
      spec: {
        capacity: { storage: '10Gi' },
        storageClassName: 'standard',
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: { namespace: 'data', name: `data-${name}-${i}` },
      },
      status: { phase: 'Bound' },
    });
  }
  return out;
}

/** A CronJob between runs, with its last (completed) Job and pod kept as history, and an older failed run since superseded. */
function cronJobWithHistory(name: string, suspend = false): Obj[] {
  const cron = cronJob(name, {
    ns: 'batch',
    schedule: '0 * * * *',
    suspend,
    lastSchedule: ago(20 * MIN),
    lastSuccess: ago(19 * MIN),
  });
  const done = job(`${name}-29144100`, {
    ns: 'batch',
    owner: cron,
    conditions: completeConditions(ago(19 * MIN)),
    succeeded: 1,
    started: ago(20 * MIN),
  });
  const failed = job(`${name}-29143980`, {
    ns: 'batch',
    owner: cron,
    conditions: [
      {
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        lastTransitionTime: ago(2 * HOUR),
      },
    ],
    failed: 7,
    started: ago(3 * HOUR),
  });
  return [
    cron,
    done,
    pod(`${name}-29144100-x8k2p`, {
      ns: 'batch',
      owner: done,
      phase: 'Succeeded',
      ready: false,
      restartPolicy: 'OnFailure',
      statuses: [terminatedStatus(0, 'Completed', ago(19 * MIN), { name: 'task' })],
    }),
    failed,
    pod(`${name}-29143980-q2w3e`, {
      ns: 'batch',
      owner: failed,
      phase: 'Failed',
      ready: false,
      restartPolicy: 'Never',
      statuses: [terminatedStatus(1, 'Error', ago(2 * HOUR), { name: 'task' })],
    }),
  ];
}

function healthyCluster(): { objs: Obj[]; workloads: number; logs: Record<string, string> } {
  const objs: Obj[] = [
    ns('default'),
    ns('shop'),
    ns('data'),
    ns('batch'),
    ns('kube-system'),
    readyNode('node-1'),
    readyNode('node-2'),
    readyNode('node-3'),
  ];
  const logs: Record<string, string> = {};
  let workloads = 0;
  const add = (items: Obj[]) => {
    objs.push(...items);
    workloads++;
  };
  objs.push(
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'standard',
        uid: uid('sc'),
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'nginx',
        uid: uid('ic'),
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
  );
  // Ten ordinary services, each a Deployment with its Service; one reads config and a secret.
  for (const name of [
    'web',
    'cart',
    'catalog',
    'checkout',
    'payments',
    'search',
    'users',
    'orders',
    'gateway',
    'notify',
  ]) {
    const items = deploymentWithPods(name, {
      ns: 'shop',
      replicas: 2,
      containers: [
        container({
          ports: [{ containerPort: 8080, name: 'http' }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          memoryLimit: '256Mi',
          cpuRequest: '100m',
          env:
            name === 'web'
              ? [
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                  { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'LOG_LEVEL' } } },
                ]
              : [],
        }),
      ],
      // One pod survived an OOM kill weeks ago and has been stable since; another restarted once long ago.
      podStatus: (i) =>
        name === 'catalog' && i === 0
          ? {
              created: ago(20 * DAY),
              statuses: [
                runningStatus({
                  restartCount: 1,
                  startedAt: ago(12 * DAY),
                  lastState: terminated(137, 'OOMKilled', ago(12 * DAY)),
                }),
              ],
            }
          : name === 'search' && i === 1
            ? {
                statuses: [
                  runningStatus({ restartCount: 2, startedAt: ago(DAY), lastState: terminated(1, 'Error', ago(DAY)) }),
                ],
              }
            : {},
    });
    for (const p of items.slice(2)) {
      const m = p.metadata as { name: string };
      logs[`shop/${m.name}/app`] =
        'GET /healthz 200\nWARN retrying upstream: connection refused\nERROR request id=42 failed: timeout\n';
      // A readiness blip at startup, long passed.
      objs.push(
        event(
          p,
          'Unhealthy',
          'Readiness probe failed: Get "http://10.244.1.23:8080/ready": dial tcp 10.244.1.23:8080: connect: connection refused',
          { lastSeen: ago(2 * DAY), count: 2 },
        ),
      );
    }
    add([...items, service(name, { ns: 'shop', ports: [{ name: 'http', port: 80, targetPort: 'http' }] })]);
  }
  objs.push(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: 'shop', uid: uid('cm/web') },
      data: { LOG_LEVEL: 'info' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop', uid: uid('secret/db') },
      type: 'Opaque',
      data: { password: 'aHVudGVyMg==' },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'shop', uid: uid('ing/shop') },
      spec: {
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'shop', uid: uid('np/deny') },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-shop', namespace: 'shop', uid: uid('np/allow') },
      spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop', uid: uid('hpa/web') },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        conditions: [
          { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' },
          { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' },
          {
            type: 'ScalingLimited',
            status: 'True',
            reason: 'TooFewReplicas',
            message: 'the desired replica count is less than the minimum replica count',
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop', uid: uid('pdb/web'), generation: 1 },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
      status: { observedGeneration: 1, expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute', namespace: 'shop', uid: uid('quota') },
      spec: { hard: { pods: '50', 'limits.memory': '16Gi' } },
      status: { hard: { pods: '50', 'limits.memory': '16Gi' }, used: { pods: '20', 'limits.memory': '5Gi' } },
    },
  );
  // Scaled to zero on purpose, one with a Service in front.
  add([deployment('legacy', { ns: 'shop', replicas: 0 }), service('legacy', { ns: 'shop' })]);
  add(deploymentWithPods('reports', { ns: 'shop', replicas: 0 }));
  // Mid-rollout within its deadline: a new ReplicaSet's pod is still starting.
  {
    const d = deployment('api', {
      ns: 'shop',
      replicas: 2,
      generation: 3,
      status: {
        observedGeneration: 3,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastTransitionTime: ago(DAY) },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: 'ReplicaSet "api-6c7d8e9f0a" is progressing.',
            lastTransitionTime: ago(40 * SEC),
          },
        ],
      },
    });
    const oldRs = replicaSet(d, '5b6c7d8e9f', { replicas: 2 });
    const newRs = replicaSet(d, '6c7d8e9f0a', {
      replicas: 1,
      status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 },
    });
    add([
      d,
      oldRs,
      newRs,
      pod('api-5b6c7d8e9f-aaaaa', { ns: 'shop', owner: oldRs, labels: { app: 'api' } }),
      pod('api-5b6c7d8e9f-bbbbb', { ns: 'shop', owner: oldRs, labels: { app: 'api' } }),
      pod('api-6c7d8e9f0a-ccccc', {
        ns: 'shop',
        owner: newRs,
        labels: { app: 'api' },
        phase: 'Pending',
        ready: false,
        created: ago(40 * SEC),
        statuses: [waitingStatus('ContainerCreating', undefined)],
      }),
      service('api', { ns: 'shop' }),
    ]);
  }
  // A pod still running its init container, briefly.
  add([
    pod('migrator-0', {
      ns: 'shop',
      phase: 'Pending',
      ready: false,
      created: ago(25 * SEC),
      initContainers: [container({ name: 'wait-for-db', image: 'busybox:1.36' })],
      initStatuses: [runningStatus({ name: 'wait-for-db', ready: false, startedAt: ago(20 * SEC) })],
      statuses: [waitingStatus('PodInitializing', undefined)],
    }),
  ]);
  for (const name of ['fluent-bit', 'node-exporter', 'kube-proxy']) add(daemonSetWithPods(name));
  add([daemonSet('gpu-device-plugin', { desired: 0, current: 0, ready: 0 })]);
  for (const name of ['postgres', 'redis', 'kafka']) add(statefulSetWithPods(name));
  for (const name of ['billing', 'cleanup']) add(cronJobWithHistory(name));
  add(cronJobWithHistory('archive', true));
  // Standalone completed Jobs, one that needed a retry.
  for (const name of ['db-migrate', 'seed', 'reindex']) {
    const j = job(name, {
      ns: 'batch',
      conditions: completeConditions(ago(HOUR)),
      succeeded: 1,
      failed: name === 'seed' ? 1 : 0,
    });
    const items: Obj[] = [
      j,
      pod(`${name}-k8s2d`, {
        ns: 'batch',
        owner: j,
        phase: 'Succeeded',
        ready: false,
        restartPolicy: 'Never',
        statuses: [terminatedStatus(0, 'Completed', ago(HOUR), { name: 'task' })],
      }),
    ];
    if (name === 'seed')
      items.push(
        pod('seed-f1rst', {
          ns: 'batch',
          owner: j,
          phase: 'Failed',
          ready: false,
          restartPolicy: 'Never',
          statuses: [terminatedStatus(1, 'Error', ago(2 * HOUR), { name: 'task' })],
        }),
      );
    add(items);
  }
  add([job('paused-export', { ns: 'batch', suspend: true })]);
  add([service('external-db', { ns: 'data', type: 'ExternalName', selector: null })]);
  add([service('manual-endpoints', { ns: 'data', selector: null })]);
  // A validating webhook backed by a healthy Deployment.
  const webhookObjs = deploymentWithPods('policy-webhook', { ns: 'kube-system', replicas: 1 });
  add([
    ...webhookObjs,
    service('policy-webhook', { ns: 'kube-system', ports: [{ port: 443, targetPort: 8443 }] }),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy', uid: uid('vwc') },
      webhooks: [
        {
          name: 'validate.policy.example.com',
          clientConfig: { service: { namespace: 'kube-system', name: 'policy-webhook', path: '/validate' } },
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
        },
      ],
    },
  ]);
  // A bare pod the user runs by hand, with a Normal event history.
  const debug = pod('debug-shell', {
    ns: 'default',
    containers: [container({ image: 'busybox:1.36', command: ['sleep', '3600'] })],
  });
  add([
    debug,
    event(debug, 'Pulled', 'Successfully pulled image "busybox:1.36" in 1.2s', { type: 'Normal' }),
    event(debug, 'Started', 'Started container app', { type: 'Normal' }),
  ]);
  // A ReplicaSet owned by something detection does not know (an Argo Rollout).
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'canary', namespace: 'shop', uid: uid('rollout') },
  };
  const rrs = { ...replicaSet(deployment('canary', { ns: 'shop', replicas: 1 }), '4a5b6c7d8e') };
  (rrs.metadata as Record<string, unknown>).ownerReferences = [ownerRef(rollout)];
  add([rrs, pod('canary-4a5b6c7d8e-zzzzz', { ns: 'shop', owner: rrs, labels: { app: 'canary' } })]);
  return { objs, workloads, logs };
}

describe('a healthy cluster', () => {
  it('has at least 30 varied workloads and yields zero findings and zero incidents', async () => {
    const { objs, workloads, logs } = healthyCluster();
    assert.ok(workloads >= 30, `only ${workloads} workloads`);
    const snapshot = snapshotFromObjects(objs, NOW, { logs: logReader(logs) });
    const result = await analyzeSnapshot(snapshot);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.incidents.map((i) => `${i.workload.kind}/${i.workload.name}: ${i.failureClass}: ${i.summary}`),
      [],
    );
  });

  it('still sees a single planted failure in the same cluster (the analyzers did run)', async () => {
    const { objs, logs } = healthyCluster();
    const victim = objs.find(
      (o) => o.kind === 'Pod' && (o.metadata as { name: string }).name.startsWith('cart-'),
    ) as Obj;
    (victim.status as Record<string, unknown>).containerStatuses = [
      waitingStatus('CrashLoopBackOff', 'back-off 5m0s restarting failed container', {
        restartCount: 7,
        lastState: terminated(1, 'Error', ago(MIN)),
      }),
    ];
    const result = await analyzeSnapshot(snapshotFromObjects(objs, NOW, { logs: logReader(logs) }));
    assert.deepEqual(
      result.incidents.map((i) => [i.workload.name, i.failureClass]),
      [['cart', 'CrashLoopBackOff']],
    );
  });
});
