import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { at, deployment, keys, patchFails, pod, podSpec, smp } from './fixtures.js';

const template = (spec: unknown) => ({ spec: { template: { spec } } });
const appPatch = (fields: Record<string, unknown>) => template({ containers: [{ name: 'app', ...fields }] });

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

describe('strategic merge patch: rejected documents', () => {
  const cases: [string, unknown, string, RegExp][] = [
    [
      'an unknown $patch on a map',
      { spec: { strategy: { $patch: 'merge' } } },
      'BadRequest',
      /unknown patch type: merge in map/,
    ],
    ['a non-string $patch', { spec: { $patch: 7 } }, 'BadRequest', /unknown patch type: 7/],
    [
      '$patch: merge on a list item',
      template({ containers: [{ $patch: 'merge' }] }),
      'BadRequest',
      /merging lists cannot yet be specified/,
    ],
    [
      'an unknown $patch on a list item',
      template({ containers: [{ name: 'app', $patch: 'explode' }] }),
      'BadRequest',
      /unknown patch type: explode/,
    ],
    [
      '$patch: delete without the merge key',
      template({ containers: [{ $patch: 'delete' }] }),
      'BadRequest',
      /does not contain declared merge key: name/,
    ],
    [
      'a list item without the merge key',
      template({ containers: [{ image: 'x' }] }),
      'BadRequest',
      /does not contain declared merge key: name/,
    ],
    [
      'mixed element types',
      { metadata: { finalizers: ['a', 1] } },
      'BadRequest',
      /list element types are not identical/,
    ],
    [
      'scalars mixed into a keyed list',
      template({ containers: ['app'] }),
      'BadRequest',
      /list element types are not identical/,
    ],
    [
      'a $setElementOrder that is not a list',
      template({ '$setElementOrder/containers': 'x' }),
      'BadRequest',
      /expected a \[\]interface/,
    ],
    [
      'a $setElementOrder key without a list name',
      { spec: { $setElementOrderX: [] } },
      'BadRequest',
      /invalid patch format of setElementOrder list/,
    ],
    [
      'a patch list not covered by $setElementOrder',
      template({ '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'other', image: 'x' }] }),
      'BadRequest',
      /doesn't match \$setElementOrder list/,
    ],
    [
      'a $retainKeys that is not a list',
      { spec: { strategy: { $retainKeys: 5 } } },
      'BadRequest',
      /invalid patch format of retainKeys/,
    ],
    [
      'a patch field missing from $retainKeys',
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
      'BadRequest',
      /invalid patch format of retainKeys/,
    ],
    [
      'a malformed $deleteFromPrimitiveList key',
      { metadata: { $deleteFromPrimitiveListX: ['a'] } },
      'BadRequest',
      /invalid patch format of primitive list/,
    ],
    ['a patch that is a list', [1, 2], 'BadRequest', /cannot unmarshal array into Go value of type map/],
    [
      'metadata made a number',
      { metadata: 5 },
      'BadRequest',
      /cannot unmarshal number into Go struct field Deployment.metadata/,
    ],
    [
      'a label value made a list',
      { metadata: { labels: { app: ['x'] } } },
      'BadRequest',
      /metadata.labels of type string/,
    ],
    ['a changed kind', { kind: 'StatefulSet' }, 'BadRequest', /kind in the data \(StatefulSet\) does not match/],
  ];
  for (const [what, patch, code, message] of cases) {
    it(`refuses ${what}`, () => {
      const current = deployment();
      const r = patchFails({ type: 'strategic', current, body: JSON.stringify(patch) });
      assert.equal(r.code, code, r.message);
      assert.match(r.message, message);
      assert.deepEqual(current, deployment(), 'the live object is untouched');
    });
  }

  it('refuses lists of lists (422) and scalars in a keyed list', () => {
    const current = deployment();
    current.metadata.finalizers = [];
    (podSpec(current) as Record<string, unknown>).containers = [];
    const lists = patchFails({ type: 'strategic', current, body: '{"metadata":{"finalizers":[["x"]]}}' });
    assert.equal(lists.code, 'Invalid');
    assert.match(lists.message, /lists of lists are not supported/);
    const scalars = patchFails({ type: 'strategic', current, body: JSON.stringify(template({ containers: ['app'] })) });
    assert.equal(scalars.code, 'BadRequest');
    assert.match(scalars.message, /expected a map\[string\]interface \{\}, but received a string/);
  });

  it('keeps error messages short even for huge patches', () => {
    const current = deployment();
    const huge = { metadata: { finalizers: [...Array.from({ length: 5000 }, (_, i) => `f${i}`), 1] } };
    const r = patchFails({ type: 'strategic', current, body: JSON.stringify(huge) });
    assert.match(r.message, /list element types are not identical/);
    assert.ok(r.message.length < 1000, `message of ${r.message.length} characters`);
  });

  it('refuses unparseable JSON with a BadRequest', () => {
    const r = patchFails({ type: 'strategic', current: deployment(), body: '{"spec":' });
    assert.equal(r.code, 'BadRequest');
    assert.match(r.message, /^error decoding patch: /);
  });

  it('answers 415 for custom resources, which have no strategic merge metadata', () => {
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    const r = patchFails({ type: 'strategic', current: cr, body: '{"spec":{"size":2}}' });
    assert.equal(r.code, 'UnsupportedMediaType');
    assert.match(
      r.message,
      /accepted media types include: application\/json-patch\+json, application\/merge-patch\+json/,
    );
  });

  it('answers 415 for CRD-backed kinds even in *.k8s.io groups, and serves subresource kinds like Scale', () => {
    const gw: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'g' },
      spec: {},
    };
    assert.equal(patchFails({ type: 'strategic', current: gw, body: '{}' }).code, 'UnsupportedMediaType');
    const scale: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    };
    assert.deepEqual(smp(scale, { spec: { replicas: 3 } }).spec, { replicas: 3 });
  });

  it('serves built-in groups, including *.k8s.io ones', () => {
    const np: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n' },
      spec: {},
    };
    assert.deepEqual(at(smp(np, { spec: { policyTypes: ['Ingress'] } }), 'spec', 'policyTypes'), ['Ingress']);
  });

  it('treats a null patch as no change, and restores apiVersion/kind a patch removes', () => {
    assert.deepEqual(smp(deployment(), null), deployment());
    const out = smp(deployment(), { apiVersion: null, kind: null });
    assert.equal(out.apiVersion, 'apps/v1');
    assert.equal(out.kind, 'Deployment');
  });

  it('returns an object that shares nothing with the live one', () => {
    const current = deployment();
    const out = smp(current, appPatch({ image: 'nginx:1.28' }));
    (podSpec(out, 'containers', 1) as Record<string, unknown>).image = 'mutated';
    (out.metadata.labels as Record<string, string>).app = 'mutated';
    assert.deepEqual(current, deployment());
  });
});
