import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { at, deployment, keys, patchFails, patchOk, podSpec } from './fixtures.js';

const merge = (patch: unknown, current: KubeObject = deployment()) =>
  patchOk({ type: 'merge', current, body: JSON.stringify(patch) });

describe('JSON merge patch (RFC 7386)', () => {
  it('null deletes a key; objects merge; scalars replace', () => {
    const out = merge({ metadata: { labels: { app: null, tier: 'web' } }, spec: { replicas: 4, strategy: null } });
    assert.deepEqual(out.metadata.labels, { tier: 'web' });
    assert.equal(at(out, 'spec', 'replicas'), 4);
    assert.equal(at(out, 'spec', 'strategy'), undefined);
    assert.deepEqual(at(out, 'spec', 'selector'), { matchLabels: { app: 'web' } });
  });

  it('replaces arrays whole, unlike strategic merge patch', () => {
    const out = merge({ spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } } });
    assert.deepEqual(keys(podSpec(out, 'containers')), ['only']);
    assert.deepEqual(podSpec(out, 'containers', 0), { name: 'only', image: 'x' });
  });

  it('drops nulls inside a subtree that did not exist', () => {
    const out = merge({ spec: { extra: { a: 1, b: null, c: { d: null } } } });
    assert.deepEqual(at(out, 'spec', 'extra'), { a: 1, c: {} });
  });

  it('replaces a scalar with an object and merges into it', () => {
    const out = merge({ spec: { replicas: { weird: true } } });
    assert.deepEqual(at(out, 'spec', 'replicas'), { weird: true });
  });

  it('patches a Scale the way kubectl scale does', () => {
    const scale: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=web' },
    };
    const out = merge({ spec: { replicas: 4 } }, scale);
    assert.deepEqual(out.spec, { replicas: 4 });
    assert.deepEqual(out.status, { replicas: 2, selector: 'app=web' });
  });

  it('keeps directive-looking keys as plain data (merge patch has no directives)', () => {
    const out = merge({ spec: { template: { spec: { $patch: 'replace' } } } });
    assert.equal(podSpec(out, '$patch'), 'replace');
    assert.deepEqual(keys(podSpec(out, 'containers')), ['app', 'sidecar']);
  });

  for (const [what, body, message] of [
    ['a null patch', 'null', /Invalid JSON Patch/],
    ['a list', '[{"spec":{}}]', /cannot unmarshal array into Go value of type map/],
    ['a string', '"x"', /cannot unmarshal string/],
    ['broken JSON', '{"spec":', /^error decoding patch/],
    ['spec made a list', '{"spec":[1]}', /Deployment.spec of type struct/],
  ] as const) {
    it(`refuses ${what} with a BadRequest`, () => {
      const current = deployment();
      const r = patchFails({ type: 'merge', current, body });
      assert.equal(r.code, 'BadRequest');
      assert.match(r.message, message);
      assert.deepEqual(current, deployment());
    });
  }

  it('does not touch or share structure with the live object', () => {
    const current = deployment();
    const out = merge({ metadata: { annotations: { a: 'b' } } }, current);
    (out.metadata.labels as Record<string, string>).app = 'mutated';
    (podSpec(out, 'containers', 0, 'env') as unknown[]).pop();
    assert.deepEqual(current, deployment());
  });
});
