import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprintOf } from '../../src/detect/incident.js';
import {
  ago,
  container,
  cronJob,
  deployment,
  deploymentWithPods,
  event,
  failedConditions,
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
  statefulSet,
  terminated,
  terminatedStatus,
  uid,
  waitingStatus,
} from './fixtures/index.js';

function crashLoop(restartCount = 5, exitCode = 1, reason = 'Error') {
  return {
    created: ago(30 * MIN),
    ready: false,
    statuses: [
      waitingStatus('CrashLoopBackOff', 'back-off 2m40s restarting failed container', {
        restartCount,
        lastState: terminated(exitCode, reason, ago(20 * SEC)),
      }),
    ],
  };
}

describe('groupFindings', () => {
  it('makes ten crashing pods of a Deployment one incident on the Deployment', async () => {
    const objs = deploymentWithPods('web', { ns: 'shop', replicas: 10, podStatus: () => crashLoop() });
    const inc = only(await incidents(objs));
    assert.equal(inc.failureClass, 'CrashLoopBackOff');
    assert.deepEqual(inc.workload, {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      uid: uid('Deployment/shop/web'),
    });
    assert.equal(inc.affected.length, 10);
    assert.equal(inc.severity, 'critical', 'no replica available: an outage');
    assert.match(
      inc.summary,
      /^container "app" in CrashLoopBackOff: exits with code 1 \(Error\); 5 restarts \(10\/h\) \(10\/10 pods\)$/,
    );
    assert.equal(inc.fingerprint, fingerprintOf('default', inc.workload, 'CrashLoopBackOff'));
    assert.equal(inc.state, 'open');
  });

  it('keeps the fingerprint across pod restarts, renames, new ReplicaSets and a cache without the ReplicaSet', async () => {
    const first = only(await incidents(deploymentWithPods('web', { replicas: 2, podStatus: () => crashLoop(3) })));
    const later = only(
      await incidents(deploymentWithPods('web', { replicas: 3, hash: '5f6c8d9b7', podStatus: () => crashLoop(11) })),
    );
    const [d, , ...pods] = deploymentWithPods('web', { replicas: 1, hash: '6b7c8d9e0', podStatus: () => crashLoop(2) });
    const withoutReplicaSet = only(await incidents([d, ...pods]));
    assert.equal(later.fingerprint, first.fingerprint);
    assert.equal(withoutReplicaSet.fingerprint, first.fingerprint);
    assert.equal(withoutReplicaSet.workload.name, 'web');
    const otherCluster = only(
      await incidents(deploymentWithPods('web', { replicas: 1, podStatus: () => crashLoop() }), { cluster: 'prod-eu' }),
    );
    assert.notEqual(otherCluster.fingerprint, first.fingerprint);
    const otherClass = only(
      await incidents(
        deploymentWithPods('web', {
          replicas: 1,
          podStatus: () => ({
            ready: false,
            statuses: [waitingStatus('ImagePullBackOff', 'Back-off pulling image "nginx:1.99"')],
          }),
        }),
      ),
    );
    assert.notEqual(otherClass.fingerprint, first.fingerprint);
  });

  it('folds crash loops and unavailable replicas into the failing liveness probe that causes them', async () => {
    const probe = { httpGet: { path: '/healthz', port: 8080 }, failureThreshold: 3, periodSeconds: 10 };
    const objs = deploymentWithPods('api', {
      replicas: 2,
      containers: [container({ livenessProbe: probe })],
      podStatus: () => crashLoop(6, 137, 'Error'),
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 0,
        availableReplicas: 0,
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            lastTransitionTime: ago(40 * MIN),
          },
        ],
      },
    });
    for (const p of objs.slice(2))
      objs.push(
        event(p, 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 404', {
          fieldPath: 'spec.containers{app}',
          count: 18,
        }),
      );
    const inc = only(await incidents(objs));
    assert.equal(inc.failureClass, 'ProbeFailure');
    assert.equal(inc.evidence.details.path, '/healthz');
    assert.deepEqual([...new Set(inc.evidence.findings.map((f) => f.failureClass))].sort(), [
      'CrashLoopBackOff',
      'ProbeFailure',
      'ReplicasUnavailable',
    ]);
    assert.ok(
      inc.evidence.events.every((e) => e.object?.kind === 'Pod'),
      'every event names its pod',
    );
    assert.deepEqual(
      inc.affected.map((a) => a.kind),
      ['Pod', 'Pod'],
    );
  });

  it('lets the log explain the crash: MissingPassword carries the exit code and the log excerpt', async () => {
    const objs = deploymentWithPods('mysql', {
      replicas: 1,
      containers: [container({ image: 'mysql:8.4' })],
      podStatus: () => crashLoop(4, 1),
    });
    const podName = (objs[2] as { metadata: { name: string } }).metadata.name;
    const log =
      '[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n';
    const inc = only(await incidents(objs, { logs: { [`default/${podName}/app/previous`]: log } }));
    assert.equal(inc.failureClass, 'MissingPassword');
    assert.equal(inc.evidence.details.exitCode, 1);
    assert.equal(inc.evidence.details.database, 'mysql');
    assert.equal(inc.evidence.logs?.container, 'app');
    assert.match(inc.evidence.logs?.errorLines[0] ?? '', /Database is uninitialized/);
  });

  it('attaches the error lines of a plain crash to its CrashLoopBackOff incident', async () => {
    const objs = deploymentWithPods('worker', { replicas: 1, podStatus: () => crashLoop(4, 1) });
    const podName = (objs[2] as { metadata: { name: string } }).metadata.name;
    const inc = only(
      await incidents(objs, {
        logs: { [`default/${podName}/app/previous`]: 'boom\nError: cannot read /etc/app/config.yaml\n' },
      }),
    );
    assert.equal(inc.failureClass, 'CrashLoopBackOff');
    assert.deepEqual(inc.evidence.logs?.errorLines, ['Error: cannot read /etc/app/config.yaml']);
  });

  it('puts a failed CronJob run on the CronJob, with its pods’ exit codes', async () => {
    const cron = cronJob('nightly', { lastSchedule: ago(10 * MIN) });
    const j = job('nightly-29144160', {
      owner: cron,
      conditions: failedConditions(ago(2 * MIN)),
      failed: 3,
      backoffLimit: 2,
    });
    const attempts = ['a1b2c', 'd3e4f', 'g5h6i'].map((s, i) =>
      pod(`nightly-29144160-${s}`, {
        owner: j,
        phase: 'Failed',
        ready: false,
        restartPolicy: 'Never',
        statuses: [terminatedStatus(1, 'Error', ago((8 - i) * MIN), { name: 'task' })],
      }),
    );
    const inc = only(await incidents([cron, j, ...attempts]));
    assert.equal(inc.failureClass, 'JobFailed');
    assert.deepEqual([inc.workload.kind, inc.workload.name], ['CronJob', 'nightly']);
    assert.equal(inc.evidence.details.exitCode, 1);
    assert.ok(inc.evidence.findings.some((f) => f.failureClass === 'ContainerError'));
  });

  it('folds a Service whose pods all crash into the Deployment incident, but keeps a selector typo separate', async () => {
    const objs: Obj[] = [
      ...deploymentWithPods('web', { replicas: 2, podStatus: () => crashLoop() }),
      service('web'),
      service('web-typo', { selector: { app: 'wbe' } }),
    ];
    const all = await incidents(objs);
    assert.deepEqual(
      all.map((i) => [i.workload.kind, i.workload.name, i.failureClass]),
      [
        ['Deployment', 'web', 'CrashLoopBackOff'],
        ['Service', 'web-typo', 'ServiceNoEndpoints'],
      ],
    );
    assert.ok(
      all[0]?.evidence.findings.some((f) => f.failureClass === 'ServiceEndpointsNotReady' && f.object.name === 'web'),
    );
  });

  it('keeps two root causes on one Deployment apart: OOM on the old ReplicaSet, bad image on the new', async () => {
    const d = deployment('web', { replicas: 2, containers: [container({ memoryLimit: '64Mi' })] });
    const oldRs = replicaSet(d, '5c4b3a2f1e', { replicas: 1 });
    const newRs = replicaSet(d, '7d9c5b8f6d', { replicas: 1 });
    const oom = pod('web-5c4b3a2f1e-aaaaa', {
      owner: oldRs,
      labels: { app: 'web' },
      containers: [container({ memoryLimit: '64Mi' })],
      statuses: [runningStatus({ restartCount: 2, lastState: terminated(137, 'OOMKilled', ago(4 * MIN)) })],
    });
    const pull = pod('web-7d9c5b8f6d-bbbbb', {
      owner: newRs,
      labels: { app: 'web' },
      phase: 'Pending',
      ready: false,
      statuses: [
        waitingStatus(
          'ErrImagePull',
          'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": not found',
        ),
      ],
    });
    const all = await incidents([d, oldRs, newRs, oom, pull]);
    assert.deepEqual(all.map((i) => i.failureClass).sort(), ['ImagePullBackOff', 'OOMKilled']);
    assert.ok(all.every((i) => i.workload.name === 'web'));
  });

  it('puts a StatefulSet’s pending claims on the StatefulSet, naming the missing class', async () => {
    const sts = statefulSet('pg', { replicas: 2, storageClass: 'fast-ssd', ready: 0 });
    const claims = [0, 1].map((i) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: `data-pg-${i}`,
        namespace: 'default',
        uid: uid(`pvc-${i}`),
        labels: { app: 'pg' },
        creationTimestamp: ago(3 * MIN),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'fast-ssd',
        resources: { requests: { storage: '10Gi' } },
      },
      status: { phase: 'Pending' },
    }));
    const inc = only(await incidents([sts, service('pg', { clusterIP: 'None' }), ...claims]));
    assert.equal(inc.failureClass, 'PVCPending');
    assert.deepEqual([inc.workload.kind, inc.workload.name], ['StatefulSet', 'pg']);
    assert.equal(inc.evidence.details.storageClass, 'fast-ssd');
    assert.equal(inc.affected.filter((a) => a.kind === 'PersistentVolumeClaim').length, 2);
  });
});
