import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { appPatch, at, deployment, patchFails, podSpec, smp, template } from './fixtures.js';

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
