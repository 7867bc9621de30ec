import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { StatusError } from '../../../src/sim/store/status-error.js';
import { type Cluster, deployment, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(...args: Parameters<typeof startCluster>): Cluster {
  const c = startCluster(...args);
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { tier: 'web' } },
    spec,
  } as KubeObject;
}

type Subset = {
  addresses?: { ip: string; targetRef: { name: string } }[];
  notReadyAddresses?: { ip: string }[];
  ports?: { name?: string; port: number; protocol: string }[];
};
function subsets(c: Cluster, name: string): Subset[] {
  return (c.get(K.endpoints, 'default', name)?.subsets ?? []) as Subset[];
}
function slices(c: Cluster, svc: string): KubeObject[] {
  return c.store
    .all(K.endpointSlices, 'default')
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
}

describe('endpoints and endpointslice controllers', () => {
  it('puts ready pods in addresses and unready ones in notReadyAddresses, resolving named target ports', async () => {
    let n = 0;
    const c = cluster({ outcome: () => (n++ === 0 ? { kind: 'unready' } : { kind: 'ready' }) });
    const d = deployment('web', 3);
    const tpl = (d.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template;
    tpl.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080 }];
    c.create(K.deployments, d);
    c.create(
      K.services,
      service('web', { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] }),
    );
    await c.until(
      () =>
        (subsets(c, 'web')[0]?.addresses?.length ?? 0) === 2 &&
        (subsets(c, 'web')[0]?.notReadyAddresses?.length ?? 0) === 1,
      'endpoints',
    );
    const [subset] = subsets(c, 'web');
    assert.deepEqual(subset?.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.ok(subset?.addresses?.every((a) => a.targetRef.name.startsWith('web-')));
    assert.equal(c.get(K.endpoints, 'default', 'web')?.metadata.labels?.tier, 'web');
    const [slice, ...more] = slices(c, 'web');
    assert.equal(more.length, 0);
    assert.equal(slice?.addressType, 'IPv4');
    assert.equal(slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.match(slice?.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(slice?.metadata.ownerReferences?.[0]?.kind, 'Service');
    const eps = slice?.endpoints as { conditions: { ready: boolean }; nodeName: string; zone?: string }[];
    assert.equal(eps.filter((e) => e.conditions.ready).length, 2);
    assert.ok(eps.every((e) => e.nodeName.startsWith('sim-node-') && e.zone?.startsWith('sim-zone-')));
    assert.deepEqual(slice?.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
  });

  it('has no addresses for a selector that matches nothing, and follows pods as they go', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('api', 2));
    c.create(K.services, service('api', { selector: { app: 'apii' }, ports: [{ port: 80 }] }));
    await c.until(() => !!c.get(K.endpoints, 'default', 'api') && slices(c, 'api').length === 1, 'objects');
    await c.sleep(5_000);
    assert.equal(c.get(K.endpoints, 'default', 'api')?.subsets, undefined);
    assert.deepEqual(slices(c, 'api')[0]?.endpoints, []);
    c.store.modify(K.services, 'default', 'api', (s) => {
      (s.spec as { selector: Record<string, string> }).selector = { app: 'api' };
    });
    await c.until(() => subsets(c, 'api')[0]?.addresses?.length === 2, 'fixed selector');
    assert.deepEqual(subsets(c, 'api')[0]?.ports, [{ port: 80, protocol: 'TCP' }]);
    c.store.modify(K.deployments, 'default', 'api', (d) => {
      (d.spec as { replicas: number }).replicas = 1;
    });
    await c.until(() => subsets(c, 'api')[0]?.addresses?.length === 1, 'scaled down');
    c.store.delete(K.services, 'default', 'api');
    await c.until(() => !c.get(K.endpoints, 'default', 'api') && slices(c, 'api').length === 0, 'cleaned up');
  });

  it('leaves Services without a selector to the user', async () => {
    const c = cluster();
    c.create(K.services, service('manual', { ports: [{ port: 5432 }] }));
    c.create(K.endpoints, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'manual', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432 }] }],
    } as KubeObject);
    await c.sleep(2_000);
    assert.deepEqual(subsets(c, 'manual')[0]?.addresses, [{ ip: '192.168.1.10' }]);
    assert.equal(slices(c, 'manual').length, 0);
  });
});

describe('service address allocation', () => {
  function refusal(fn: () => unknown): StatusError {
    try {
      fn();
    } catch (err) {
      if (err instanceof StatusError) return err;
      throw err;
    }
    assert.fail('expected a refusal');
  }

  it('allocates a ClusterIP from 10.96.0.0/12, keeps it across updates, and leaves headless and ExternalName alone', () => {
    const c = cluster({ kubelet: false });
    const svc = c.create(K.services, service('a', { selector: { app: 'a' }, ports: [{ port: 80 }] }));
    const spec = svc.spec as { clusterIP: string; clusterIPs: string[]; type: string; ipFamilies: string[] };
    assert.match(spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
    assert.equal(spec.type, 'ClusterIP');
    const replaced = c.store.update(K.services, {
      ...svc,
      spec: { selector: { app: 'b' }, ports: [{ port: 80 }] },
    } as KubeObject);
    assert.equal((replaced.spec as { clusterIP: string }).clusterIP, spec.clusterIP);
    const headless = c.create(
      K.services,
      service('h', { clusterIP: 'None', selector: { app: 'h' }, ports: [{ port: 80 }] }),
    );
    assert.equal((headless.spec as { clusterIP: string }).clusterIP, 'None');
    const ext = c.create(K.services, service('ext', { type: 'ExternalName', externalName: 'db.example.com' }));
    assert.equal((ext.spec as { clusterIP?: string }).clusterIP, undefined);
    const np = c.create(K.services, service('np', { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] }));
    const nodePort = (np.spec as { ports: { nodePort: number }[] }).ports[0]?.nodePort ?? 0;
    assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
  });

  it('refuses an IP that is taken or outside the range', async () => {
    const c = cluster({ kubelet: false });
    await c.until(() => !!c.get(K.services, 'default', 'kubernetes'), 'kubernetes service');
    const taken = refusal(() =>
      c.create(K.services, service('dup', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] })),
    );
    assert.equal(taken.code, 422);
    assert.equal(
      taken.message,
      'Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    const outside = refusal(() =>
      c.create(K.services, service('out', { clusterIP: '10.0.0.5', ports: [{ port: 80 }] })),
    );
    assert.match(
      outside.message,
      /the provided IP \(10\.0\.0\.5\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12$/,
    );
  });
});
