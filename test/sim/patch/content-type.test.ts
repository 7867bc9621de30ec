import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlBody, patchTypeFromContentType } from '../../../src/sim/patch/index.js';
import { patchFails } from './fixtures.js';

describe('patch content types', () => {
  it('maps the four PATCH media types, ignoring parameters and case', () => {
    assert.equal(patchTypeFromContentType('application/json-patch+json'), 'json');
    assert.equal(patchTypeFromContentType('application/merge-patch+json; charset=utf-8'), 'merge');
    assert.equal(patchTypeFromContentType('Application/Strategic-Merge-Patch+JSON'), 'strategic');
    assert.equal(patchTypeFromContentType('application/apply-patch+yaml'), 'apply');
  });

  it('recognises nothing else', () => {
    for (const ct of [
      undefined,
      '',
      'application/json',
      'application/apply-patch+cbor',
      'application/vnd.kubernetes.protobuf',
      'text/plain',
      'constructor',
    ]) {
      assert.equal(patchTypeFromContentType(ct), undefined, String(ct));
    }
  });

  it('refuses non-apply patches without a live object', () => {
    const r = patchFails({ type: 'merge', current: undefined, body: '{}' });
    assert.equal(r.code, 'BadRequest');
  });
});

describe('parseYamlBody', () => {
  it('parses YAML and JSON bodies', () => {
    assert.deepEqual(parseYamlBody('a: 1\nb: [x, "y"]\n'), { ok: true, value: { a: 1, b: ['x', 'y'] } });
    assert.deepEqual(parseYamlBody('{"a":null}'), { ok: true, value: { a: null } });
  });

  it('turns bad and hostile bodies into BadRequest results instead of crashing the process', () => {
    for (const body of ['a: [', `${'['.repeat(6000)}`, `${'- '.repeat(6000)}x`, 'a: 1\na: 2', 'x: .inf']) {
      const r = parseYamlBody(body);
      assert.equal(r.ok, false, body.slice(0, 20));
      if (!r.ok) assert.match(r.message, /^error decoding YAML: /);
    }
  });
});
