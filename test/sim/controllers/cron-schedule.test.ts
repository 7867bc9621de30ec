import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCronSchedule } from '../../../src/sim/controllers/cron-schedule.js';

function next(spec: string, after: string, tz?: string): string | undefined {
  const parsed = parseCronSchedule(spec, tz);
  assert.ok(parsed.ok, `${spec} should parse`);
  return parsed.schedule.next(new Date(after))?.toISOString();
}

describe('cron schedule parsing', () => {
  const cases: [spec: string, after: string, expected: string][] = [
    ['*/5 * * * *', '2025-03-10T10:02:30Z', '2025-03-10T10:05:00.000Z'],
    ['0 * * * *', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00.000Z'],
    ['30 2 * * 1-5', '2025-03-08T00:00:00Z', '2025-03-10T02:30:00.000Z'],
    ['0 0 1 jan *', '2025-03-10T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['0 12 * * MON,wed', '2025-03-11T13:00:00Z', '2025-03-12T12:00:00.000Z'],
    ['5-10/2 * * * *', '2025-03-10T10:07:00Z', '2025-03-10T10:09:00.000Z'],
    ['15/20 * * * *', '2025-03-10T10:36:00Z', '2025-03-10T10:55:00.000Z'],
    ['0 0 31 * *', '2025-04-01T00:00:00Z', '2025-05-31T00:00:00.000Z'],
    // Both day fields restricted: either matches (the 13th, or a Friday).
    ['0 0 13 * 5', '2025-03-10T00:00:00Z', '2025-03-13T00:00:00.000Z'],
    ['0 0 13 * 5', '2025-03-13T00:00:00Z', '2025-03-14T00:00:00.000Z'],
    // One restricted and one `*`: both must match.
    ['0 0 * * 0', '2025-03-10T00:00:00Z', '2025-03-16T00:00:00.000Z'],
    ['0 0 ? * 0', '2025-03-10T00:00:00Z', '2025-03-16T00:00:00.000Z'],
    ['@hourly', '2025-03-10T10:15:00Z', '2025-03-10T11:00:00.000Z'],
    ['@daily', '2025-03-10T10:15:00Z', '2025-03-11T00:00:00.000Z'],
    ['@midnight', '2025-03-10T10:15:00Z', '2025-03-11T00:00:00.000Z'],
    ['@weekly', '2025-03-10T10:15:00Z', '2025-03-16T00:00:00.000Z'],
    ['@monthly', '2025-03-10T10:15:00Z', '2025-04-01T00:00:00.000Z'],
    ['@yearly', '2025-03-10T10:15:00Z', '2026-01-01T00:00:00.000Z'],
    ['@annually', '2025-03-10T10:15:00Z', '2026-01-01T00:00:00.000Z'],
    ['@every 90s', '2025-03-10T10:15:00.400Z', '2025-03-10T10:16:30.000Z'],
    ['@every 1h30m', '2025-03-10T10:15:00Z', '2025-03-10T11:45:00.000Z'],
  ];
  for (const [spec, after, expected] of cases) {
    it(`"${spec}" after ${after} is ${expected}`, () => {
      assert.equal(next(spec, after), expected);
    });
  }

  it('honours a time zone, across a daylight saving change', () => {
    assert.equal(next('0 9 * * *', '2025-01-15T12:00:00Z', 'America/New_York'), '2025-01-15T14:00:00.000Z');
    assert.equal(next('0 9 * * *', '2025-07-15T12:00:00Z', 'America/New_York'), '2025-07-15T13:00:00.000Z');
  });

  it('has no next time for a date that never exists', () => {
    assert.equal(next('0 0 30 2 *', '2025-01-01T00:00:00Z'), undefined);
  });

  const errors: [spec: string, message: string][] = [
    ['', 'empty spec string'],
    ['bad', 'expected exactly 5 fields, found 1: [bad]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['0 0 * 13 *', 'end of range (13) above maximum (12): 13'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['0 0 * * FUNDAY', 'failed to parse int from FUNDAY: strconv.Atoi: parsing "FUNDAY": invalid syntax'],
    ['-5 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['@often', 'unrecognized descriptor: @often'],
    ['@every 5d', 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
  ];
  for (const [spec, message] of errors) {
    it(`refuses "${spec}" with "${message}"`, () => {
      const parsed = parseCronSchedule(spec);
      assert.deepEqual(parsed, { ok: false, message });
    });
  }
});
