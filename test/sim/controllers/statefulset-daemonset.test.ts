import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, type ClusterOptions, messages, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(options: ClusterOptions = {}): Cluster {
  const c = startCluster({ outcome: () => ({ kind: 'ready', afterMs: 2_000 }), ...options });
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function statefulSet(
  name: string,
  replicas: number,
  extra: Record<string, unknown> = {},
  image = 'postgres:16',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image }] } },
      ...extra,
    },
  } as KubeObject;
}

function podNames(c: Cluster, app: string): string[] {
  return c.store
    .all(K.pods, 'default')
    .filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name ?? '')
    .sort();
}

function ready(p: KubeObject | undefined): boolean {
  return (
    ((p?.status ?? {}) as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  ).some((x) => x.type === 'Ready' && x.status === 'True');
}

describe('statefulset controller', () => {
  it('creates pods in ordinal order, each after the previous is ready, with claims from volumeClaimTemplates', async () => {
    const c = cluster();
    const order: string[] = [];
    c.store.subscribe((e) => {
      if (e.resource === K.pods && e.type === 'ADDED') {
        // Every earlier ordinal is already running and ready when the next pod is created.
        const ord = Number(e.object.metadata.name?.split('-').at(-1));
        for (let i = 0; i < ord; i++)
          assert.ok(ready(c.get(K.pods, 'default', `db-${i}`)), `db-${i} ready before db-${ord}`);
        order.push(e.object.metadata.name ?? '');
      }
    });
    const claim = {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    c.create(K.statefulSets, statefulSet('db', 3, { volumeClaimTemplates: [claim] }));
    await c.until(
      () =>
        ((c.get(K.statefulSets, 'default', 'db')?.status ?? {}) as { readyReplicas?: number } | undefined)
          ?.readyReplicas === 3,
      'ready',
    );
    assert.deepEqual(order, ['db-0', 'db-1', 'db-2']);
    const pod = c.get(K.pods, 'default', 'db-1');
    assert.equal(pod?.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-1');
    assert.equal(pod?.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');
    assert.equal(((pod?.spec ?? {}) as { hostname: string }).hostname, 'db-1');
    assert.equal(((pod?.spec ?? {}) as { subdomain: string }).subdomain, 'db');
    assert.deepEqual(((pod?.spec ?? {}) as { volumes: unknown[] }).volumes, [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } },
    ]);
    const claims = c.store
      .all(K.pvcs, 'default')
      .map((p) => p.metadata.name)
      .sort();
    assert.deepEqual(claims, ['data-db-0', 'data-db-1', 'data-db-2']);
    assert.equal(c.get(K.pvcs, 'default', 'data-db-0')?.metadata.labels?.app, 'db');
    assert.deepEqual(messages(c, 'SuccessfulCreate', 'db').slice(0, 2), [
      'create Claim data-db-0 Pod db-0 in StatefulSet db success',
      'create Pod db-0 in StatefulSet db successful',
    ]);
    const st = c.get(K.statefulSets, 'default', 'db')?.status as Record<string, unknown>;
    assert.equal(st.replicas, 3);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.match(String(st.updateRevision), /^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('scales down from the highest ordinal and keeps claims', async () => {
    const c = cluster();
    c.create(K.statefulSets, statefulSet('kv', 3));
    await c.until(() => podNames(c, 'kv').length === 3 && ready(c.get(K.pods, 'default', 'kv-2')), 'three');
    c.store.modify(K.statefulSets, 'default', 'kv', (s) => {
      (s.spec as { replicas: number }).replicas = 1;
    });
    await c.until(() => podNames(c, 'kv').length === 1, 'scaled down');
    assert.deepEqual(podNames(c, 'kv'), ['kv-0']);
    assert.deepEqual(messages(c, 'SuccessfulDelete', 'kv'), [
      'delete Pod kv-2 in StatefulSet kv successful',
      'delete Pod kv-1 in StatefulSet kv successful',
    ]);
  });

  it('Parallel creates every pod at once', async () => {
    const c = cluster({ outcome: () => ({ kind: 'unready' }) });
    c.create(K.statefulSets, statefulSet('par', 3, { podManagementPolicy: 'Parallel' }));
    await c.until(() => podNames(c, 'par').length === 3, 'all three without waiting for readiness');
  });

  it('rolls pods onto a new template from the highest ordinal, one at a time', async () => {
    const c = cluster();
    c.create(K.statefulSets, statefulSet('ru', 2));
    await c.until(() => ready(c.get(K.pods, 'default', 'ru-1')), 'ready');
    c.store.modify(K.statefulSets, 'default', 'ru', (s) => {
      (s.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image =
        'postgres:17';
    });
    await c.until(() => {
      const set = c.get(K.statefulSets, 'default', 'ru');
      const st = set?.status as {
        observedGeneration?: number;
        updatedReplicas?: number;
        readyReplicas?: number;
        currentRevision?: string;
        updateRevision?: string;
      };
      const observed = st.observedGeneration === set?.metadata.generation;
      return observed && st.updatedReplicas === 2 && st.readyReplicas === 2 && st.currentRevision === st.updateRevision;
    }, 'rolled');
    assert.deepEqual(messages(c, 'SuccessfulDelete', 'ru'), [
      'delete Pod ru-1 in StatefulSet ru successful',
      'delete Pod ru-0 in StatefulSet ru successful',
    ]);
  });

  it('recreates a failed pod under the same name', async () => {
    const c = cluster({
      outcome: (p) =>
        p.metadata.uid && !p.metadata.annotations?.seen ? { kind: 'fail', afterMs: 1_000 } : { kind: 'ready' },
    });
    c.create(K.statefulSets, statefulSet('fx', 1));
    await c.until(() => messages(c, 'RecreatingFailedPod', 'fx').length > 0, 'recreating');
    assert.equal(messages(c, 'RecreatingFailedPod', 'fx')[0], 'StatefulSet default/fx is recreating failed Pod fx-0');
  });
});

function daemonSet(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }], ...extra },
      },
    },
  } as KubeObject;
}

