import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronTimeZoneErrors, knownTimeZone, loadLocationError, parseCronSchedule } from '../../src/kube/cron.js';

function next(spec: string, after: string, tz?: string): string | undefined {
  const parsed = parseCronSchedule(spec, tz);
  if (!parsed.ok) assert.fail(`${spec} should parse: ${parsed.message}`);
  return parsed.schedule.next(new Date(after))?.toISOString();
}

/** Every activation in [from, to), as ISO strings. */
function runs(spec: string, from: string, to: string, tz?: string): string[] {
  const parsed = parseCronSchedule(spec, tz);
  if (!parsed.ok) assert.fail(`${spec} should parse: ${parsed.message}`);
  const out: string[] = [];
  let t = parsed.schedule.next(new Date(Date.parse(from) - 1));
  while (t && t.getTime() < Date.parse(to)) {
    out.push(t.toISOString());
    t = parsed.schedule.next(t);
  }
  return out;
}

/** The minutes of one hour at which a schedule fires. */
function minutesOf(spec: string): number[] {
  return runs(spec, '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z').map((s) => new Date(s).getUTCMinutes());
}

function error(spec: string): string {
  const parsed = parseCronSchedule(spec);
  if (parsed.ok) assert.fail(`${spec} should not parse`);
  assert.equal(parsed.code, 'InvalidSchedule');
  return parsed.message;
}

describe('cron schedules: next activation', () => {
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
    // `*/2` is a restriction, not a star: the 13th or an even weekday.
    ['0 0 13 * */2', '2025-03-10T00:00:00Z', '2025-03-11T00:00:00.000Z'],
    ['@hourly', '2025-03-10T10:15:00Z', '2025-03-10T11:00:00.000Z'],
    ['@daily', '2025-03-10T10:15:00Z', '2025-03-11T00:00:00.000Z'],
    ['@midnight', '2025-03-10T10:15:00Z', '2025-03-11T00:00:00.000Z'],
    ['@weekly', '2025-03-10T10:15:00Z', '2025-03-16T00:00:00.000Z'],
    ['@monthly', '2025-03-10T10:15:00Z', '2025-04-01T00:00:00.000Z'],
    ['@yearly', '2025-03-10T10:15:00Z', '2026-01-01T00:00:00.000Z'],
    ['@annually', '2025-03-10T10:15:00Z', '2026-01-01T00:00:00.000Z'],
    ['@every 90s', '2025-03-10T10:15:00.400Z', '2025-03-10T10:16:30.000Z'],
    ['@every 1h30m', '2025-03-10T10:15:00Z', '2025-03-10T11:45:00.000Z'],
    // Under a second rounds up to one; fractions of a second are dropped.
    ['@every 10ms', '2025-03-10T10:15:00.400Z', '2025-03-10T10:15:01.000Z'],
    ['@every 2.5s', '2025-03-10T10:15:00Z', '2025-03-10T10:15:02.000Z'],
  ];
  for (const [spec, after, expected] of cases) {
    it(`"${spec}" after ${after} is ${expected}`, () => {
      assert.equal(next(spec, after), expected);
    });
  }

  it('expands steps, ranges, lists and names', () => {
    assert.deepEqual(minutesOf('*/15 * * * *'), [0, 15, 30, 45]);
    assert.deepEqual(minutesOf('5,10-12 * * * *'), [5, 10, 11, 12]);
    assert.deepEqual(minutesOf('30/10 * * * *'), [30, 40, 50]);
    assert.deepEqual(
      runs('0 9-17/4 * * *', '2025-03-10T00:00:00Z', '2025-03-11T00:00:00Z').map((s) => s.slice(11, 16)),
      ['09:00', '13:00', '17:00'],
    );
    assert.deepEqual(
      runs('0 0 * JAN,jul mon-fri', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z').map((s) => s.slice(5, 7)),
      [...Array(23).fill('01'), ...Array(23).fill('07')],
    );
  });

  it('accepts what the real parser tolerates', () => {
    assert.deepEqual(minutesOf('1,,2 * * * *'), [1, 2]);
    assert.equal(minutesOf('? * * * *').length, 60);
    assert.deepEqual(minutesOf('*/90 * * * *'), [0], 'a step wider than the range fires once');
    assert.equal(minutesOf('*-5 * * * *').length, 60, 'after a star the range is not read');
    assert.deepEqual(minutesOf('+5 * * * *'), [5]);
    assert.deepEqual(minutesOf('0 * * * *\t'), [0], 'any Go whitespace separates fields');
  });

  it('honours a time zone, across a daylight saving change', () => {
    assert.equal(next('0 9 * * *', '2025-01-15T12:00:00Z', 'America/New_York'), '2025-01-15T14:00:00.000Z');
    assert.equal(next('0 9 * * *', '2025-07-15T12:00:00Z', 'America/New_York'), '2025-07-15T13:00:00.000Z');
  });

  it('reads a TZ= or CRON_TZ= prefix, which wins over the timeZone argument', () => {
    assert.equal(next('TZ=Europe/Paris 0 0 * * *', '2025-03-10T12:00:00Z'), '2025-03-10T23:00:00.000Z');
    assert.equal(next('CRON_TZ=Asia/Tokyo 0 9 * * *', '2025-03-10T12:00:00Z', 'UTC'), '2025-03-11T00:00:00.000Z');
    assert.equal(next('TZ=UTC @daily', '2025-03-10T12:00:00Z', 'Asia/Tokyo'), '2025-03-11T00:00:00.000Z');
  });

  it('keeps running through the hour a DST change repeats', () => {
    // America/New_York falls back on 2025-11-02: 01:00-01:59 happens twice.
    assert.deepEqual(runs('30 1-2 * * *', '2025-11-02T04:00:00Z', '2025-11-02T08:00:00Z', 'America/New_York'), [
      '2025-11-02T05:30:00.000Z',
      '2025-11-02T06:30:00.000Z',
      '2025-11-02T07:30:00.000Z',
    ]);
    const parsed = parseCronSchedule('0 3 * * *', 'America/New_York');
    assert.ok(parsed.ok);
    assert.equal(parsed.schedule.next(new Date('2025-11-02T05:30:00Z'))?.toISOString(), '2025-11-02T08:00:00.000Z');
  });

  it('has no next time for a date that never exists', () => {
    assert.equal(next('0 0 30 2 *', '2025-01-01T00:00:00Z'), undefined);
    assert.equal(next(', * * * *', '2025-01-01T00:00:00Z'), undefined, 'an empty list parses and never fires');
  });
});

