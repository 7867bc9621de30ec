import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, messages, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(...args: Parameters<typeof startCluster>): Cluster {
  const c = startCluster(...args);
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function replicaSet(
  name: string,
  replicas: number,
  extra: { resources?: unknown; minReadySeconds?: number } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: 'nginx:1.27', ...(extra.resources ? { resources: extra.resources } : {}) },
          ],
        },
      },
    },
  } as KubeObject;
}

function owned(c: Cluster, rs: string): KubeObject[] {
  return c.store
    .all(K.pods, 'default')
    .filter((p) => p.metadata.ownerReferences?.some((r) => r.name === rs && r.controller));
}

function rsStatus(c: Cluster, name: string): Record<string, unknown> {
  return (c.get(K.replicaSets, 'default', name)?.status ?? {}) as Record<string, unknown>;
}

describe('replicaset controller', () => {
  it('keeps spec.replicas pods and reports ready/available counts', async () => {
    const c = cluster();
    c.create(K.replicaSets, replicaSet('fe', 3));
    await c.until(() => rsStatus(c, 'fe').availableReplicas === 3, 'fe available');
    assert.deepEqual(rsStatus(c, 'fe'), {
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    const victim = owned(c, 'fe')[0]!;
    c.store.delete(K.pods, 'default', victim.metadata.name ?? '');
    await c.until(
      () => owned(c, 'fe').length === 3 && !owned(c, 'fe').some((p) => p.metadata.name === victim.metadata.name),
      'replacement',
    );
    assert.ok(messages(c, 'SuccessfulCreate', 'fe').length >= 4);
  });

  it('scales down the pods that are not ready first', async () => {
    let n = 0;
    const c = cluster({ outcome: () => (n++ === 1 ? { kind: 'unready' } : { kind: 'ready' }) });
    c.create(K.replicaSets, replicaSet('sd', 3));
    await c.until(() => rsStatus(c, 'sd').readyReplicas === 2 && owned(c, 'sd').length === 3, 'two ready, one not');
    const unready = owned(c, 'sd').find((p) =>
      (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some(
        (x) => x.type === 'Ready' && x.status === 'False',
      ),
    );
    assert.ok(unready);
    c.store.modify(K.replicaSets, 'default', 'sd', (rs) => {
      (rs.spec as { replicas: number }).replicas = 2;
    });
    await c.until(() => owned(c, 'sd').length === 2, 'scaled to 2');
    assert.ok(
      !owned(c, 'sd').some((p) => p.metadata.name === unready.metadata.name),
      'the unready pod was the one deleted',
    );
    assert.deepEqual(messages(c, 'SuccessfulDelete', 'sd'), [`Deleted pod: ${unready.metadata.name}`]);
  });

  it('honours minReadySeconds before counting a pod available', async () => {
    const c = cluster();
    c.create(K.replicaSets, replicaSet('mr', 1, { minReadySeconds: 30 }));
    await c.until(() => rsStatus(c, 'mr').readyReplicas === 1, 'ready');
    assert.equal(rsStatus(c, 'mr').availableReplicas, undefined, 'ready but not yet available');
    await c.until(() => rsStatus(c, 'mr').availableReplicas === 1, 'available after 30s');
  });

  it('adopts a matching orphan pod and releases a pod relabelled out of its selector', async () => {
    const c = cluster();
    c.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'ad' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    } as KubeObject);
    c.create(K.replicaSets, replicaSet('ad', 2));
    await c.until(() => owned(c, 'ad').length === 2, 'two pods');
    assert.ok(
      owned(c, 'ad').some((p) => p.metadata.name === 'stray'),
      'the orphan was adopted',
    );
    c.store.modify(K.pods, 'default', 'stray', (p) => {
      p.metadata.labels = { app: 'debug' };
    });
    await c.until(
      () => owned(c, 'ad').length === 2 && !owned(c, 'ad').some((p) => p.metadata.name === 'stray'),
      'released and replaced',
    );
    assert.equal(c.get(K.pods, 'default', 'stray')?.metadata.ownerReferences, undefined);
  });

  it('records FailedCreate with the quota message and a ReplicaFailure condition, then recovers when the quota grows', async () => {
    const c = cluster();
    c.create(K.quotas, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute-quota', namespace: 'default' },
      spec: { hard: { 'requests.cpu': '1', pods: '10' } },
    } as KubeObject);
    c.create(K.replicaSets, replicaSet('q', 3, { resources: { requests: { cpu: '500m' } } }));
    await c.until(() => messages(c, 'FailedCreate', 'q').length > 0, 'FailedCreate');
    assert.equal(owned(c, 'q').length, 2);
    const [msg] = messages(c, 'FailedCreate', 'q');
    assert.match(
      msg ?? '',
      /^Error creating: pods "q-[a-z0-9]{5}" is forbidden: exceeded quota: compute-quota, requested: requests\.cpu=500m, used: requests\.cpu=1, limited: requests\.cpu=1$/,
    );
    const cond = (rsStatus(c, 'q').conditions as { type: string; reason: string; message: string }[] | undefined)?.[0];
    assert.equal(cond?.type, 'ReplicaFailure');
    assert.equal(cond?.reason, 'FailedCreate');
    assert.match(cond?.message ?? '', /is forbidden: exceeded quota: compute-quota/);
    c.store.modify(K.quotas, 'default', 'compute-quota', (q) => {
      (q.spec as { hard: Record<string, string> }).hard['requests.cpu'] = '2';
    });
    await c.until(() => owned(c, 'q').length === 3 && !rsStatus(c, 'q').conditions, 'recovered');
  });
});
