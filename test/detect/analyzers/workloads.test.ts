import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronJobAnalyzer } from '../../../src/detect/analyzers/cron-job.js';
import { daemonSetAnalyzer } from '../../../src/detect/analyzers/daemon-set.js';
import { deploymentAnalyzer } from '../../../src/detect/analyzers/deployment.js';
import { jobAnalyzer } from '../../../src/detect/analyzers/job.js';
import { replicaSetAnalyzer } from '../../../src/detect/analyzers/replica-set.js';
import { statefulSetAnalyzer } from '../../../src/detect/analyzers/stateful-set.js';
import {
  ago,
  completeConditions,
  cronJob,
  DAY,
  daemonSet,
  deployment,
  event,
  failedConditions,
  findings,
  HOUR,
  job,
  MIN,
  only,
  pod,
  replicaSet,
  service,
  statefulSet,
  terminatedStatus,
} from '../fixtures/index.js';

const QUOTA_MESSAGE =
  'Error creating: pods "web-7d9c5b8f6d-q8zrt" is forbidden: exceeded quota: compute, requested: limits.memory=512Mi, used: limits.memory=1792Mi, limited: limits.memory=2Gi';

function unavailable(since: string) {
  return {
    type: 'Available',
    status: 'False',
    reason: 'MinimumReplicasUnavailable',
    message: 'Deployment does not have minimum availability.',
    lastUpdateTime: since,
    lastTransitionTime: since,
  };
}

describe('Deployment analyzer', () => {
  it('reports a rollout past its progress deadline', async () => {
    const d = deployment('web', {
      status: {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastTransitionTime: ago(DAY) },
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "web-5f6c8d9b7" has timed out progressing.',
            lastTransitionTime: ago(2 * MIN),
          },
        ],
      },
      generation: 2,
    });
    const f = only(await findings([d], { analyzers: [deploymentAnalyzer] }));
    assert.equal(f.failureClass, 'RolloutStuck');
    assert.equal(f.reason, 'ProgressDeadlineExceeded');
    assert.match(f.summary, /timed out progressing.*\(3\/3 available\)/);
  });

  it('reports replicas unavailable for longer than the progress deadline, critical at zero', async () => {
    const d = deployment('api', {
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 0,
        availableReplicas: 0,
        conditions: [unavailable(ago(30 * MIN))],
      },
      replicas: 2,
    });
    const f = only(await findings([d], { analyzers: [deploymentAnalyzer] }));
    assert.equal(f.failureClass, 'ReplicasUnavailable');
    assert.equal(f.severity, 'critical');
    assert.equal(f.details.available, 0);
  });

  it('turns a ReplicaFailure quota condition into QuotaExceeded with the numbers', async () => {
    const d = deployment('web', {
      status: {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: QUOTA_MESSAGE.replace('Error creating: ', ''),
            lastTransitionTime: ago(MIN),
          },
        ],
      },
      replicas: 4,
    });
    const f = only(await findings([d], { analyzers: [deploymentAnalyzer] }));
    assert.equal(f.failureClass, 'QuotaExceeded');
    assert.deepEqual(
      [f.details.quota, f.details.requested, f.details.used, f.details.limited],
      ['compute', 'limits.memory=512Mi', 'limits.memory=1792Mi', 'limits.memory=2Gi'],
    );
  });

  it('is silent during a rollout inside its deadline, scaled to zero, or paused', async () => {
    const rolling = deployment('rolling', {
      status: {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [unavailable(ago(2 * MIN))],
      },
      generation: 2,
    });
    const zero = deployment('idle', { replicas: 0 });
    const paused = deployment('paused', {
      paused: true,
      status: { replicas: 1, availableReplicas: 0, conditions: [unavailable(ago(DAY))] },
    });
    assert.deepEqual(await findings([rolling, zero, paused], { analyzers: [deploymentAnalyzer] }), []);
  });
});

