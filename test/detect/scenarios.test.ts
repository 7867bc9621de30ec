// The simulator's fault library, as the objects a cluster shows once each fault has set in, run through every
// analyzer: each must come out as one incident with the right class and the evidence a person acts on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '../../src/detect/incident.js';
import {
  ago,
  container,
  cronJob,
  DAY,
  deployment,
  deploymentWithPods,
  event,
  failedConditions,
  HOUR,
  incidents,
  job,
  MIN,
  type Obj,
  only,
  pod,
  replicaSet,
  runningStatus,
  SEC,
  service,
  terminated,
  terminatedStatus,
  uid,
  waitingStatus,
} from './fixtures/index.js';

const podsOf = (objs: Obj[]) => objs.filter((o) => o.kind === 'Pod');
const nameOf = (o: Obj) => (o.metadata as { name: string }).name;

function crashLooping(restartCount: number, exitCode: number, reason = 'Error', name = 'app') {
  return {
    created: ago(15 * MIN),
    ready: false,
    statuses: [
      waitingStatus('CrashLoopBackOff', `back-off 1m20s restarting failed container=${name}`, {
        name,
        restartCount,
        lastState: terminated(exitCode, reason, ago(20 * SEC)),
      }),
    ],
  };
}

async function single(objs: Obj[], logs?: Record<string, string>): Promise<Incident> {
  return only(await incidents(objs, logs ? { logs } : {}));
}

