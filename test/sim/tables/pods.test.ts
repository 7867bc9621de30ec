import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { tableColumns, tableRow } from '../../../src/sim/tables/index.js';

const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '') ?? assert.fail('pods');
const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

interface PodShape {
  readonly containers?: number;
  readonly init?: Record<string, unknown>[];
  readonly spec?: Record<string, unknown>;
  readonly status: Record<string, unknown>;
  readonly meta?: Record<string, unknown>;
}

function makePod(p: PodShape): KubeObject {
  const containers = Array.from({ length: p.containers ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'nginx' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d9f', namespace: 'default', creationTimestamp: ago(3600), ...p.meta },
    spec: { containers, ...(p.init ? { initContainers: p.init } : {}), ...p.spec },
    status: p.status,
  };
}

const running = { running: { startedAt: ago(3500) } };
const ready = (extra: Record<string, unknown> = {}) => ({
  name: 'c0',
  ready: true,
  restartCount: 0,
  started: true,
  state: running,
  ...extra,
});
const waiting = (reason: string, extra: Record<string, unknown> = {}) => ({
  name: 'c0',
  ready: false,
  restartCount: 0,
  state: { waiting: { reason, message: '...' } },
  ...extra,
});
const terminated = (t: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'c0',
  ready: false,
  restartCount: 0,
  state: { terminated: { startedAt: ago(100), finishedAt: ago(50), ...t } },
  ...extra,
});
const readyCondition = (status: 'True' | 'False') => [{ type: 'Ready', status }];

/** [Ready, Status, Restarts] of a pod's row. */
function summary(p: PodShape): [unknown, unknown, unknown] {
  const cells = tableRow(PODS, makePod(p), NOW, 'None').cells;
  return [cells[1], cells[2], cells[3]];
}

describe('pod table columns', () => {
  it('has the real column set, wide columns at priority 1', () => {
    assert.deepEqual(
      tableColumns(PODS).map((c) => [c.name, c.type, c.priority]),
      [
        ['Name', 'string', 0],
        ['Ready', 'string', 0],
        ['Status', 'string', 0],
        ['Restarts', 'string', 0],
        ['Age', 'string', 0],
        ['IP', 'string', 1],
        ['Node', 'string', 1],
        ['Nominated Node', 'string', 1],
        ['Readiness Gates', 'string', 1],
      ],
    );
    assert.equal(tableColumns(PODS)[0]?.format, 'name');
  });
});