describe('ReplicaSet, StatefulSet and DaemonSet analyzers', () => {
  it('reports a ReplicaSet blocked by quota from its FailedCreate event', async () => {
    const d = deployment('web', { replicas: 4 });
    const rs = replicaSet(d, '7d9c5b8f6d', { status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 } });
    const ev = event(rs, 'FailedCreate', QUOTA_MESSAGE, { component: 'replicaset-controller', count: 14 });
    const f = only(await findings([d, rs, ev], { analyzers: [replicaSetAnalyzer] }));
    assert.equal(f.failureClass, 'QuotaExceeded');
    assert.equal(f.details.quota, 'compute');
    assert.equal(f.events[0]?.count, 14);
  });

  it('ignores an old ReplicaSet scaled to zero and FailedCreate events resolved long ago', async () => {
    const d = deployment('web');
    const old = replicaSet(d, '5c4b3a2f1e', { replicas: 0, status: { replicas: 0 } });
    const current = replicaSet(d, '7d9c5b8f6d', { status: { replicas: 2 }, replicas: 3 });
    const stale = event(current, 'FailedCreate', QUOTA_MESSAGE, { lastSeen: ago(2 * HOUR) });
    assert.deepEqual(
      await findings([d, old, current, event(old, 'FailedCreate', QUOTA_MESSAGE), stale], {
        analyzers: [replicaSetAnalyzer],
      }),
      [],
    );
  });

  it('reports a StatefulSet whose governing Service and StorageClass do not exist', async () => {
    const sts = statefulSet('pg', { serviceName: 'pg-headless', storageClass: 'fast-ssd' });
    const fs = await findings([sts], { analyzers: [statefulSetAnalyzer] });
    assert.deepEqual(
      fs.map((f) => [f.failureClass, f.details.refKind, f.details.refName]),
      [
        ['MissingReference', 'Service', 'pg-headless'],
        ['MissingReference', 'StorageClass', 'fast-ssd'],
      ],
    );
    const sc = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast-ssd', uid: 'sc-1' },
      provisioner: 'ebs.csi.aws.com',
    };
    assert.deepEqual(
      await findings([sts, sc, service('pg-headless', { clusterIP: 'None', selector: { app: 'pg' } })], {
        analyzers: [statefulSetAnalyzer],
      }),
      [],
    );
  });

  it('reports a DaemonSet that cannot create its pods, but not one on fewer nodes by design', async () => {
    const blocked = daemonSet('node-exporter', { desired: 3, current: 1, ready: 1 });
    const ev = event(
      blocked,
      'FailedCreate',
      'Error creating: pods "node-exporter-abcde" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
      {
        component: 'daemonset-controller',
      },
    );
    const f = only(
      await findings([blocked, ev, daemonSet('gpu-plugin', { desired: 0, current: 0, ready: 0 })], {
        analyzers: [daemonSetAnalyzer],
      }),
    );
    assert.equal(f.failureClass, 'ReplicaCreateFailed');
    assert.match(f.summary, /violates PodSecurity/);
  });
});

describe('Job analyzer', () => {
  it('reports BackoffLimitExceeded with the last attempt’s exit code', async () => {
    const j = job('migrate', { conditions: failedConditions(ago(5 * MIN)), failed: 7, backoffLimit: 6 });
    const attempts = [10, 4].map((m, i) =>
      pod(`migrate-${['k2j4x', 'p9d7w'][i]}`, {
        owner: j,
        phase: 'Failed',
        ready: false,
        restartPolicy: 'Never',
        statuses: [terminatedStatus(i === 1 ? 3 : 1, 'Error', ago(m * MIN), { name: 'task' })],
      }),
    );
    const f = only(await findings([j, ...attempts], { analyzers: [jobAnalyzer] }));
    assert.equal(f.failureClass, 'JobFailed');
    assert.equal(f.reason, 'BackoffLimitExceeded');
    assert.deepEqual(
      [f.details.failedPods, f.details.backoffLimit, f.details.exitCode, f.details.lastFailedPod],
      [7, 6, 3, 'migrate-p9d7w'],
    );
    assert.match(
      f.summary,
      /Job has reached the specified backoff limit after 7 failed pod\(s\); last attempt exited with code 3/,
    );
  });

  it('is silent on completed, suspended, running and superseded jobs', async () => {
    const cron = cronJob('report', { lastSuccess: ago(10 * MIN), lastSchedule: ago(10 * MIN) });
    const superseded = job('report-28900', { owner: cron, conditions: failedConditions(ago(HOUR)), failed: 7 });
    const stillFailing = job('report-28910', { owner: cron, conditions: failedConditions(ago(5 * MIN)), failed: 7 });
    const done = job('once', { conditions: completeConditions(ago(HOUR)), succeeded: 1 });
    const suspended = job('later', { suspend: true });
    const running = job('now', { active: 1 });
    const fs = await findings([cron, superseded, stillFailing, done, suspended, running], { analyzers: [jobAnalyzer] });
    assert.deepEqual(
      fs.map((f) => f.object.name),
      ['report-28910'],
    );
  });
});

describe('CronJob analyzer', () => {
  it('reports an unparseable schedule with the parser’s reason', async () => {
    const f = only(await findings([cronJob('backup', { schedule: '0 25 * * *' })], { analyzers: [cronJobAnalyzer] }));
    assert.equal(f.failureClass, 'CronJobInvalidSchedule');
    assert.match(f.summary, /schedule "0 25 \* \* \*" is invalid: end of range \(25\) above maximum \(23\)/);
  });

  it('reports an unknown time zone', async () => {
    const f = only(
      await findings([cronJob('backup', { timeZone: 'Mars/Olympus_Mons' })], { analyzers: [cronJobAnalyzer] }),
    );
    assert.equal(f.reason, 'InvalidTimeZone');
  });

  it('is silent on valid schedules, including suspended ones between runs', async () => {
    const objs = [
      cronJob('a', { schedule: '@daily', timeZone: 'Europe/Berlin' }),
      cronJob('b', { schedule: '*/5 * * * *', lastSchedule: ago(3 * MIN) }),
      cronJob('c', { suspend: true, schedule: 'not a schedule' }),
    ];
    assert.deepEqual(await findings(objs, { analyzers: [cronJobAnalyzer] }), []);
  });
});
