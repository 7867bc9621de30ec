import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podAnalyzer } from '../../../src/detect/analyzers/pod.js';
import {
  ago,
  completeConditions,
  container,
  DAY,
  event,
  findings,
  HOUR,
  job,
  MIN,
  only,
  pod,
  runningStatus,
  SEC,
  terminated,
  terminatedStatus,
  waitingStatus,
} from '../fixtures/index.js';

const run = (objs: unknown[]) => findings(objs, { analyzers: [podAnalyzer] });

describe('Pod analyzer: scheduling', () => {
  it("quotes the scheduler's reasons per node", async () => {
    const p = pod('big-0', {
      phase: 'Pending',
      nodeName: null,
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          lastTransitionTime: ago(5 * MIN),
          message:
            '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        },
      ],
    });
    const ev = event(
      p,
      'FailedScheduling',
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      { component: 'default-scheduler', count: 6 },
    );
    const f = only(await run([p, ev]));
    assert.equal(f.failureClass, 'Unschedulable');
    assert.equal(f.details.nodesTotal, 3);
    assert.equal(f.details.nodesAvailable, 0);
    assert.equal(
      f.details.schedulerReasons,
      '1× node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }; 2× Insufficient cpu',
    );
    assert.match(f.summary, /0\/3 nodes available: .*2× Insufficient cpu/);
    assert.equal(f.firstSeen, ago(5 * MIN).replace('Z', '.000Z'));
  });

  it('does not report a pod that is only briefly gated', async () => {
    const p = pod('gated', {
      phase: 'Pending',
      nodeName: null,
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'SchedulingGated',
          lastTransitionTime: ago(20 * SEC),
          message: 'Scheduling is blocked due to non-empty scheduling gates',
        },
      ],
    });
    assert.deepEqual(await run([p]), []);
  });
});

describe('Pod analyzer: probes', () => {
  const liveness = {
    httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
    periodSeconds: 10,
    failureThreshold: 3,
    initialDelaySeconds: 5,
  };

  it('names the probe, its target and the response', async () => {
    const p = pod('web-4', {
      containers: [container({ name: 'web', ports: [{ containerPort: 8080, name: 'http' }], livenessProbe: liveness })],
      statuses: [
        runningStatus({
          name: 'web',
          restartCount: 3,
          startedAt: ago(MIN),
          lastState: terminated(137, 'Error', ago(MIN)),
        }),
      ],
    });
    const ev = event(p, 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 404', {
      fieldPath: 'spec.containers{web}',
      count: 9,
    });
    const f = only(
      await run([
        p,
        ev,
        event(p, 'Killing', 'Container web failed liveness probe, will be restarted', {
          type: 'Normal',
          fieldPath: 'spec.containers{web}',
        }),
      ]),
    );
    assert.equal(f.failureClass, 'ProbeFailure');
    assert.equal(f.reason, 'LivenessProbeFailed');
    assert.deepEqual(
      [
        f.details.probe,
        f.details.handler,
        f.details.path,
        f.details.port,
        f.details.response,
        f.details.statusCode,
        f.details.failures,
      ],
      ['liveness', 'httpGet', '/healthz', '8080', 'HTTP 404', 404, 9],
    );
    assert.equal(
      f.summary,
      'liveness probe HTTP GET :8080/healthz of container "web" fails: HTTP 404 (9×); container restarted 3 times',
    );
  });

  it('resolves a named port and reports a failing readiness probe while the container is not ready', async () => {
    const p = pod('web-5', {
      ready: false,
      containers: [
        container({
          name: 'web',
          ports: [{ containerPort: 8080, name: 'http' }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        }),
      ],
      statuses: [runningStatus({ name: 'web', ready: false })],
    });
    const ev = event(
      p,
      'Unhealthy',
      'Readiness probe failed: Get "http://10.244.1.23:8080/ready": dial tcp 10.244.1.23:8080: connect: connection refused',
      {
        count: 30,
      },
    );
    const f = only(await run([p, ev]));
    assert.equal(f.details.port, 'http (8080)');
    assert.equal(f.details.response, 'connection refused');
    assert.equal(f.severity, 'medium');
  });

  it('ignores a probe that failed during startup and has passed since', async () => {
    const p = pod('web-6', {
      containers: [container({ readinessProbe: { httpGet: { path: '/ready', port: 8080 } } })],
      statuses: [runningStatus({ ready: true })],
    });
    const old = event(p, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', {
      lastSeen: ago(2 * MIN),
      count: 2,
    });
    assert.deepEqual(await run([p, old]), []);
  });
});

