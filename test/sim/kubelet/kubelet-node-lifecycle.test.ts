import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setNodeCondition } from '../../../src/sim/kubelet/node-conditions.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { fakeRuntime } from './kubelet-fake-runtime.js';
import {
  byPlural,
  type Cluster,
  condition,
  NODES,
  nodeName,
  PODS,
  phase,
  podManifest,
  startCluster,
} from './kubelet-harness.js';

let cluster: Cluster;
afterEach(() => cluster?.stop());

type Taint = { key: string; effect: string; value?: string };
const taints = (c: Cluster, node: string) =>
  ((c.store.get(NODES, undefined, node)?.spec as { taints?: Taint[] } | undefined)?.taints ?? []).map(
    (t) => `${t.key}:${t.effect}`,
  );
const nodeCondition = (c: Cluster, node: string, type: string) =>
  (
    c.store.get(NODES, undefined, node)?.status as
      | { conditions?: { type: string; status: string; reason: string }[] }
      | undefined
  )?.conditions?.find((x) => x.type === type);
const nodeReady = (c: Cluster, node: string) => nodeCondition(c, node, 'Ready');

function annotate(c: Cluster, node: string, key: string, value: string | undefined): void {
  c.store.modify(NODES, undefined, node, (n: KubeObject) => {
    const a = { ...(n.metadata.annotations ?? {}) };
    if (value === undefined) delete a[key];
    else a[key] = value;
    n.metadata.annotations = a;
  });
}

