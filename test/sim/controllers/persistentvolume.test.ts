import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { StatusError } from '../../../src/sim/store/status-error.js';
import { type Cluster, messages, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(): Cluster {
  const c = startCluster();
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function claim(name: string, storage = '1Gi', storageClassName?: string | null): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(storageClassName !== undefined ? { storageClassName } : {}),
    },
  } as KubeObject;
}

function consumer(name: string, claimName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.27' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  } as KubeObject;
}

function phase(o: KubeObject | undefined): string | undefined {
  return ((o?.status ?? {}) as { phase?: string } | undefined)?.phase;
}

async function withDefaultClass(c: Cluster): Promise<void> {
  await c.until(() => !!c.get(K.storageClasses, undefined, 'standard'), 'default storage class');
}

describe('persistentvolume controller', () => {
  it('gives a claim the default class and waits for its first consumer before provisioning', async () => {
    const c = cluster();
    await withDefaultClass(c);
    const sc = c.get(K.storageClasses, undefined, 'standard') as KubeObject & Record<string, unknown>;
    assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.deepEqual(
      [sc.provisioner, sc.volumeBindingMode, sc.allowVolumeExpansion, sc.reclaimPolicy],
      ['rancher.io/local-path', 'WaitForFirstConsumer', true, 'Delete'],
    );
    const created = c.create(K.pvcs, claim('data'));
    assert.equal((created.spec as { storageClassName: string }).storageClassName, 'standard');
    await c.until(() => messages(c, 'WaitForFirstConsumer', 'data').length > 0, 'waiting');
    assert.equal(phase(c.get(K.pvcs, 'default', 'data')), 'Pending');
    assert.deepEqual(messages(c, 'WaitForFirstConsumer', 'data'), [
      'waiting for first consumer to be created before binding',
    ]);
    c.create(K.pods, consumer('app', 'data'));
    await c.until(() => phase(c.get(K.pvcs, 'default', 'data')) === 'Bound', 'bound');
    const pvc = c.get(K.pvcs, 'default', 'data');
    const pvName = `pvc-${pvc?.metadata.uid}`;
    assert.equal(((pvc?.spec ?? {}) as { volumeName: string }).volumeName, pvName);
    assert.deepEqual(pvc?.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    assert.equal(pvc?.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    const pv = c.get(K.pvs, undefined, pvName);
    assert.equal(phase(pv), 'Bound');
    const node = ((c.get(K.pods, 'default', 'app')?.spec ?? {}) as { nodeName: string }).nodeName;
    assert.deepEqual(((pv?.spec ?? {}) as { nodeAffinity: unknown }).nodeAffinity, {
      required: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }],
      },
    });
    assert.equal(((pv?.spec ?? {}) as { claimRef: { uid: string } }).claimRef.uid, pvc?.metadata.uid);
    assert.deepEqual(messages(c, 'ProvisioningSucceeded', 'data'), [`Successfully provisioned volume ${pvName}`]);
    assert.match(
      messages(c, 'ExternalProvisioning', 'data')[0] ?? '',
      /^Waiting for a volume to be created either by the external provisioner 'rancher\.io\/local-path'/,
    );
    c.store.delete(K.pods, 'default', 'app');
    c.store.delete(K.pvcs, 'default', 'data');
    await c.until(() => !c.get(K.pvs, undefined, pvName), 'reclaimed (Delete)');
  });

  it('keeps a claim for a missing class Pending with ProvisioningFailed, and binds once the class exists', async () => {
    const c = cluster();
    c.create(K.pvcs, claim('fast', '5Gi', 'fast-ssd'));
    await c.until(() => messages(c, 'ProvisioningFailed', 'fast').length > 0, 'warning');
    const ev = c.events('fast').find((e) => e.reason === 'ProvisioningFailed');
    assert.equal(ev?.type, 'Warning');
    assert.equal(ev?.message, 'storageclass.storage.k8s.io "fast-ssd" not found');
    assert.equal(((ev?.source ?? {}) as { component: string }).component, 'persistentvolume-controller');
    assert.equal(phase(c.get(K.pvcs, 'default', 'fast')), 'Pending');
    c.create(K.storageClasses, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast-ssd' },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'Immediate',
    } as KubeObject);
    await c.until(() => phase(c.get(K.pvcs, 'default', 'fast')) === 'Bound', 'bound after the class appears');
  });

  it('grows a bound claim when its class allows expansion', async () => {
    const c = cluster();
    await withDefaultClass(c);
    c.create(K.pvcs, claim('grow', '1Gi'));
    c.create(K.pods, consumer('user', 'grow'));
    await c.until(() => phase(c.get(K.pvcs, 'default', 'grow')) === 'Bound', 'bound');
    c.store.modify(K.pvcs, 'default', 'grow', (p) => {
      (p.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = '2Gi';
    });
    await c.until(
      () =>
        ((c.get(K.pvcs, 'default', 'grow')?.status ?? {}) as { capacity?: { storage?: string } }).capacity?.storage ===
        '2Gi',
      'expanded',
    );
    const pvName = ((c.get(K.pvcs, 'default', 'grow')?.spec ?? {}) as { volumeName: string }).volumeName;
    assert.deepEqual(((c.get(K.pvs, undefined, pvName)?.spec ?? {}) as { capacity: unknown }).capacity, {
      storage: '2Gi',
    });
  });

  it('refuses to grow a claim whose class does not allow expansion', async () => {
    const c = cluster();
    c.create(K.storageClasses, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fixed' },
      provisioner: 'example.com/fixed',
    } as KubeObject);
    c.create(K.pvcs, claim('fixed-claim', '1Gi', 'fixed'));
    await c.until(() => phase(c.get(K.pvcs, 'default', 'fixed-claim')) === 'Bound', 'bound');
    assert.throws(
      () =>
        c.store.modify(K.pvcs, 'default', 'fixed-claim', (p) => {
          (p.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = '2Gi';
        }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 403 &&
        err.message ===
          'persistentvolumeclaims "fixed-claim" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  });

  it('binds a class-less claim to a matching Available volume, and releases a Retain volume', async () => {
    const c = cluster();
    c.create(K.pvs, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'manual-pv' },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        hostPath: { path: '/data' },
      },
    } as KubeObject);
    await c.until(() => phase(c.get(K.pvs, undefined, 'manual-pv')) === 'Available', 'available');
    c.create(K.pvcs, claim('static', '5Gi', ''));
    await c.until(() => phase(c.get(K.pvcs, 'default', 'static')) === 'Bound', 'bound');
    assert.equal(
      ((c.get(K.pvcs, 'default', 'static')?.status ?? {}) as { capacity: { storage: string } }).capacity.storage,
      '10Gi',
    );
    c.store.delete(K.pvcs, 'default', 'static');
    await c.until(() => phase(c.get(K.pvs, undefined, 'manual-pv')) === 'Released', 'released');
    c.create(K.pvcs, claim('nothing', '50Gi', ''));
    await c.until(() => messages(c, 'FailedBinding', 'nothing').length > 0, 'no volume');
    assert.deepEqual(messages(c, 'FailedBinding', 'nothing'), [
      'no persistent volumes available for this claim and no storage class is set',
    ]);
  });
});