function daemonPods(c: Cluster, name: string): KubeObject[] {
  return c.store.all(K.pods, 'kube-system').filter((p) => p.metadata.labels?.app === name);
}

describe('daemonset controller', () => {
  it('runs one pod per node, pinned by node affinity, and adds one for a new node', async () => {
    const c = cluster();
    c.create(K.daemonSets, daemonSet('logs'));
    await c.until(
      () =>
        ((c.get(K.daemonSets, 'kube-system', 'logs')?.status ?? {}) as { numberReady?: number } | undefined)
          ?.numberReady === 3,
      'three ready',
    );
    const nodes = daemonPods(c, 'logs')
      .map((p) => (p.spec as { nodeName: string }).nodeName)
      .sort();
    assert.deepEqual(nodes, ['sim-node-1', 'sim-node-2', 'sim-node-3']);
    const pod = daemonPods(c, 'logs')[0]!;
    const terms = (
      pod.spec as {
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown[] } };
        };
      }
    ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    assert.deepEqual(terms, [
      {
        matchFields: [{ key: 'metadata.name', operator: 'In', values: [(pod.spec as { nodeName: string }).nodeName] }],
      },
    ]);
    assert.ok(
      (pod.spec as { tolerations: { key: string }[] }).tolerations.some(
        (t) => t.key === 'node.kubernetes.io/not-ready',
      ),
    );
    c.create(K.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'sim-node-4', labels: { 'kubernetes.io/hostname': 'sim-node-4' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject);
    await c.until(() => daemonPods(c, 'logs').length === 4, 'pod for the new node');
    assert.deepEqual(c.get(K.daemonSets, 'kube-system', 'logs')?.status, {
      ...((c.get(K.daemonSets, 'kube-system', 'logs')?.status ?? {}) as object),
      desiredNumberScheduled: 4,
    });
  });

  it('skips nodes whose labels or taints the pod does not accept', async () => {
    const c = cluster();
    c.store.modify(K.nodes, undefined, 'sim-node-2', (n) => {
      n.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
    c.store.modify(K.nodes, undefined, 'sim-node-3', (n) => {
      n.metadata.labels = { ...(n.metadata.labels ?? {}), disk: 'ssd' };
    });
    c.create(K.daemonSets, daemonSet('ssd', { nodeSelector: { disk: 'ssd' } }));
    c.create(K.daemonSets, daemonSet('all'));
    await c.until(() => daemonPods(c, 'ssd').length === 1 && daemonPods(c, 'all').length === 2, 'placed');
    assert.equal((daemonPods(c, 'ssd')[0]?.spec as { affinity: unknown }) !== undefined, true);
    const allNodes = daemonPods(c, 'all')
      .map((p) => (p.spec as { nodeName?: string }).nodeName)
      .sort();
    assert.deepEqual(allNodes, ['sim-node-1', 'sim-node-3']);
    assert.equal(
      ((c.get(K.daemonSets, 'kube-system', 'all')?.status ?? {}) as { desiredNumberScheduled?: number })
        .desiredNumberScheduled,
      2,
    );
  });
});