describe('node lifecycle', () => {
  it('taints a NotReady node, marks its pods not ready, evicts them after 300s and schedules new pods elsewhere', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 500, nodes: [{ name: 'a' }, { name: 'b' }] });
    cluster.create('pods', podManifest('victim', { image: 'app:1.0' }, { nodeName: 'a' }));
    cluster.create(
      'pods',
      podManifest(
        'agent',
        { image: 'app:1.0' },
        {
          nodeName: 'a',
          tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }],
        },
      ),
    );
    await cluster.waitFor('victim ready', () => condition(cluster.pod('victim'), 'Ready')?.status === 'True');

    const brokeAt = cluster.clock.now().getTime();
    annotate(cluster, 'a', 'sim.kubemend.io/condition-ready', 'False');
    await cluster.waitFor('taints', () => taints(cluster, 'a').length === 2);
    assert.deepEqual(taints(cluster, 'a'), [
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
    assert.equal(nodeReady(cluster, 'a')?.reason, 'KubeletNotReady');
    await cluster.waitFor('victim not ready', () => condition(cluster.pod('victim'), 'Ready')?.status === 'False');
    assert.ok(
      cluster
        .events('victim')
        .some((e) => e.type === 'Warning' && e.reason === 'NodeNotReady' && e.message === 'Node is not ready'),
    );
    assert.ok(
      cluster
        .events('a')
        .some(
          (e) =>
            e.reason === 'NodeNotReady' &&
            e.message === 'Node a status is now: NodeNotReady' &&
            e.source === 'node-controller',
        ),
    );

    // New pods avoid the tainted node.
    cluster.create('pods', podManifest('fresh', { image: 'app:1.0' }));
    assert.equal(await cluster.waitFor('fresh bound', () => nodeName(cluster.pod('fresh'))), 'b');

    await cluster.waitFor('victim evicted', () => !cluster.pod('victim'), 5_000);
    const evictedAfter = (cluster.clock.now().getTime() - brokeAt) / 1000;
    assert.ok(evictedAfter >= 300 && evictedAfter < 400, `evicted after ${evictedAfter}s`);
    const eviction = cluster.events('victim').find((e) => e.reason === 'TaintManagerEviction');
    assert.deepEqual(eviction && [eviction.message, eviction.source], [
      'Marking for deletion Pod default/victim',
      'taint-eviction-controller',
    ]);
    // A pod tolerating not-ready forever stays.
    assert.ok(cluster.pod('agent'));

    annotate(cluster, 'a', 'sim.kubemend.io/condition-ready', undefined);
    await cluster.waitFor('healthy again', () => taints(cluster, 'a').length === 0);
    assert.equal(nodeReady(cluster, 'a')?.status, 'True');
    await cluster.waitFor('agent ready again', () => condition(cluster.pod('agent'), 'Ready')?.status === 'True');
    assert.ok(cluster.events('a').some((e) => e.reason === 'NodeReady'));
  });

  it('freezes the pods of a node whose kubelet stopped posting status', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200, nodes: [{ name: 'a' }] });
    setNodeCondition(cluster.store, 'a', 'Ready', 'Unknown');
    cluster.create('pods', podManifest('waiting', { image: 'app:1.0' }, { nodeName: 'a' }));
    await cluster.waitFor('unreachable taints', () =>
      taints(cluster, 'a').includes('node.kubernetes.io/unreachable:NoExecute'),
    );
    const memory = nodeCondition(cluster, 'a', 'MemoryPressure');
    assert.equal(memory?.status, 'Unknown');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(phase(cluster.pod('waiting')), undefined);
    setNodeCondition(cluster.store, 'a', 'Ready', 'True');
    await cluster.waitFor('running after recovery', () => phase(cluster.pod('waiting')) === 'Running');
  });

  it('turns memory pressure and cordoning into NoSchedule taints, with kubelet node events', async () => {
    cluster = startCluster({ runtime: fakeRuntime, nodes: [{ name: 'a' }] });
    annotate(cluster, 'a', 'sim.kubemend.io/condition-memorypressure', 'True');
    await cluster.waitFor('pressure taint', () =>
      taints(cluster, 'a').includes('node.kubernetes.io/memory-pressure:NoSchedule'),
    );
    assert.ok(
      cluster
        .events('a')
        .some(
          (e) =>
            e.reason === 'NodeHasInsufficientMemory' && e.message === 'Node a status is now: NodeHasInsufficientMemory',
        ),
    );
    cluster.create('pods', podManifest('blocked', { image: 'app:1.0' }));
    const cond = await cluster.waitFor('blocked', () => condition(cluster.pod('blocked'), 'PodScheduled'));
    assert.equal(
      cond.message,
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    annotate(cluster, 'a', 'sim.kubemend.io/condition-memorypressure', undefined);
    await cluster.waitFor('scheduled after relief', () => phase(cluster.pod('blocked')) === 'Running');
    cluster.store.modify(NODES, undefined, 'a', (n) => {
      n.spec = { ...(n.spec as object), unschedulable: true };
    });
    await cluster.waitFor('cordon taint', () =>
      taints(cluster, 'a').includes('node.kubernetes.io/unschedulable:NoSchedule'),
    );
  });

  it('gives a Node created without status a healthy kubelet, with a renewed Lease', async () => {
    cluster = startCluster({
      runtime: fakeRuntime,
      speed: 200,
      nodes: [{ name: 'a', taints: [{ key: 'busy', effect: 'NoSchedule' }] }],
    });
    cluster.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'joined', labels: { 'kubernetes.io/hostname': 'joined' } },
    });
    await cluster.waitFor('joined ready', () => nodeReady(cluster, 'joined')?.status === 'True');
    cluster.create('pods', podManifest('on-joined', { image: 'app:1.0' }));
    assert.equal(await cluster.waitFor('scheduled', () => nodeName(cluster.pod('on-joined'))), 'joined');
    await cluster.waitFor('running', () => phase(cluster.pod('on-joined')) === 'Running');
    const lease = () => cluster.store.get(byPlural('leases', 'coordination.k8s.io'), 'kube-node-lease', 'joined');
    const renewTime = () => (lease()?.spec as { renewTime?: string } | undefined)?.renewTime;
    const first = await cluster.waitFor('lease', renewTime);
    await cluster.waitFor('lease renewed', () => renewTime() !== first && renewTime());
    assert.ok(Date.parse(renewTime() ?? '') - Date.parse(first) >= 40_000);
  });

  it('deletes pods bound to a node that was removed', async () => {
    cluster = startCluster({ runtime: fakeRuntime, nodes: [{ name: 'a' }, { name: 'b' }] });
    cluster.create('pods', podManifest('p', { image: 'app:1.0' }, { nodeName: 'b' }));
    await cluster.waitFor('p running', () => phase(cluster.pod('p')) === 'Running');
    cluster.store.delete(NODES, undefined, 'b');
    await cluster.waitFor('p gone', () => !cluster.store.get(PODS, 'default', 'p'));
  });
});
