import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, deployment, patchFails, patchOk, podSpec } from './fixtures.js';

const jsonPatch = (ops: unknown) => ({ type: 'json' as const, current: deployment(), body: JSON.stringify(ops) });

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove, move, copy and a passing test in order', () => {
    const out = patchOk(
      jsonPatch([
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 5 },
        { op: 'add', path: '/metadata/labels/tier', value: 'frontend' },
        { op: 'remove', path: '/spec/template/spec/tolerations' },
        { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'C', value: '3' } },
        { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
        { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
      ]),
    );
    assert.equal(at(out, 'spec', 'replicas'), 5);
    assert.deepEqual(out.metadata.labels, { app: 'web', copied: 'web', moved: 'frontend' });
    assert.equal(podSpec(out, 'tolerations'), undefined);
    assert.deepEqual(podSpec(out, 'containers', 0, 'env', 2), { name: 'C', value: '3' });
  });

  it('escapes ~1 and ~0 in paths (annotation keys with slashes)', () => {
    const out = patchOk(jsonPatch([{ op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'x' }]));
    assert.equal(out.metadata.annotations?.['example.com/a~b'], 'x');
  });

  const failures: [string, unknown, string, RegExp][] = [
    [
      'a failing test',
      [{ op: 'test', path: '/spec/replicas', value: 3 }],
      'Invalid',
      /testing value \/spec\/replicas failed/,
    ],
    [
      'replace of a missing key',
      [{ op: 'replace', path: '/spec/nope', value: 1 }],
      'Invalid',
      /replace operation does not apply: doc is missing path: "\/spec\/nope"/,
    ],
    [
      'remove of a missing key',
      [{ op: 'remove', path: '/metadata/labels/nope' }],
      'Invalid',
      /remove operation does not apply/,
    ],
    [
      'add under a missing parent',
      [{ op: 'add', path: '/spec/a/b', value: 1 }],
      'Invalid',
      /add operation does not apply: doc is missing path: "\/spec\/a\/b"/,
    ],
    [
      'a move from a missing path',
      [{ op: 'move', from: '/nope', path: '/x' }],
      'Invalid',
      /doc is missing from path: "\/nope"/,
    ],
    [
      'an index past the end',
      [{ op: 'add', path: '/spec/template/spec/containers/9', value: {} }],
      'Invalid',
      /index out of bounds/,
    ],
    ['an unknown op', [{ op: 'frobnicate', path: '/spec' }], 'Invalid', /Unexpected kind: frobnicate/],
    ['a path without a leading slash', [{ op: 'add', path: 'spec', value: 1 }], 'Invalid', /malformed/],
    ['an add without a value', [{ op: 'add', path: '/spec/x' }], 'Invalid', /malformed/],
    ['a prototype path', [{ op: 'add', path: '/__proto__/polluted', value: 1 }], 'Invalid', /banned/],
    [
      'a constructor path',
      [{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }],
      'Invalid',
      /does not apply/,
    ],
    [
      'a body that is an object',
      { op: 'add' },
      'BadRequest',
      /cannot unmarshal object into Go value of type jsonpatch.Patch/,
    ],
    [
      'an operation that is not an object',
      [5],
      'BadRequest',
      /cannot unmarshal number into Go value of type jsonpatch.Operation/,
    ],
    [
      'replacing the whole object with a number',
      [{ op: 'replace', path: '', value: 5 }],
      'BadRequest',
      /cannot unmarshal number/,
    ],
    [
      'metadata made a string',
      [{ op: 'replace', path: '/metadata', value: 'x' }],
      'BadRequest',
      /Deployment.metadata of type v1.ObjectMeta/,
    ],
    [
      'finalizers made numbers',
      [{ op: 'add', path: '/metadata/finalizers/-', value: 3 }],
      'BadRequest',
      /metadata.finalizers of type string/,
    ],
  ];
  for (const [what, ops, code, message] of failures) {
    it(`refuses ${what} and leaves the live object alone`, () => {
      const args = jsonPatch(ops);
      const r = patchFails(args);
      assert.equal(r.code, code, r.message);
      assert.match(r.message, message);
      assert.deepEqual(args.current, deployment());
    });
  }

  it('cannot pollute prototypes through paths or keys', () => {
    patchFails(jsonPatch([{ op: 'add', path: '/__proto__/polluted', value: 1 }]));
    patchFails(jsonPatch([{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }]));
    const viaKey = patchFails({
      type: 'json',
      current: deployment(),
      body: '[{"op":"add","path":"/x","value":{"__proto__":{"polluted":1}}}]',
    });
    assert.equal(viaKey.code, 'BadRequest');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reports the failing operation path as the cause, so kubectl can print it', () => {
    const r = patchFails(jsonPatch([{ op: 'test', path: '/spec/replicas', value: 3 }]));
    assert.deepEqual(r.causes?.[0]?.field, '/spec/replicas');
  });

  it('refuses an unparseable body and more operations than the apiserver accepts', () => {
    const bad = patchFails({ type: 'json', current: deployment(), body: '[{"op":' });
    assert.equal(bad.code, 'BadRequest');
    const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
    const r = patchFails(jsonPatch(many));
    assert.equal(r.code, 'BadRequest');
    assert.match(r.message, /maximum operations in a JSON patch is 10000, got 10001/);
  });

  it('is all-or-nothing: a later failing operation discards earlier ones', () => {
    const args = jsonPatch([
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'test', path: '/kind', value: 'Pod' },
    ]);
    patchFails(args);
    assert.equal(at(args.current, 'spec', 'replicas'), 2);
  });

  it('returns a copy that shares nothing with the live object', () => {
    const args = jsonPatch([{ op: 'replace', path: '/spec/replicas', value: 3 }]);
    const out = patchOk(args);
    (podSpec(out, 'containers', 0) as Record<string, unknown>).image = 'mutated';
    assert.deepEqual(args.current, deployment());
  });
});