describe('cron schedules: the parser’s errors, word for word', () => {
  const errors: [spec: string, message: string][] = [
    ['', 'empty spec string'],
    ['  ', 'expected exactly 5 fields, found 0: []'],
    ['bad', 'expected exactly 5 fields, found 1: [bad]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    [' @daily', 'expected exactly 5 fields, found 1: [@daily]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['0 0 * 13 *', 'end of range (13) above maximum (12): 13'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['*/-12 * * * *', 'negative number (-12) not allowed: -12'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['0 0 * foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
    ['0 0 * * FUNDAY', 'failed to parse int from FUNDAY: strconv.Atoi: parsing "FUNDAY": invalid syntax'],
    ['-5 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    [
      '99999999999999999999 * * * *',
      'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range',
    ],
    ['9223372036854775807 * * * *', 'end of range (9223372036854775807) above maximum (59): 9223372036854775807'],
    ['@often', 'unrecognized descriptor: @often'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@Daily', 'unrecognized descriptor: @Daily'],
    ['@every', 'unrecognized descriptor: @every'],
    ['@every 5d', 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
    ['TZ=Mars/Olympus 0 0 * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
  ];
  for (const [spec, message] of errors) {
    it(`refuses ${JSON.stringify(spec)} with "${message}"`, () => {
      assert.equal(error(spec), message);
    });
  }

  it('refuses an unknown timeZone argument as the controller’s TZ= prefix would be refused', () => {
    assert.deepEqual(parseCronSchedule('0 0 * * *', 'Nowhere/Town'), {
      ok: false,
      code: 'InvalidSchedule',
      message: 'provided bad location Nowhere/Town: unknown time zone Nowhere/Town',
    });
  });
});

describe('time zones', () => {
  it('loads what time.LoadLocation loads', () => {
    for (const zone of ['', 'UTC', 'Local', 'Europe/Berlin', 'America/New_York', 'US/Eastern', 'Etc/UTC'])
      assert.equal(loadLocationError(zone), undefined, zone);
    assert.equal(knownTimeZone('Asia/Tokyo'), true);
  });

  it('refuses unknown, wrongly capitalised and path-like names', () => {
    assert.equal(loadLocationError('Mars/Olympus'), 'unknown time zone Mars/Olympus');
    assert.equal(loadLocationError('europe/paris'), 'unknown time zone europe/paris');
    assert.equal(loadLocationError('../etc/passwd'), 'time: invalid location name');
    assert.equal(knownTimeZone('utc'), false);
  });

  it('validates spec.timeZone as kube-apiserver does', () => {
    assert.deepEqual(cronTimeZoneErrors('Europe/Berlin'), []);
    assert.deepEqual(cronTimeZoneErrors(''), ['timeZone must be nil or non-empty string']);
    assert.deepEqual(cronTimeZoneErrors('Local'), [
      'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    ]);
    assert.deepEqual(cronTimeZoneErrors('local'), [
      'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      'unknown time zone local',
    ]);
    assert.deepEqual(cronTimeZoneErrors('Mars/Olympus'), ['unknown time zone Mars/Olympus']);
  });
});
