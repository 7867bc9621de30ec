import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SELECTED_NODE_ANNOTATION } from '../../../src/sim/scheduler/volume-binding.js';
import { fakeRuntime } from '../kubelet/kubelet-fake-runtime.js';
import { byPlural, type Cluster, condition, NODES, podManifest, startCluster } from '../kubelet/kubelet-harness.js';

let cluster: Cluster;
afterEach(() => cluster?.stop());

const nodeOf = (c: Cluster, name: string) => (c.pod(name)?.spec as { nodeName?: string } | undefined)?.nodeName;

async function unschedulableMessage(c: Cluster, name: string): Promise<string> {
  const cond = await c.waitFor(`${name} unschedulable`, () => {
    const pc = condition(c.pod(name), 'PodScheduled');
    return pc?.status === 'False' ? pc : undefined;
  });
  assert.equal(cond.reason, 'Unschedulable');
  return cond.message ?? '';
}

describe('scheduler: FailedScheduling messages', () => {
  it('reports insufficient cpu on every node with kube-scheduler wording, as a Warning event and a condition', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', podManifest('big', { image: 'app:1.0', resources: { requests: { cpu: '10' } } }));
    const message = await unschedulableMessage(cluster, 'big');
    const expected =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    assert.equal(message, expected);
    const ev = cluster.events('big').find((e) => e.reason === 'FailedScheduling');
    assert.deepEqual(ev && { type: ev.type, message: ev.message, source: ev.source }, {
      type: 'Warning',
      message: expected,
      source: 'default-scheduler',
    });
    assert.equal((cluster.pod('big')?.status as { phase?: string } | undefined)?.phase, 'Pending');
  });

  it('explains a nodeSelector no node matches, and schedules once a node gets the label', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', podManifest('picky', { image: 'app:1.0' }, { nodeSelector: { disktype: 'ssd' } }));
    assert.equal(
      await unschedulableMessage(cluster, 'picky'),
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    cluster.store.modify(NODES, undefined, 'sim-node-2', (n) => {
      n.metadata.labels = { ...n.metadata.labels, disktype: 'ssd' };
    });
    assert.equal(await cluster.waitFor('picky bound', () => nodeOf(cluster, 'picky')), 'sim-node-2');
    const scheduled = cluster.events('picky').find((e) => e.reason === 'Scheduled');
    assert.equal(scheduled?.message, 'Successfully assigned default/picky to sim-node-2');
    assert.equal(scheduled?.source, 'default-scheduler');
  });

  it('counts different reasons per node, sorted, and splits the preemption verdicts', async () => {
    cluster = startCluster({
      runtime: fakeRuntime,
      nodes: [
        { name: 'gpu-1', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
        { name: 'small-1', memory: '1Gi' },
        { name: 'small-2', memory: '1Gi' },
      ],
    });
    cluster.create('pods', podManifest('mem', { image: 'app:1.0', resources: { requests: { memory: '2Gi' } } }));
    assert.equal(
      await unschedulableMessage(cluster, 'mem'),
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    // A toleration opens the tainted node.
    cluster.create(
      'pods',
      podManifest(
        'tolerant',
        { image: 'app:1.0', resources: { requests: { memory: '2Gi' } } },
        { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] },
      ),
    );
    assert.equal(await cluster.waitFor('tolerant bound', () => nodeOf(cluster, 'tolerant')), 'gpu-1');
  });

  it('keeps replicas with required anti-affinity on distinct hosts and refuses the one too many', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    const antiAffinity = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    };
    for (let i = 0; i < 4; i++) {
      const m = podManifest(`db-${i}`, { image: 'app:1.0' }, antiAffinity);
      (m.metadata as { labels: Record<string, string> }).labels = { app: 'db' };
      cluster.create('pods', m);
    }
    const message = await unschedulableMessage(cluster, 'db-3');
    assert.equal(
      message,
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    const placed = new Set([0, 1, 2].map((i) => nodeOf(cluster, `db-${i}`)));
    assert.deepEqual([...placed].sort(), ['sim-node-1', 'sim-node-2', 'sim-node-3']);
    // When a replica goes away, the waiting one takes its host.
    const freed = nodeOf(cluster, 'db-0');
    cluster.store.delete(byPlural('pods'), 'default', 'db-0');
    assert.equal(await cluster.waitFor('db-3 bound', () => nodeOf(cluster, 'db-3')), freed);
  });

  it('accounts for requests already placed and retries when capacity is freed', async () => {
    cluster = startCluster({
      runtime: fakeRuntime,
      nodes: [
        { name: 'n1', cpu: '4' },
        { name: 'n2', cpu: '4' },
      ],
    });
    for (const name of ['a', 'b'])
      cluster.create('pods', podManifest(name, { image: 'app:1.0', resources: { requests: { cpu: '3' } } }));
    await cluster.waitFor('a and b bound', () => nodeOf(cluster, 'a') && nodeOf(cluster, 'b'));
    assert.notEqual(nodeOf(cluster, 'a'), nodeOf(cluster, 'b'));
    // Limits without requests count as requests.
    cluster.create('pods', podManifest('c', { image: 'app:1.0', resources: { limits: { cpu: '2', memory: '1Gi' } } }));
    assert.equal(
      await unschedulableMessage(cluster, 'c'),
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    cluster.store.delete(byPlural('pods'), 'default', 'a');
    await cluster.waitFor('c bound', () => nodeOf(cluster, 'c'));
    const failed = cluster.events('c').find((e) => e.reason === 'FailedScheduling');
    assert.ok(failed && failed.count >= 1);
  });

  it('matches node affinity operators and reports cordoned nodes', async () => {
    cluster = startCluster({
      runtime: fakeRuntime,
      nodes: [
        { name: 'n1', labels: { gen: '3', zone: 'a' } },
        { name: 'n2', labels: { gen: '5', zone: 'b' } },
        { name: 'n3', labels: { gen: '7' } },
      ],
    });
    const affinity = (exprs: unknown[]) => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] },
        },
      },
    });
    cluster.create(
      'pods',
      podManifest(
        'gt',
        { image: 'app:1.0' },
        affinity([
          { key: 'gen', operator: 'Gt', values: ['4'] },
          { key: 'zone', operator: 'Exists' },
        ]),
      ),
    );
    cluster.create(
      'pods',
      podManifest('notin', { image: 'app:1.0' }, affinity([{ key: 'zone', operator: 'NotIn', values: ['a', 'b'] }])),
    );
    cluster.create(
      'pods',
      podManifest(
        'lt',
        { image: 'app:1.0' },
        affinity([
          { key: 'gen', operator: 'Lt', values: ['4'] },
          { key: 'gpu', operator: 'DoesNotExist' },
        ]),
      ),
    );
    assert.equal(await cluster.waitFor('gt', () => nodeOf(cluster, 'gt')), 'n2');
    assert.equal(await cluster.waitFor('notin', () => nodeOf(cluster, 'notin')), 'n3');
    assert.equal(await cluster.waitFor('lt', () => nodeOf(cluster, 'lt')), 'n1');

    for (const n of ['n1', 'n2', 'n3'])
      cluster.store.modify(NODES, undefined, n, (node) => {
        node.spec = { ...(node.spec as object), unschedulable: true };
      });
    cluster.create('pods', podManifest('late', { image: 'app:1.0' }));
    assert.equal(
      await unschedulableMessage(cluster, 'late'),
      '0/3 nodes are available: 3 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('leaves pods for another scheduler alone', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', podManifest('custom', { image: 'app:1.0' }, { schedulerName: 'my-scheduler' }));
    cluster.create('pods', podManifest('marker', { image: 'app:1.0' }));
    await cluster.waitFor('marker bound', () => nodeOf(cluster, 'marker'));
    assert.equal(nodeOf(cluster, 'custom'), undefined);
    assert.deepEqual(cluster.events('custom'), []);
  });
});

describe('scheduler: volumes', () => {
  const withClaim = (name: string, claim: string) =>
    podManifest(
      name,
      { image: 'app:1.0' },
      { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
    );
  const claim = (name: string, storageClassName?: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  });

  it('refuses a pod whose claim does not exist, before looking at nodes', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', withClaim('orphan', 'data'));
    assert.equal(
      await unschedulableMessage(cluster, 'orphan'),
      '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('waits on an unbound claim of a missing class, and binds WaitForFirstConsumer claims on the chosen node', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create(
      'storageclasses',
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
      'storage.k8s.io',
    );
    cluster.create('persistentvolumeclaims', claim('fast', 'fast-ssd'));
    cluster.create('pods', withClaim('stuck', 'fast'));
    assert.equal(
      await unschedulableMessage(cluster, 'stuck'),
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    cluster.create('persistentvolumeclaims', claim('later'));
    cluster.create('pods', withClaim('consumer', 'later'));
    const node = await cluster.waitFor('consumer bound', () => nodeOf(cluster, 'consumer'));
    const pvc = cluster.store.get(byPlural('persistentvolumeclaims'), 'default', 'later');
    assert.equal(pvc?.metadata.annotations?.[SELECTED_NODE_ANNOTATION], node);
  });
});
