// Cron schedules as the CronJob controller reads them (robfig/cron v3's ParseStandard): five fields with
// ranges, steps, lists, month and weekday names, `?`, the @yearly/@monthly/@weekly/@daily/@hourly
// descriptors and `@every <duration>`, with the library's exact error texts (they end up in events), and
// its Next() search. An optional IANA time zone (spec.timeZone) is honoured through Intl.

export interface CronSchedule {
  /** The first activation strictly after `t`, or undefined when none exists within five years. */
  next(t: Date): Date | undefined;
}

export type CronParse =
  | { readonly ok: true; readonly schedule: CronSchedule }
  | { readonly ok: false; readonly message: string };

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field: the allowed values, and whether it was a plain `*`/`?` (which matters for day matching). */
interface Field {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

class ParseError extends Error {}

/** strconv.Atoi's error texts. */
function atoi(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr))
    throw new ParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63 - 1)
    throw new ParseError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`,
    );
  if (n < 0) throw new ParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function intOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? atoi(expr);
}

function parseRange(expr: string, b: Bounds): { values: number[]; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0]!, b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1]!, b);
    else throw new ParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new ParseError(`too many slashes: ${expr}`);
  if (start < b.min) throw new ParseError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ParseError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new ParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ParseError(`step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star };
}

function parseField(field: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',').filter((p) => p !== '')) {
    const r = parseRange(part, b);
    for (const v of r.values) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

function all(b: Bounds): Field {
  const values = new Set<number>();
  for (let v = b.min; v <= b.max; v++) values.add(v);
  return { values, star: true };
}

function only(v: number): Field {
  return { values: new Set([v]), star: false };
}

interface Spec {
  readonly minute: Field;
  readonly hour: Field;
  readonly dom: Field;
  readonly month: Field;
  readonly dow: Field;
}

const DESCRIPTORS: Readonly<Record<string, Spec>> = {
  '@yearly': { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: all(DOW) },
  '@annually': { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: all(DOW) },
  '@monthly': { minute: only(0), hour: only(0), dom: only(1), month: all(MONTHS), dow: all(DOW) },
  '@weekly': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: only(0) },
  '@daily': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
  '@midnight': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
  '@hourly': { minute: only(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
};

export function parseCronSchedule(spec: string, timeZone?: string): CronParse {
  try {
    if (spec.length === 0) throw new ParseError('empty spec string');
    if (spec.startsWith('@')) {
      const d = DESCRIPTORS[spec];
      if (d) return { ok: true, schedule: specSchedule(d, timeZone) };
      if (spec.startsWith('@every ')) {
        const ms = parseGoDuration(spec.slice('@every '.length), spec);
        return { ok: true, schedule: everySchedule(ms) };
      }
      throw new ParseError(`unrecognized descriptor: ${spec}`);
    }
    const fields = spec.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5)
      throw new ParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
    const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
    const parsed: Spec = {
      minute: parseField(mi, MINUTES),
      hour: parseField(h, HOURS),
      dom: parseField(dom, DOM),
      month: parseField(mo, MONTHS),
      dow: parseField(dow, DOW),
    };
    return { ok: true, schedule: specSchedule(parsed, timeZone) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, message: err.message };
    throw err;
  }
}

/** Every(d): fixed intervals, at least one second, aligned to whole seconds. */
function everySchedule(ms: number): CronSchedule {
  const step = Math.max(1000, ms - (ms % 1000));
  return { next: (t) => new Date(t.getTime() - (t.getTime() % 1000) + step) };
}

const UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** time.ParseDuration, returning milliseconds; errors read like Go's, wrapped as the cron library does. */
function parseGoDuration(text: string, descriptor: string): number {
  const fail = (why: string): never => {
    throw new ParseError(`failed to parse duration ${descriptor}: ${why}`);
  };
  const quoted = goQuote(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') fail(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    if (!num || (num[1] === '' && (num[2] ?? '') === '')) fail(`time: invalid duration ${quoted}`);
    s = s.slice(num![0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) fail(`time: missing unit in duration ${quoted}`);
    const factor = UNITS[unit!];
    if (factor === undefined) fail(`time: unknown unit ${goQuote(unit!)} in duration ${quoted}`);
    s = s.slice(unit!.length);
    total += Number(`${num![1] || '0'}.${num![2] || '0'}`) * factor!;
  }
  return sign * total;
}

interface Wall {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
}

function specSchedule(spec: Spec, timeZone?: string): CronSchedule {
  const toWall = wallClock(timeZone);
  const fromWall = instantOf(timeZone);
  const dayMatches = (w: Wall): boolean => {
    const dow = new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
    const domOk = spec.dom.values.has(w.d);
    const dowOk = spec.dow.values.has(dow);
    // Either a restricted day-of-month or a restricted day-of-week may match, unless one is `*`.
    return spec.dom.star || spec.dow.star ? domOk && dowOk : domOk || dowOk;
  };
  return {
    next(t) {
      // Start at the next whole minute (seconds are always 0 in five-field schedules).
      let cur = new Date(Math.floor(t.getTime() / 60_000) * 60_000 + 60_000);
      const limit = toWall(cur).y + 5;
      for (let guard = 0; guard < 100_000; guard++) {
        const w = toWall(cur);
        if (w.y > limit) return undefined;
        if (!spec.month.values.has(w.mo)) {
          cur = fromWall({ y: w.mo === 12 ? w.y + 1 : w.y, mo: w.mo === 12 ? 1 : w.mo + 1, d: 1, h: 0, mi: 0 });
          continue;
        }
        if (!dayMatches(w)) {
          const next = new Date(Date.UTC(w.y, w.mo - 1, w.d + 1));
          cur = fromWall({ y: next.getUTCFullYear(), mo: next.getUTCMonth() + 1, d: next.getUTCDate(), h: 0, mi: 0 });
          continue;
        }
        if (!spec.hour.values.has(w.h)) {
          cur = new Date(fromWall({ ...w, mi: 0 }).getTime() + 3_600_000);
          continue;
        }
        if (!spec.minute.values.has(w.mi)) {
          cur = new Date(cur.getTime() + 60_000);
          continue;
        }
        return cur;
      }
      return undefined;
    },
  };
}

/** Wall-clock fields of an instant in a zone (UTC when none). */
function wallClock(timeZone: string | undefined): (d: Date) => Wall {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    return (d) => ({
      y: d.getUTCFullYear(),
      mo: d.getUTCMonth() + 1,
      d: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
    });
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (d) => {
    const parts = Object.fromEntries(fmt.formatToParts(d).map((p) => [p.type, p.value]));
    return {
      y: Number(parts.year),
      mo: Number(parts.month),
      d: Number(parts.day),
      h: Number(parts.hour) % 24,
      mi: Number(parts.minute),
    };
  };
}

/** The instant of a wall-clock time in a zone (the earlier one across a DST fold). */
function instantOf(timeZone: string | undefined): (w: Wall) => Date {
  const toWall = wallClock(timeZone);
  return (w) => {
    const guess = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    if (!timeZone) return new Date(guess);
    const seen = toWall(new Date(guess));
    const offset = Date.UTC(seen.y, seen.mo - 1, seen.d, seen.h, seen.mi) - guess;
    return new Date(guess - offset);
  };
}

/** Whether `tz` names a zone the runtime knows (time.LoadLocation's check). */
export function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
