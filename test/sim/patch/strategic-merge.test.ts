import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { appPatch, at, deployment, keys, pod, podSpec, smp, template } from './fixtures.js';

describe('strategic merge patch: list merge keys', () => {
  it('merges containers by name, keeping fields and containers the patch does not mention', () => {
    const out = smp(deployment(), appPatch({ image: 'nginx:1.28' }));
    assert.deepEqual(keys(podSpec(out, 'containers')), ['app', 'sidecar']);
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.28');
    assert.deepEqual(podSpec(out, 'containers', 0, 'args'), ['--port', '8080']);
    assert.equal(podSpec(out, 'containers', 1, 'image'), 'busybox:1.36');
  });

  it('puts a container new to the list ahead of the live-only ones, as the apiserver orders it', () => {
    const out = smp(deployment(), template({ containers: [{ name: 'extra', image: 'redis' }] }));
    assert.deepEqual(keys(podSpec(out, 'containers')), ['extra', 'app', 'sidecar']);
  });

  it('merges initContainers and ephemeralContainers by name too', () => {
    const base = deployment();
    Object.assign(podSpec(base) as object, { initContainers: [{ name: 'init', image: 'busybox' }] });
    const out = smp(base, template({ initContainers: [{ name: 'init', command: ['true'] }] }));
    assert.deepEqual(podSpec(out, 'initContainers'), [{ name: 'init', image: 'busybox', command: ['true'] }]);
    const p = smp(pod(), { spec: { ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } });
    const again = smp(p, { spec: { ephemeralContainers: [{ name: 'debug', tty: true }] } });
    assert.deepEqual(at(again, 'spec', 'ephemeralContainers'), [{ name: 'debug', image: 'busybox', tty: true }]);
  });

  it('merges env by name: updates in place, appends new, keeps the rest in live order', () => {
    const out = smp(
      deployment(),
      appPatch({
        env: [
          { name: 'B', value: '20' },
          { name: 'C', value: '3' },
        ],
      }),
    );
    assert.deepEqual(podSpec(out, 'containers', 0, 'env'), [
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
  });

  it('merges container ports by containerPort', () => {
    const out = smp(
      deployment(),
      appPatch({ ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090 }] }),
    );
    assert.deepEqual(podSpec(out, 'containers', 0, 'ports'), [
      { containerPort: 8080, protocol: 'TCP', name: 'http' },
      { containerPort: 9090 },
    ]);
  });

  it('merges volumeMounts by mountPath, volumeDevices by devicePath and volumes by name', () => {
    const out = smp(
      deployment(),
      template({
        containers: [
          {
            name: 'app',
            volumeMounts: [
              { mountPath: '/data', readOnly: true },
              { name: 'cache', mountPath: '/cache' },
            ],
            volumeDevices: [{ name: 'raw', devicePath: '/dev/xvda' }],
          },
        ],
        volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
      }),
    );
    assert.deepEqual(podSpec(out, 'containers', 0, 'volumeMounts'), [
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'cache', mountPath: '/cache' },
    ]);
    assert.deepEqual(podSpec(out, 'containers', 0, 'volumeDevices'), [{ name: 'raw', devicePath: '/dev/xvda' }]);
    assert.deepEqual(keys(podSpec(out, 'volumes')), ['cache', 'data']);
  });

  it('merges imagePullSecrets by name, hostAliases by ip and topologySpreadConstraints by topologyKey', () => {
    const base = pod();
    Object.assign(base.spec as object, {
      imagePullSecrets: [{ name: 'reg' }],
      topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
    });
    const out = smp(base, {
      spec: {
        imagePullSecrets: [{ name: 'other' }],
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }],
      },
    });
    assert.deepEqual(keys(at(out, 'spec', 'imagePullSecrets')), ['other', 'reg']);
    assert.deepEqual(at(out, 'spec', 'hostAliases'), [{ ip: '10.0.0.1', hostnames: ['b'] }]);
    assert.deepEqual(at(out, 'spec', 'topologySpreadConstraints'), [
      { topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' },
    ]);
  });

  it('merges status conditions by type and pod IPs by ip', () => {
    const out = smp(pod(), {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Initialized', status: 'True' },
        ],
        podIPs: [{ ip: 'fd00::5' }],
      },
    });
    assert.deepEqual(at(out, 'status', 'conditions'), [
      { type: 'Ready', status: 'True' },
      { type: 'Initialized', status: 'True' },
    ]);
    assert.deepEqual(keys(at(out, 'status', 'podIPs'), 'ip'), ['fd00::5', '10.1.0.5']);
    const d = smp(deployment(), { status: { conditions: [{ type: 'Progressing', status: 'True' }] } });
    assert.deepEqual(keys(at(d, 'status', 'conditions'), 'type'), ['Progressing', 'Available']);
  });

  it('merges ownerReferences by uid', () => {
    const base = deployment();
    base.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1' }];
    const out = smp(base, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'y', uid: 'u2' }] } });
    assert.deepEqual(keys(out.metadata.ownerReferences, 'uid'), ['u2', 'u1']);
  });

  it('merges service ports by port, node addresses by type, and replaces node taints whole', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } },
    };
    const s = smp(svc, { spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }] } });
    assert.deepEqual(at(s, 'spec', 'ports'), [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }]);
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n' },
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    };
    const n = smp(node, {
      spec: { taints: [{ key: 'b', effect: 'NoExecute' }] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] },
    });
    assert.deepEqual(at(n, 'spec', 'taints'), [{ key: 'b', effect: 'NoExecute' }]);
    assert.deepEqual(at(n, 'status', 'addresses'), [{ type: 'InternalIP', address: '10.0.0.2' }]);
  });

  it('replaces lists that have no merge key (args, command, tolerations) and orders patched items as sent', () => {
    const out = smp(
      deployment(),
      template({
        containers: [
          { name: 'sidecar', command: ['sh'] },
          { name: 'app', args: ['--debug'] },
        ],
        tolerations: [{ key: 'gpu', operator: 'Exists' }],
      }),
    );
    assert.deepEqual(keys(podSpec(out, 'containers')), ['sidecar', 'app']);
    assert.deepEqual(podSpec(out, 'containers', 0, 'command'), ['sh']);
    assert.deepEqual(podSpec(out, 'containers', 1, 'args'), ['--debug']);
    assert.deepEqual(podSpec(out, 'tolerations'), [{ key: 'gpu', operator: 'Exists' }]);
  });

  it('treats finalizers as a set: duplicates collapse, the patch order leads', () => {
    const out = smp(deployment(), { metadata: { finalizers: ['example.com/c', 'example.com/a'] } });
    assert.deepEqual(out.metadata.finalizers, ['example.com/c', 'example.com/a', 'example.com/b']);
  });
});

