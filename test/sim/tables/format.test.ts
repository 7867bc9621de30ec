import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLabelSelector, selectorString } from '../../../src/sim/tables/format.js';
import { formatAge } from '../../../src/sim/tables/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ageOf = (seconds: number) => formatAge(new Date(NOW.getTime() - seconds * 1000).toISOString(), NOW);

describe('formatAge (HumanDuration)', () => {
  const m = 60;
  const h = 3600;
  const d = 24 * h;
  const table: [number, string][] = [
    [0, '0s'],
    [5, '5s'],
    [119, '119s'],
    [120, '2m'],
    [192, '3m12s'],
    [599, '9m59s'],
    [600, '10m'],
    [179 * m + 59, '179m'],
    [3 * h, '3h'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [775 * d, '2y45d'],
    [8 * 365 * d, '8y'],
    [-1, '0s'],
    [-1.5, '0s'],
    [-2, '<invalid>'],
  ];
  for (const [seconds, want] of table)
    it(`${seconds}s -> ${want}`, () => {
      assert.equal(ageOf(seconds), want);
    });

  it('is <unknown> without a usable timestamp', () => {
    assert.equal(formatAge(undefined, NOW), '<unknown>');
    assert.equal(formatAge('yesterday', NOW), '<unknown>');
  });
});

describe('label selector rendering', () => {
  it('sorts requirements by key and renders each operator', () => {
    const selector = {
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'gpu', operator: 'Exists' },
      ],
    };
    assert.equal(selectorString(selector), 'app=web,!canary,env in (dev,prod),gpu,tier=fe,zone notin (b)');
  });

  it('prints <none> for an empty selector and <error> for an unknown operator', () => {
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Like' }] }), '<error>');
  });
});
