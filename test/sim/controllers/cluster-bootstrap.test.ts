import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, startCluster } from './harness.js';

const clusters: Cluster[] = [];
after(() => {
  for (const c of clusters) c.stop();
});

describe('cluster bootstrap', () => {
  it('has the kubernetes Service with its endpoints and a default ServiceAccount in every namespace', async () => {
    const c = startCluster({ kubelet: false });
    clusters.push(c);
    await c.until(
      () => !!c.get(K.services, 'default', 'kubernetes') && !!c.get(K.serviceAccounts, 'team', 'default'),
      'bootstrap',
    );
    const svc = c.get(K.services, 'default', 'kubernetes');
    assert.deepEqual(svc?.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    assert.equal(((svc?.spec ?? {}) as { clusterIP: string }).clusterIP, '10.96.0.1');
    assert.deepEqual(((svc?.spec ?? {}) as { ports: unknown[] }).ports, [
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 },
    ]);
    assert.deepEqual(c.get(K.endpoints, 'default', 'kubernetes')?.subsets, [
      { addresses: [{ ip: '172.18.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
    for (const ns of ['default', 'kube-system', 'team'])
      assert.ok(c.get(K.serviceAccounts, ns, 'default'), `default SA in ${ns}`);
    c.create(K.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } } as KubeObject);
    await c.until(() => !!c.get(K.serviceAccounts, 'fresh', 'default'), 'SA in a new namespace');
    c.store.delete(K.serviceAccounts, 'fresh', 'default');
    await c.until(() => !!c.get(K.serviceAccounts, 'fresh', 'default'), 'SA recreated');
  });
});
