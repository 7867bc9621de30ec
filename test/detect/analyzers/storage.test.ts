import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pvcAnalyzer } from '../../../src/detect/analyzers/pvc.js';
import { storageAnalyzer } from '../../../src/detect/analyzers/storage.js';
import { ago, DAY, event, findings, MIN, only, pod, SEC, uid } from '../fixtures/index.js';

function pvc(
  name: string,
  o: { storageClass?: string | null; phase?: string; created?: string; volumeName?: string } = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: uid(`pvc/${name}`), creationTimestamp: o.created ?? ago(10 * MIN) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      ...(o.storageClass === null ? {} : { storageClassName: o.storageClass ?? 'standard' }),
      volumeMode: 'Filesystem',
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
    status: { phase: o.phase ?? 'Pending' },
  };
}

function storageClass(name: string, o: { isDefault?: boolean; mode?: string } = {}) {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      uid: uid(`sc/${name}`),
      ...(o.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: o.mode ?? 'Immediate',
  };
}

function pv(name: string, phase: string, message?: string) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: uid(`pv/${name}`) },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: phase === 'Failed' ? 'Recycle' : 'Retain',
      storageClassName: 'standard',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'old-data', uid: uid('old') },
    },
    status: { phase, ...(message ? { message } : {}) },
  };
}

const pvcOnly = (objs: unknown[]) => findings(objs, { analyzers: [pvcAnalyzer] });

describe('PVC analyzer', () => {
  it('names a StorageClass that does not exist', async () => {
    const claim = pvc('data', { storageClass: 'fast-ssd' });
    const ev = event(claim, 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', {
      component: 'persistentvolume-controller',
      count: 8,
    });
    const f = only(await pvcOnly([storageClass('standard', { isDefault: true }), claim, ev]));
    assert.equal(f.failureClass, 'PVCPending');
    assert.equal(f.reason, 'StorageClassNotFound');
    assert.equal(f.details.storageClass, 'fast-ssd');
    assert.equal(f.summary, 'claim is Pending: StorageClass "fast-ssd" does not exist');
    assert.equal(f.events[0]?.reason, 'ProvisioningFailed');
  });

  it('reports a claim without a class when the cluster has no default', async () => {
    const f = only(await pvcOnly([storageClass('manual'), pvc('data', { storageClass: null })]));
    assert.equal(f.reason, 'NoDefaultStorageClass');
  });

  it('quotes the provisioner’s failure', async () => {
    const claim = pvc('data', { created: ago(30 * SEC) });
    const ev = event(
      claim,
      'ProvisioningFailed',
      'failed to provision volume with StorageClass "standard": rpc error: code = ResourceExhausted desc = quota exceeded',
      {
        component: 'rancher.io/local-path',
      },
    );
    const f = only(await pvcOnly([storageClass('standard'), claim, ev]));
    assert.equal(f.reason, 'ProvisioningFailed');
    assert.match(f.summary, /ResourceExhausted/);
  });

  it('reports a claim pending too long, and a lost one', async () => {
    const fs = await pvcOnly([
      storageClass('standard'),
      pvc('slow', { created: ago(20 * MIN) }),
      pvc('gone', { phase: 'Lost', volumeName: 'pv-1' }),
    ]);
    assert.deepEqual(
      fs.map((f) => [f.object.name, f.failureClass]),
      [
        ['gone', 'PVCLost'],
        ['slow', 'PVCPending'],
      ],
    );
  });

  it('is silent on bound claims, fresh ones, and ones waiting for their first consumer', async () => {
    const objs = [
      storageClass('standard', { isDefault: true }),
      storageClass('local', { mode: 'WaitForFirstConsumer' }),
      pvc('bound', { phase: 'Bound', volumeName: 'pv-2' }),
      pvc('new', { created: ago(20 * SEC) }),
      pvc('later', { storageClass: 'local', created: ago(DAY) }),
    ];
    assert.deepEqual(await pvcOnly(objs), []);
  });

  it('does report a WaitForFirstConsumer claim that a pod uses and that stays pending', async () => {
    const claim = pvc('used', { storageClass: 'local', created: ago(DAY) });
    const user = pod('app-0', {
      phase: 'Pending',
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'used' } }],
    });
    assert.equal(
      only(await pvcOnly([storageClass('local', { mode: 'WaitForFirstConsumer' }), claim, user])).reason,
      'Pending',
    );
  });
});

describe('Storage analyzer', () => {
  it('reports failed and released volumes, and nothing for bound ones', async () => {
    const fs = await findings(
      [pv('pv-a', 'Failed', 'recycle failed: pod failed'), pv('pv-b', 'Released'), pv('pv-c', 'Bound')],
      { analyzers: [storageAnalyzer] },
    );
    assert.deepEqual(
      fs.map((f) => [f.object.name, f.reason, f.severity]),
      [
        ['pv-a', 'Failed', 'medium'],
        ['pv-b', 'Released', 'low'],
      ],
    );
    assert.equal(fs[1]?.details.claim, 'default/old-data');
  });
});
