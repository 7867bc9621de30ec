import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patchTypeFromContentType } from '../../../src/sim/patch/index.js';
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
