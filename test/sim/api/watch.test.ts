import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { eventually } from '../../helpers/kubectl.js';
import { useSimulator } from '../../helpers/sim.js';

const CONFIGMAPS = RESOURCES.find((r) => r.plural === 'configmaps')!;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;

const cm = (name: string, data: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data }) as KubeObject;

describe('watches', () => {
  const f = useSimulator({ controllers: false, historySize: 50 });

  it('kubectl get -w prints changes as they happen', async () => {
    f.sim.store.create(CONFIGMAPS, cm('first'));
    const w = f.kubectl.start(['get', 'configmaps', '-w']);
    await eventually(() => /first/.test(w.output()), 15_000, 'initial list');
    f.sim.store.create(CONFIGMAPS, cm('second', { a: '1' }));
    await eventually(() => /second/.test(w.output()), 15_000, 'watch event');
    await w.stop();
  });

  it('kubectl wait --for=jsonpath returns when the field changes, and --for=delete when the object goes', async () => {
    f.sim.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'waiter', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    } as KubeObject);
    const waiting = f.kubectl.run(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/waiter', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 300));
    f.sim.store.modify(
      PODS,
      'default',
      'waiter',
      (p) => {
        p.status = { phase: 'Running' };
      },
      {
        subresource: 'status',
      },
    );
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/waiter condition met/);

    const gone = f.kubectl.run(['wait', '--for=delete', 'pod/waiter', '--timeout=20s']);
    await new Promise((r2) => setTimeout(r2, 300));
    f.sim.store.delete(PODS, 'default', 'waiter');
    const g = await gone;
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /pod\/waiter condition met/);
  });

  it('kubectl wait recovers from a 410 Expired watch by relisting', async () => {
    f.sim.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'expiring', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    } as KubeObject);
    // Push the pod's resourceVersion out of the 50-event window before kubectl starts watching from it.
    const waiting = f.kubectl.run(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/expiring', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 500));
    // Cut the watch and, before the client can reconnect, move the window past its resourceVersion:
    // the re-watch gets 410 Expired and must relist to see the change.
    f.sim.dropWatches();
    f.sim.store.compactHistory();
    for (let i = 0; i < 60; i++) f.sim.store.create(CONFIGMAPS, cm(`filler-${i}`));
    f.sim.store.modify(
      PODS,
      'default',
      'expiring',
      (p) => {
        p.status = { phase: 'Running' };
      },
      {
        subresource: 'status',
      },
    );
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
  });

  it('answers a watch from a too-old resourceVersion with ERROR 410 Expired', async () => {
    const res = await fetch(`${f.sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const ev = JSON.parse(text.trim().split('\n')[0]!) as { type: string; object: { code: number; reason: string } };
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
  });
});

describe('@kubernetes/client-node against the simulator', () => {
  const f = useSimulator({ controllers: false, historySize: 20 });
  const client = () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.sim.kubeconfigPath);
    return kc;
  };

  it('lists with typed models', async () => {
    f.sim.store.create(CONFIGMAPS, cm('listed', { k: 'v' }));
    const api = client().makeApiClient(k8s.CoreV1Api);
    const list = await api.listNamespacedConfigMap({ namespace: 'default' });
    assert.ok(list.metadata?.resourceVersion);
    assert.deepEqual(
      list.items.filter((c) => c.metadata?.name === 'listed').map((c) => c.data),
      [{ k: 'v' }],
    );
    const nodes = await api.listNode();
    assert.equal(nodes.items.length, 3);
  });

  it('watches events as they happen', async () => {
    const seen: string[] = [];
    const watch = new k8s.Watch(client());
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: f.sim.store.resourceVersion },
      (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    f.sim.store.create(CONFIGMAPS, cm('watched'));
    f.sim.store.delete(CONFIGMAPS, 'default', 'watched');
    await eventually(() => seen.includes('DELETED watched'), 10_000, 'watch events');
    assert.deepEqual(seen, ['ADDED watched', 'DELETED watched']);
    req.abort();
  });

  it('an informer keeps its cache right across a 410 relist', async () => {
    const kc = client();
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      api.listNamespacedConfigMap({ namespace: 'default' }),
    );
    await informer.start();
    f.sim.store.create(CONFIGMAPS, cm('inf-1'));
    await eventually(() => informer.list().some((c) => c.metadata?.name === 'inf-1'), 10_000, 'inf-1 in cache');
    // Cut the watch and expire its resourceVersion before it reconnects: the informer must relist.
    f.sim.dropWatches();
    f.sim.store.compactHistory();
    for (let i = 0; i < 30; i++) f.sim.store.create(CONFIGMAPS, cm(`noise-${i}`));
    f.sim.store.create(CONFIGMAPS, cm('inf-2'));
    await eventually(() => informer.list().some((c) => c.metadata?.name === 'inf-2'), 10_000, 'inf-2 after relist');
    assert.ok(informer.list().some((c) => c.metadata?.name === 'noise-29'));
    await informer.stop();
  });
});