describe('fault library scenarios', () => {
  it('bad image tag after a good rollout: ImagePullBackOff on the Deployment, old pods still serving', async () => {
    const d = deployment('web', {
      replicas: 2,
      generation: 2,
      containers: [container({ image: 'nginx:1.299' })],
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastTransitionTime: ago(DAY) },
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastTransitionTime: ago(3 * MIN) },
        ],
      },
    });
    const oldRs = replicaSet(d, '5c4b3a2f1e', { replicas: 2 });
    const newRs = replicaSet(d, '7d9c5b8f6d', { replicas: 1, status: { replicas: 1, readyReplicas: 0 } });
    const bad = pod('web-7d9c5b8f6d-x2k4p', {
      owner: newRs,
      labels: { app: 'web' },
      phase: 'Pending',
      ready: false,
      created: ago(3 * MIN),
      containers: [container({ image: 'nginx:1.299' })],
      statuses: [waitingStatus('ImagePullBackOff', 'Back-off pulling image "nginx:1.299"', { image: 'nginx:1.299' })],
    });
    const objs = [
      d,
      oldRs,
      newRs,
      pod('web-5c4b3a2f1e-aaaaa', { owner: oldRs, labels: { app: 'web' } }),
      pod('web-5c4b3a2f1e-bbbbb', { owner: oldRs, labels: { app: 'web' } }),
      bad,
      event(
        bad,
        'Failed',
        'Failed to pull image "nginx:1.299": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.299": failed to resolve reference "docker.io/library/nginx:1.299": docker.io/library/nginx:1.299: not found',
        { fieldPath: 'spec.containers{app}', count: 3 },
      ),
      event(bad, 'Failed', 'Error: ImagePullBackOff', { fieldPath: 'spec.containers{app}', count: 5 }),
      service('web'),
    ];
    const inc = await single(objs);
    assert.deepEqual(
      [inc.failureClass, inc.workload.kind, inc.workload.name, inc.severity],
      ['ImagePullBackOff', 'Deployment', 'web', 'high'],
    );
    assert.deepEqual([inc.evidence.details.image, inc.evidence.details.registryAnswer], ['nginx:1.299', 'NotFound']);
    assert.equal(
      inc.summary,
      'container "app" cannot pull image "nginx:1.299" from docker.io: not found: the tag or repository does not exist (1/2 pods)',
    );
    assert.deepEqual(
      inc.affected.map((a) => a.name),
      ['web-7d9c5b8f6d-x2k4p'],
    );
  });

  it('crash from a missing environment variable: CrashLoopBackOff with the script’s message', async () => {
    const objs = deploymentWithPods('api', {
      replicas: 1,
      containers: [
        container({
          image: 'busybox:1.36',
          command: ['sh', '-c', '[ -z "$DB_HOST" ] && echo "DB_HOST not set" >&2 && exit 1; sleep 3600'],
        }),
      ],
      podStatus: () => crashLooping(4, 1),
    });
    const inc = await single(objs, { [`default/${nameOf(podsOf(objs)[0] as Obj)}/app/previous`]: 'DB_HOST not set\n' });
    assert.equal(inc.failureClass, 'CrashLoopBackOff');
    assert.deepEqual([inc.evidence.details.exitCode, inc.evidence.details.restartCount], [1, 4]);
    assert.deepEqual(inc.evidence.logs?.errorLines, ['DB_HOST not set']);
  });

  it('a plain crash without error words still carries its last log lines', async () => {
    const objs = deploymentWithPods('boom', { replicas: 1, podStatus: () => crashLooping(3, 1) });
    const inc = await single(objs, { [`default/${nameOf(podsOf(objs)[0] as Obj)}/app/previous`]: 'boom\n' });
    assert.equal(inc.failureClass, 'CrashLoopBackOff');
    assert.deepEqual(inc.evidence.logs?.lines, ['boom']);
  });

  it('nodeSelector that no node matches: Unschedulable quoting the scheduler', async () => {
    const objs = deploymentWithPods('gpu-job', {
      replicas: 1,
      podStatus: () => ({
        phase: 'Pending',
        nodeName: null,
        ready: false,
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            lastTransitionTime: ago(4 * MIN),
            message:
              "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
          },
        ],
      }),
    });
    const inc = await single(objs);
    assert.equal(inc.failureClass, 'Unschedulable');
    assert.equal(inc.evidence.details.schedulerReasons, "3× node(s) didn't match Pod's node affinity/selector");
  });

  it('readiness probe on the wrong port: ProbeFailure naming the port and the refusal', async () => {
    const objs = deploymentWithPods('shop', {
      replicas: 2,
      containers: [
        container({
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
        }),
      ],
      podStatus: () => ({
        ready: false,
        created: ago(10 * MIN),
        statuses: [runningStatus({ ready: false, startedAt: ago(10 * MIN) })],
      }),
    });
    for (const p of podsOf(objs)) {
      objs.push(
        event(
          p,
          'Unhealthy',
          'Readiness probe failed: Get "http://10.244.2.7:8080/": dial tcp 10.244.2.7:8080: connect: connection refused',
          { fieldPath: 'spec.containers{app}', count: 117 },
        ),
      );
    }
    objs.push(service('shop'));
    const inc = await single(objs);
    assert.equal(inc.failureClass, 'ProbeFailure');
    assert.deepEqual(
      [inc.evidence.details.probe, inc.evidence.details.port, inc.evidence.details.response],
      ['readiness', '8080', 'connection refused'],
    );
    assert.ok(
      inc.evidence.findings.some((f) => f.object.kind === 'Service'),
      'the Service without endpoints is part of it',
    );
  });

  it('a quota that blocks new pods: QuotaExceeded on the Deployment with the quota numbers', async () => {
    const d = deployment('web', {
      ns: 'team-a',
      replicas: 5,
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [] },
    });
    const rs = replicaSet(d, '7d9c5b8f6d', {
      replicas: 5,
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
    });
    const message =
      'Error creating: pods "web-7d9c5b8f6d-7xk2q" is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=2, limited: pods=2';
    const quota = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'team-quota', namespace: 'team-a', uid: uid('q') },
      spec: { hard: { pods: '2' } },
      status: { hard: { pods: '2' }, used: { pods: '2' } },
    };
    const inc = await single([
      d,
      rs,
      pod('web-7d9c5b8f6d-a', { ns: 'team-a', owner: rs, labels: { app: 'web' } }),
      pod('web-7d9c5b8f6d-b', { ns: 'team-a', owner: rs, labels: { app: 'web' } }),
      quota,
      event(rs, 'FailedCreate', message, { component: 'replicaset-controller', count: 9 }),
    ]);
    assert.deepEqual([inc.failureClass, inc.workload.name], ['QuotaExceeded', 'web']);
    assert.deepEqual(
      [inc.evidence.details.quota, inc.evidence.details.used, inc.evidence.details.limited],
      ['team-quota', 'pods=2', 'pods=2'],
    );
    assert.ok(inc.evidence.findings.some((f) => f.failureClass === 'QuotaExhausted'));
  });

  it('a NotReady node: one critical NodeNotReady incident', async () => {
    const n = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-2', uid: uid('node-2') },
      spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: ago(2 * MIN),
          },
        ],
      },
    };
    const inc = await single([n]);
    assert.deepEqual([inc.failureClass, inc.severity, inc.reason], ['NodeNotReady', 'critical', 'NodeStatusUnknown']);
  });

  it('an init container typo: its CrashLoopBackOff with exit 127 and the shell’s message', async () => {
    const objs = deploymentWithPods('web', {
      replicas: 1,
      podStatus: () => ({
        phase: 'Pending',
        ready: false,
        created: ago(10 * MIN),
        initContainers: [
          container({
            name: 'init-config',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'ech hello > /work/index.html'],
          }),
        ],
        initStatuses: [
          waitingStatus('CrashLoopBackOff', 'back-off 40s', {
            name: 'init-config',
            restartCount: 3,
            lastState: terminated(127, 'Error', ago(10 * SEC)),
          }),
        ],
        statuses: [waitingStatus('PodInitializing', undefined)],
      }),
    });
    const inc = await single(objs, {
      [`default/${nameOf(podsOf(objs)[0] as Obj)}/init-config/previous`]: 'sh: ech: not found\n',
    });
    assert.deepEqual(
      [inc.failureClass, inc.evidence.details.container, inc.evidence.details.exitCode],
      ['CrashLoopBackOff', 'init-config', 127],
    );
    assert.deepEqual(inc.evidence.logs?.errorLines, ['sh: ech: not found']);
  });

  it('a memory leak: OOMKilled again and again while Running between kills', async () => {
    const objs = deploymentWithPods('leaky', {
      replicas: 1,
      containers: [container({ memoryLimit: '512Mi' })],
      podStatus: () => ({
        created: ago(6 * HOUR),
        statuses: [
          runningStatus({
            restartCount: 7,
            startedAt: ago(40 * MIN),
            lastState: terminated(137, 'OOMKilled', ago(40 * MIN)),
          }),
        ],
      }),
    });
    const inc = await single(objs);
    assert.deepEqual(
      [inc.failureClass, inc.evidence.details.memoryLimit, inc.evidence.details.state],
      ['OOMKilled', '512Mi', 'running again'],
    );
    assert.equal(inc.evidence.details.restartsPerHour, 1.2);
  });

  it('a Job past its backoff limit and a CronJob with an invalid schedule are two incidents', async () => {
    const bad = cronJob('report', { schedule: '61 * * * *' });
    const j = job('etl', { conditions: failedConditions(ago(MIN)), failed: 4, backoffLimit: 3 });
    const attempt = pod('etl-zz9x8', {
      owner: j,
      phase: 'Failed',
      ready: false,
      restartPolicy: 'Never',
      statuses: [terminatedStatus(2, 'Error', ago(2 * MIN), { name: 'task' })],
    });
    const all = await incidents([bad, j, attempt]);
    assert.deepEqual(
      all.map((i) => [i.workload.kind, i.workload.name, i.failureClass]),
      [
        ['CronJob', 'report', 'CronJobInvalidSchedule'],
        ['Job', 'etl', 'JobFailed'],
      ],
    );
    assert.equal(all[1]?.evidence.details.exitCode, 2);
  });
});