describe('Pod analyzer: event attribution and look-alikes', () => {
  it('attributes events by uid: a recreated pod with the same name does not inherit its predecessor’s events', async () => {
    const fresh = pod('db-0', {
      uidSeed: 'db-0-second-life',
      statuses: [runningStatus({ ready: false })],
      ready: false,
    });
    const predecessor = pod('db-0', { uidSeed: 'db-0-first-life' });
    const stale = event(predecessor, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 500', {
      count: 20,
    });
    const fresh2 = {
      ...fresh,
      spec: {
        ...(fresh.spec as object),
        containers: [container({ readinessProbe: { httpGet: { path: '/', port: 80 } } })],
      },
    };
    assert.deepEqual(await run([fresh2, stale]), []);
  });

  it('reports an evicted pod with the resource the node was short of', async () => {
    const p = pod('web-7', {
      phase: 'Failed',
      ready: false,
      statuses: [],
      extraStatus: {
        reason: 'Evicted',
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. ',
      },
    });
    const f = only(await run([p]));
    assert.equal(f.failureClass, 'Evicted');
    assert.equal(f.details.resource, 'memory');
    const old = pod('web-old', {
      phase: 'Failed',
      ready: false,
      statuses: [],
      conditions: [
        { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', lastTransitionTime: ago(3 * DAY) },
      ],
      extraStatus: { reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage. ' },
    });
    assert.deepEqual(await run([old]), [], 'an eviction days ago is history');
  });

  it('reports a volume that cannot be mounted while the pod sits in ContainerCreating', async () => {
    const p = pod('web-8', {
      phase: 'Pending',
      ready: false,
      statuses: [waitingStatus('ContainerCreating', undefined)],
    });
    const ev = event(
      p,
      'FailedMount',
      'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found',
      { count: 5 },
    );
    const f = only(await run([p, ev]));
    assert.equal(f.failureClass, 'MountFailure');
    assert.equal(f.details.volume, 'config');
    assert.equal(f.details.missingName, 'web-config');
  });

  it('is silent on healthy look-alikes', async () => {
    const initializing = pod('init-0', {
      phase: 'Pending',
      ready: false,
      created: ago(20 * SEC),
      initContainers: [container({ name: 'wait-db', image: 'busybox:1.36' })],
      initStatuses: [runningStatus({ name: 'wait-db', ready: false, startedAt: ago(15 * SEC) })],
      statuses: [waitingStatus('PodInitializing', undefined)],
    });
    const creating = pod('new-0', {
      phase: 'Pending',
      ready: false,
      created: ago(3 * SEC),
      statuses: [waitingStatus('ContainerCreating', undefined)],
    });
    const completed = pod('once', {
      phase: 'Succeeded',
      ready: false,
      statuses: [terminatedStatus(0, 'Completed', ago(HOUR))],
    });
    const deleting = pod('going', { statuses: [terminatedStatus(137, 'Error', ago(5 * SEC))] });
    (deleting.metadata as Record<string, unknown>).deletionTimestamp = ago(10 * SEC);
    const sidecarDone = pod('helper', {
      containers: [container(), container({ name: 'setup' })],
      statuses: [runningStatus(), terminatedStatus(0, 'Completed', ago(HOUR), { name: 'setup' })],
    });
    const j = job('report-28712', { conditions: completeConditions(ago(5 * MIN)), succeeded: 1, failed: 1 });
    const failedAttempt = pod('report-28712-abcde', {
      owner: j,
      phase: 'Failed',
      ready: false,
      restartPolicy: 'Never',
      statuses: [terminatedStatus(1, 'Error', ago(10 * MIN))],
    });
    const shutDown = pod('web-9', {
      phase: 'Failed',
      ready: false,
      statuses: [terminatedStatus(137, 'Error', ago(HOUR))],
      extraStatus: { reason: 'Terminated', message: 'Pod was terminated in response to imminent node shutdown.' },
    });
    const startupFailureEarlier = event(
      creating,
      'FailedMount',
      'MountVolume.SetUp failed for volume "kube-api-access" : object "default"/"kube-root-ca.crt" not registered',
      {
        lastSeen: ago(20 * MIN),
      },
    );
    assert.deepEqual(
      await run([
        initializing,
        creating,
        completed,
        deleting,
        sidecarDone,
        j,
        failedAttempt,
        shutDown,
        startupFailureEarlier,
      ]),
      [],
    );
  });
});