describe('pod STATUS, READY and RESTARTS', () => {
  it('running and ready, with every wide cell', () => {
    const pod = makePod({
      spec: { nodeName: 'sim-node-1' },
      status: {
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        conditions: readyCondition('True'),
        containerStatuses: [ready()],
      },
    });
    assert.deepEqual(tableRow(PODS, pod, NOW, 'None').cells, [
      'web-7d9f',
      '1/1',
      'Running',
      '0',
      '60m',
      '10.244.1.5',
      'sim-node-1',
      '<none>',
      '<none>',
    ]);
  });

  it('pending before scheduling', () => {
    assert.deepEqual(
      summary({
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
      }),
      ['0/1', 'Pending', '0'],
    );
  });

  it('shows the waiting reason: ContainerCreating, image pull and config errors', () => {
    for (const reason of [
      'ContainerCreating',
      'ErrImagePull',
      'ImagePullBackOff',
      'CreateContainerConfigError',
      'InvalidImageName',
    ])
      assert.deepEqual(
        summary({ status: { phase: 'Pending', containerStatuses: [waiting(reason)] } }),
        ['0/1', reason, '0'],
        reason,
      );
  });

  it('CrashLoopBackOff with restarts and when the last one happened', () => {
    const s = waiting('CrashLoopBackOff', {
      restartCount: 5,
      lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: ago(25) } },
    });
    assert.deepEqual(summary({ status: { phase: 'Running', containerStatuses: [s] } }), [
      '0/1',
      'CrashLoopBackOff',
      '5 (25s ago)',
    ]);
  });

  it('terminated reasons: OOMKilled, Completed, Error', () => {
    const oom = terminated(
      { reason: 'OOMKilled', exitCode: 137 },
      { restartCount: 2, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: ago(200) } } },
    );
    assert.deepEqual(summary({ status: { phase: 'Running', containerStatuses: [oom] } }), [
      '0/1',
      'OOMKilled',
      '2 (3m20s ago)',
    ]);
    assert.deepEqual(
      summary({
        status: { phase: 'Succeeded', containerStatuses: [terminated({ reason: 'Completed', exitCode: 0 })] },
      }),
      ['0/1', 'Completed', '0'],
    );
    assert.deepEqual(
      summary({ status: { phase: 'Failed', containerStatuses: [terminated({ reason: 'Error', exitCode: 1 })] } }),
      ['0/1', 'Error', '0'],
    );
  });

  it('Signal:N and ExitCode:N when the runtime gave no reason', () => {
    assert.deepEqual(
      summary({ status: { phase: 'Failed', containerStatuses: [terminated({ signal: 9, exitCode: 137 })] } })[1],
      'Signal:9',
    );
    assert.deepEqual(
      summary({ status: { phase: 'Failed', containerStatuses: [terminated({ exitCode: 2 })] } })[1],
      'ExitCode:2',
    );
  });

  it('marks finished pods with a Completed row condition', () => {
    const done = tableRow(PODS, makePod({ status: { phase: 'Succeeded' } }), NOW, 'None');
    assert.deepEqual(done.conditions, [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    const failed = tableRow(PODS, makePod({ status: { phase: 'Failed' } }), NOW, 'None');
    assert.deepEqual(failed.conditions, [
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
    assert.equal(tableRow(PODS, makePod({ status: { phase: 'Running' } }), NOW, 'None').conditions, undefined);
  });

  it('the first container decides when several are unhappy', () => {
    const statuses = [waiting('CrashLoopBackOff'), { ...waiting('ImagePullBackOff'), name: 'c1' }];
    assert.deepEqual(
      summary({ containers: 2, status: { phase: 'Running', containerStatuses: statuses } })[1],
      'CrashLoopBackOff',
    );
  });

  it('Running vs NotReady when one container completed and another still runs', () => {
    const statuses = [terminated({ reason: 'Completed', exitCode: 0 }), { ...ready(), name: 'c1' }];
    assert.deepEqual(
      summary({
        containers: 2,
        status: { phase: 'Running', conditions: readyCondition('False'), containerStatuses: statuses },
      }),
      ['1/2', 'NotReady', '0'],
    );
    assert.deepEqual(
      summary({
        containers: 2,
        status: { phase: 'Running', conditions: readyCondition('True'), containerStatuses: statuses },
      }),
      ['1/2', 'Running', '0'],
    );
  });

  it('a running container that is not ready counts as not ready', () => {
    assert.deepEqual(summary({ status: { phase: 'Running', containerStatuses: [ready({ ready: false })] } }), [
      '0/1',
      'Running',
      '0',
    ]);
  });
});

describe('init containers', () => {
  const init = [
    { name: 'migrate', image: 'flyway' },
    { name: 'warm', image: 'busybox' },
  ];

  it('Init:N/M while init containers run', () => {
    const first = { name: 'migrate', ready: false, restartCount: 0, state: running };
    const second = { name: 'warm', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } };
    assert.deepEqual(
      summary({
        init,
        status: {
          phase: 'Pending',
          initContainerStatuses: [first, second],
          containerStatuses: [waiting('PodInitializing')],
        },
      }),
      ['0/1', 'Init:0/2', '0'],
    );
    const done = { ...first, state: { terminated: { reason: 'Completed', exitCode: 0 } } };
    assert.deepEqual(
      summary({ init, status: { phase: 'Pending', initContainerStatuses: [done, { ...second, state: running }] } })[1],
      'Init:1/2',
    );
  });

  it('Init:CrashLoopBackOff counts init restarts', () => {
    const crashing = {
      name: 'migrate',
      ready: false,
      restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, finishedAt: ago(10) } },
    };
    assert.deepEqual(summary({ init, status: { phase: 'Pending', initContainerStatuses: [crashing] } }), [
      '0/1',
      'Init:CrashLoopBackOff',
      '3 (10s ago)',
    ]);
  });

  it('Init:Error, Init:ExitCode and Init:Signal for failed init containers', () => {
    const failed = (t: Record<string, unknown>) => ({
      name: 'migrate',
      ready: false,
      restartCount: 0,
      state: { terminated: t },
    });
    assert.equal(
      summary({
        init,
        status: { phase: 'Failed', initContainerStatuses: [failed({ reason: 'Error', exitCode: 1 })] },
      })[1],
      'Init:Error',
    );
    assert.equal(
      summary({ init, status: { phase: 'Failed', initContainerStatuses: [failed({ exitCode: 3 })] } })[1],
      'Init:ExitCode:3',
    );
    assert.equal(
      summary({ init, status: { phase: 'Failed', initContainerStatuses: [failed({ signal: 15, exitCode: 143 })] } })[1],
      'Init:Signal:15',
    );
  });

  it('PodInitializing once init is done and the app container is being created', () => {
    const done = (name: string) => ({
      name,
      ready: false,
      restartCount: 0,
      state: { terminated: { reason: 'Completed', exitCode: 0 } },
    });
    const status = {
      phase: 'Pending',
      initContainerStatuses: [done('migrate'), done('warm')],
      containerStatuses: [waiting('PodInitializing')],
    };
    assert.deepEqual(summary({ init, status }), ['0/1', 'PodInitializing', '0']);
  });

  it('counts a started sidecar (restartable init container) in READY and RESTARTS', () => {
    const sidecar = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }];
    const proxy = {
      name: 'proxy',
      ready: true,
      started: true,
      restartCount: 2,
      state: running,
      lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } },
    };
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, ...readyCondition('True')],
      initContainerStatuses: [proxy],
      containerStatuses: [ready({ restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } })],
    };
    assert.deepEqual(summary({ init: sidecar, status }), ['2/2', 'Running', '3 (30s ago)']);
  });
});

