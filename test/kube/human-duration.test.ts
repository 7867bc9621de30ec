import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration } from '../../src/kube/human-duration.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

describe('humanDuration', () => {
  it('formats ages like kubectl', () => {
    const cases: [number, string][] = [
      [45 * SEC, '45s'],
      [119 * SEC, '119s'],
      [3 * MIN + 12 * SEC, '3m12s'],
      [5 * MIN, '5m'],
      [17 * MIN, '17m'],
      [5 * HOUR + 3 * MIN, '5h3m'],
      [30 * HOUR, '30h'],
      [52 * HOUR, '2d4h'],
      [400 * 24 * HOUR, '400d'],
      [(3 * 365 + 20) * 24 * HOUR, '3y20d'],
      [-5 * SEC, '<invalid>'],
    ];
    for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, text);
  });

  it('tolerates up to a second of clock skew, truncating as Go does', () => {
    assert.equal(humanDuration(-999), '0s');
    assert.equal(humanDuration(-1500), '0s');
    assert.equal(humanDuration(-2000), '<invalid>');
  });
});