describe('strategic merge patch: directives', () => {
  it('null deletes a map key', () => {
    const out = smp(deployment(), { metadata: { labels: { app: null } }, spec: { strategy: null } });
    assert.equal(at(out, 'metadata', 'labels', 'app'), undefined);
    assert.equal(at(out, 'spec', 'strategy'), undefined);
  });

  it('drops nulls inside values that are new to the object', () => {
    const out = smp(deployment(), { spec: { paused: null, minReadySeconds: 5, newThing: { a: 1, b: null } } });
    assert.equal(at(out, 'spec', 'minReadySeconds'), 5);
    assert.deepEqual(at(out, 'spec', 'newThing'), { a: 1 });
    assert.equal(Object.hasOwn(out.spec as object, 'paused'), false);
  });

  it('$patch: delete removes list items by merge key', () => {
    const out = smp(deployment(), template({ containers: [{ name: 'sidecar', $patch: 'delete' }] }));
    assert.deepEqual(keys(podSpec(out, 'containers')), ['app']);
    const env = smp(deployment(), appPatch({ env: [{ name: 'A', $patch: 'delete' }] }));
    assert.deepEqual(podSpec(env, 'containers', 0, 'env'), [{ name: 'B', value: '2' }]);
  });

  it('$patch: replace on a list replaces it with the other entries', () => {
    const out = smp(deployment(), template({ containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] }));
    assert.deepEqual(podSpec(out, 'containers'), [{ name: 'only', image: 'x' }]);
  });

  it('$patch: replace on a map replaces the map; $patch: delete empties it', () => {
    const replaced = smp(deployment(), { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } });
    assert.deepEqual(at(replaced, 'spec', 'strategy'), { type: 'Recreate' });
    const emptied = smp(deployment(), { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } });
    assert.deepEqual(at(emptied, 'spec', 'strategy'), { type: 'RollingUpdate', rollingUpdate: {} });
  });

  it('$retainKeys clears the fields of a union the patch does not keep', () => {
    const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(at(out, 'spec', 'strategy'), { type: 'Recreate' });
    const vol = smp(
      deployment(),
      template({ volumes: [{ name: 'data', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] }),
    );
    assert.deepEqual(podSpec(vol, 'volumes'), [{ name: 'data', configMap: { name: 'cm' } }]);
  });

  it('$setElementOrder orders a keyed list and places new entries where it says', () => {
    const out = smp(
      deployment(),
      template({
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'extra' }, { name: 'app' }],
        containers: [{ name: 'extra', image: 'redis' }],
      }),
    );
    assert.deepEqual(keys(podSpec(out, 'containers')), ['sidecar', 'extra', 'app']);
  });

  it('$setElementOrder orders a primitive set', () => {
    const out = smp(deployment(), { metadata: { '$setElementOrder/finalizers': ['example.com/b', 'example.com/a'] } });
    assert.deepEqual(out.metadata.finalizers, ['example.com/b', 'example.com/a']);
  });

  it('$deleteFromPrimitiveList removes values from a set', () => {
    const out = smp(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a', 'nope'] } });
    assert.deepEqual(out.metadata.finalizers, ['example.com/b']);
    const both = smp(deployment(), {
      metadata: {
        '$setElementOrder/finalizers': ['example.com/b', 'example.com/c'],
        '$deleteFromPrimitiveList/finalizers': ['example.com/a'],
        finalizers: ['example.com/c'],
      },
    });
    assert.deepEqual(both.metadata.finalizers, ['example.com/b', 'example.com/c']);
  });

  it('keeps directive keys out of values that are new to the object', () => {
    const base = deployment();
    delete (podSpec(base) as Record<string, unknown>).volumes;
    const out = smp(
      base,
      template({
        '$setElementOrder/volumes': [{ name: 'v' }],
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'w', $patch: 'delete' },
        ],
      }),
    );
    assert.deepEqual(podSpec(out, 'volumes'), [{ name: 'v', emptyDir: {} }]);
  });
});
