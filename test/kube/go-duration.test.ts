import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from '../../src/kube/go-duration.js';

describe('Go duration formatting', () => {
  it('prints durations as kubelet messages show them', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [512, '512ms'],
      [1_200, '1.2s'],
      [11_624, '11.624s'],
      [40_000, '40s'],
      [80_000, '1m20s'],
      [300_000, '5m0s'],
      [7_200_000, '2h0m0s'],
      [0.5, '500µs'],
      [0.0015, '1.5µs'],
      [0.0005, '500ns'],
      [1.25, '1.25ms'],
      [-90_000, '-1m30s'],
      [(25 * 3600 + 61) * 1000 + 0.001, '25h1m1.000001s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, `${ms}ms`);
  });
});

describe('Go duration parsing', () => {
  it('reads every unit, fractions, signs and sums', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['-0', 0],
      ['1h30m', 5_400_000],
      ['1.5h', 5_400_000],
      ['90s', 90_000],
      ['500ms', 500],
      ['.5s', 500],
      ['1.s', 1000],
      ['2us', 0.002],
      ['2µs', 0.002],
      ['3ns', 0.000003],
      ['-1m', -60_000],
      ['+2m3s', 123_000],
      ['1m1m', 120_000],
    ];
    for (const [text, ms] of cases) assert.deepEqual(parseGoDuration(text), { ok: true, ms }, text);
  });

  it('refuses what time.ParseDuration refuses, in its words', () => {
    const cases: [string, string][] = [
      ['', 'time: invalid duration ""'],
      ['-', 'time: invalid duration "-"'],
      ['soon', 'time: invalid duration "soon"'],
      ['.s', 'time: invalid duration ".s"'],
      ['5', 'time: missing unit in duration "5"'],
      ['1h5', 'time: missing unit in duration "1h5"'],
      ['5d', 'time: unknown unit "d" in duration "5d"'],
      ['5 m', 'time: unknown unit " m" in duration "5 m"'],
      ['5秒', 'time: unknown unit "\\xe7\\xa7\\x92" in duration "5\\xe7\\xa7\\x92"'],
      ['9999999999h', 'time: invalid duration "9999999999h"'],
      ['2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"'],
    ];
    for (const [text, message] of cases)
      assert.deepEqual(parseGoDuration(text), { ok: false, code: 'InvalidDuration', message }, text);
  });

  it('takes the most negative duration, which has no positive twin', () => {
    assert.deepEqual(parseGoDuration('-2562047h47m16.854775808s'), { ok: true, ms: -Number(2n ** 63n) / 1e6 });
  });
});