describe('deletion, eviction and gates', () => {
  it('Terminating while a running pod is being deleted, but not for finished pods', () => {
    const meta = { deletionTimestamp: ago(5) };
    assert.equal(summary({ meta, status: { phase: 'Running', containerStatuses: [ready()] } })[1], 'Terminating');
    assert.equal(
      summary({
        meta,
        status: { phase: 'Succeeded', containerStatuses: [terminated({ reason: 'Completed', exitCode: 0 })] },
      })[1],
      'Completed',
    );
  });

  it('NodeLost, and Unknown once such a pod is being deleted', () => {
    assert.equal(summary({ status: { phase: 'Running', reason: 'NodeLost' } })[1], 'NodeLost');
    assert.equal(
      summary({ meta: { deletionTimestamp: ago(5) }, status: { phase: 'Running', reason: 'NodeLost' } })[1],
      'Unknown',
    );
  });

  it('shows status.reason such as Evicted', () => {
    assert.equal(
      summary({ status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } })[1],
      'Evicted',
    );
  });

  it('SchedulingGated while the PodScheduled condition says so', () => {
    const status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    };
    assert.equal(summary({ spec: { schedulingGates: [{ name: 'quota' }] }, status })[1], 'SchedulingGated');
  });

  it('wide cells: podIPs fallback, nominated node and readiness gates', () => {
    const pod = makePod({
      spec: { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      status: {
        phase: 'Pending',
        podIPs: [{ ip: 'fd00::5' }],
        nominatedNodeName: 'sim-node-2',
        conditions: [{ type: 'example.com/lb', status: 'True' }],
      },
    });
    assert.deepEqual(tableRow(PODS, pod, NOW, 'None').cells.slice(5), ['fd00::5', '<none>', 'sim-node-2', '1/2']);
  });

  it('an age of <unknown> without a creation timestamp', () => {
    const pod = makePod({ meta: { creationTimestamp: undefined }, status: { phase: 'Pending' } });
    assert.equal(tableRow(PODS, pod, NOW, 'None').cells[4], '<unknown>');
  });
});
