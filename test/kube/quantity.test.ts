import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  parseQuantityExact,
} from '../../src/kube/quantity.js';

describe('parseQuantity', () => {
  const table: [string | number, number][] = [
    ['100Mi', 100 * 2 ** 20],
    ['1Ki', 1024],
    ['1Gi', 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['500m', 0.5],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.', 1],
    ['250u', 0.00025],
    ['100n', 1e-7],
    ['1k', 1000],
    ['1M', 1e6],
    ['3G', 3e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['2E', 2e18],
    ['1e3', 1000],
    ['1E6', 1e6],
    ['5e-3', 0.005],
    ['1.5e+3', 1500],
    ['-1', -1],
    ['+5', 5],
    ['0', 0],
    ['0Mi', 0],
    ['007', 7],
    [1, 1],
    [0.25, 0.25],
    [1e3, 1000],
  ];
  for (const [input, want] of table)
    it(`parses ${JSON.stringify(input)} as ${want}`, () => {
      assert.equal(parseQuantity(input), want);
    });

  for (const bad of [
    '',
    '100MB',
    '1KiB',
    'abc',
    '1 Gi',
    'Mi',
    '1.2.3',
    '--1',
    '1e',
    '1K',
    '1ki',
    '1mi',
    ' 1',
    '.',
    '1e3Mi',
  ])
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.equal(parseQuantity(bad), undefined);
    });

  it('rejects non-finite numbers', () => {
    assert.equal(parseQuantity(Number.NaN), undefined);
    assert.equal(parseQuantity(Number.POSITIVE_INFINITY), undefined);
  });

  it('rounds sub-nano amounts up to 1n, as the API server does', () => {
    assert.equal(parseQuantityExact('0.1n')?.nanos, 1n);
    assert.equal(parseQuantityExact('1.0000000001')?.nanos, 1_000_000_001n);
  });

  it('keeps values beyond 2^53 exact in nano units', () => {
    assert.equal(parseQuantityExact('8Ei')?.nanos, 8n * 2n ** 60n * 1_000_000_000n);
  });
});

describe('canonicalQuantity (what kube-apiserver echoes back)', () => {
  const table: [string | number, string][] = [
    ['100Mi', '100Mi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2048', '2048'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['1000k', '1M'],
    ['0.1n', '1n'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['1.5e3', '1500'],
    ['-0.5', '-500m'],
    ['0Gi', '0'],
    [2, '2'],
    [0.25, '250m'],
  ];
  for (const [input, want] of table)
    it(`${JSON.stringify(input)} -> ${want}`, () => {
      assert.equal(canonicalQuantity(input), want);
    });

  it('is undefined for an invalid quantity', () => {
    assert.equal(canonicalQuantity('12 cores'), undefined);
  });
});

describe('formatQuantity', () => {
  it('formats numbers in the requested format', () => {
    assert.equal(formatQuantity(1.5), '1500m');
    assert.equal(formatQuantity(1000), '1k');
    assert.equal(formatQuantity(2 ** 30, 'BinarySI'), '1Gi');
    assert.equal(formatQuantity(100 * 2 ** 20, 'BinarySI'), '100Mi');
    assert.equal(formatQuantity(1000, 'DecimalExponent'), '1e3');
    assert.equal(formatQuantity(0), '0');
  });

  it('falls back to DecimalSI for binary values below 1Ki or with fractions', () => {
    assert.equal(formatQuantity(512, 'BinarySI'), '512');
    assert.equal(formatQuantity(1024.5, 'BinarySI'), '1024500m');
  });

  it('round-trips with parseQuantity', () => {
    for (const s of ['750m', '64Mi', '3Gi', '12k', '42'])
      assert.equal(formatQuantity(parseQuantity(s) ?? Number.NaN, parseQuantityExact(s)?.format), s);
  });
});

describe('compareQuantities', () => {
  it('compares across units and formats', () => {
    const q = (s: string) => parseQuantityExact(s) ?? assert.fail(s);
    assert.equal(compareQuantities(q('1Gi'), q('1024Mi')), 0);
    assert.equal(compareQuantities(q('200Mi'), q('100Mi')), 1);
    assert.equal(compareQuantities(q('500m'), q('1')), -1);
    assert.equal(compareQuantities(q('1G'), q('1Gi')), -1);
  });
});
