import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSnapshot } from '../../src/detect/analyze.js';
import { snapshotFromObjects } from '../../src/detect/snapshot.js';
import { healthyCluster } from './fixtures/healthy-cluster.js';
import { ago, logReader, MIN, NOW, type Obj, terminated, waitingStatus } from './fixtures/index.js';

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
