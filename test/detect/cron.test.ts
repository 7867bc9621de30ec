import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCronSchedule } from '../../src/detect/cron.js';

function fields(s: string) {
  const r = parseCronSchedule(s);
  if (!r.ok || r.kind !== 'fields') assert.fail(`${s} should parse: ${JSON.stringify(r)}`);
  return r.fields;
}

function error(s: string): string {
  const r = parseCronSchedule(s);
  if (r.ok) assert.fail(`${s} should not parse`);
  assert.equal(r.code, 'InvalidSchedule');
  return r.message;
}

describe('parseCronSchedule', () => {
  it('expands steps, ranges, lists and names', () => {
    assert.deepEqual(fields('*/15 * * * *').minute, [0, 15, 30, 45]);
    assert.deepEqual(fields('0 9-17/4 * * *').hour, [9, 13, 17]);
    assert.deepEqual(fields('5,10-12 0 * * *').minute, [5, 10, 11, 12]);
    assert.deepEqual(fields('0 0 * JAN,jul mon-fri').month, [1, 7]);
    assert.deepEqual(fields('0 0 * JAN,jul mon-fri').dayOfWeek, [1, 2, 3, 4, 5]);
    assert.deepEqual(fields('30/10 * * * *').minute, [30, 40, 50]);
    assert.deepEqual(fields('0 0 ? * SUN').dayOfMonth.length, 31);
  });

  it('accepts the @-descriptors and @every', () => {
    assert.deepEqual(fields('@hourly').minute, [0]);
    assert.deepEqual(fields('@weekly').dayOfWeek, [0]);
    assert.deepEqual(fields('@yearly').month, [1]);
    assert.deepEqual(parseCronSchedule('@every 1h30m'), { ok: true, kind: 'every', everyMs: 90 * 60_000 });
    assert.deepEqual(
      parseCronSchedule('@every 10ms'),
      { ok: true, kind: 'every', everyMs: 1000 },
      'rounded up to a second',
    );
  });

  it('accepts what the real parser tolerates', () => {
    assert.deepEqual(fields('1,,2 * * * *').minute, [1, 2]);
    assert.deepEqual(fields('? * * * *').minute.length, 60);
    assert.deepEqual(fields('*/90 * * * *').minute, [0], 'a step wider than the range fires once');
  });

  it('rejects what the CronJob controller rejects, saying why', () => {
    assert.match(error('* * * *'), /expected exactly 5 fields, found 4/);
    assert.match(error('0 * * * * *'), /expected exactly 5 fields, found 6/);
    assert.match(error('60 * * * *'), /above maximum \(59\)/);
    assert.match(error('0 24 * * *'), /above maximum \(23\)/);
    assert.match(error('0 0 0 * *'), /below minimum \(1\)/);
    assert.match(error('0 0 * * 7'), /above maximum \(6\)/);
    assert.match(error('*/0 * * * *'), /positive number/);
    assert.match(error('10-5 * * * *'), /beyond end of range/);
    assert.match(error('0 0 * foo *'), /failed to parse int from foo/);
    assert.match(error('@fortnightly'), /unrecognized descriptor/);
    assert.match(error('TZ=Europe/Paris 0 0 * * *'), /timeZone/);
    assert.match(error('@Daily'), /unrecognized descriptor/);
    assert.match(error('@every soon'), /failed to parse duration/);
    assert.match(error('  '), /empty spec string/);
  });
});
