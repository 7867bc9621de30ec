// CronJob schedules as Kubernetes reads them: robfig/cron v3's ParseStandard, which both kube-apiserver
// (validation) and the CronJob controller (scheduling) call. Five fields with lists, ranges, steps, month and
// weekday names and `?`; the @yearly/@monthly/@weekly/@daily/@hourly descriptors and `@every <duration>`; a
// leading `TZ=`/`CRON_TZ=` zone. Errors carry the library's exact texts, because they surface verbatim in
// 422 responses and in the controller's events, and a typo in a schedule is a classic "my CronJob never runs".
// Written here rather than taken from an npm cron package: those are other dialects (seconds fields, weekday
// 7, different error texts), and detection must agree with the cluster, not with some other cron.
// Time zones go through Intl; a wall time that a DST change repeats resolves to its earlier instant.

import { parseGoDuration } from './go-duration.js';

export interface CronSchedule {
  /** The first activation strictly after `after`, or undefined when none exists within five years. */
  next(after: Date): Date | undefined;
}

export type CronParse =
  | { readonly ok: true; readonly schedule: CronSchedule }
  | { readonly ok: false; readonly code: 'InvalidSchedule'; readonly message: string };

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

/** strings.Fields splits on unicode.IsSpace, which is not quite JavaScript's \s (no U+FEFF, plus U+0085). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** A field's allowed values, and whether a `*`/`?` (without a step above 1) produced it: day matching needs it. */
interface Field {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

interface Spec {
  readonly minute: Field;
  readonly hour: Field;
  readonly dom: Field;
  readonly month: Field;
  readonly dow: Field;
}

class ParseError extends Error {}

/** strconv.Quote, for the texts of strconv's errors: printable characters kept, the rest escaped. */
function strconvQuote(s: string): string {
  const named: Readonly<Record<string, string>> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (named[ch] !== undefined) out += named[ch];
    else if (ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch;
    else if (c < 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const INT64_MAX = (1n << 63n) - 1n;

/** mustParseInt: strconv.Atoi (64-bit) and then the library's refusal of negatives, with both error texts. */
function atoi(expr: string): bigint {
  const fail = (why: string): never => {
    throw new ParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${strconvQuote(expr)}: ${why}`);
  };
  const negative = expr.startsWith('-');
  const digits = expr.startsWith('-') || expr.startsWith('+') ? expr.slice(1) : expr;
  if (digits === '') fail('invalid syntax');
  let n = 0n;
  // ParseUint reports overflow as soon as it happens, before looking at the remaining characters.
  for (const ch of digits) {
    if (ch < '0' || ch > '9') fail('invalid syntax');
    n = n * 10n + BigInt(ch.charCodeAt(0) - 48);
    if (n > INT64_MAX + (negative ? 1n : 0n)) fail('value out of range');
  }
  if (negative && n !== 0n) throw new ParseError(`negative number (-${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, b: Bounds): bigint {
  const named = b.names?.[expr.toLowerCase()];
  return named !== undefined ? BigInt(named) : atoi(expr);
}

/** getRange: `*`, `?`, `n`, `n-m`, each optionally `/step`; "n/step" means "n-max/step". */
function parseRange(expr: string, b: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  let start: bigint;
  let end: bigint;
  let star = false;
  // As in the library, `*-5` is just `*`: after a star the rest of the range is not read.
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = BigInt(b.min);
    end = BigInt(b.max);
    star = true;
  } else {
    start = intOrName(lowAndHigh[0] ?? '', b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1] ?? '', b);
    else throw new ParseError(`too many hyphens: ${expr}`);
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1] ?? '');
    if (lowAndHigh.length === 1) end = BigInt(b.max);
    if (step > 1n) star = false;
  } else if (rangeAndStep.length > 2) throw new ParseError(`too many slashes: ${expr}`);
  if (start < b.min) throw new ParseError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ParseError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new ParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new ParseError(`step of range should be a positive number: ${expr}`);
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) values.add(Number(v));
  return { values, star };
}

/** getField: a comma-separated list of ranges; empty items are skipped (strings.FieldsFunc), not errors. */
function parseField(field: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    if (part === '') continue;
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

const DESCRIPTORS: Readonly<Record<string, Spec>> = {
  '@yearly': { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: all(DOW) },
  '@annually': { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: all(DOW) },
  '@monthly': { minute: only(0), hour: only(0), dom: only(1), month: all(MONTHS), dow: all(DOW) },
  '@weekly': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: only(0) },
  '@daily': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
  '@midnight': { minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
  '@hourly': { minute: only(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) },
};

/**
 * Parses a schedule; `timeZone` (a CronJob's spec.timeZone) acts as the controller's `TZ=<zone>` prefix would,
 * and a prefix in the schedule itself wins over it. Without either, wall times are UTC.
 */
export function parseCronSchedule(spec: string, timeZone?: string): CronParse {
  try {
    if (spec.length === 0) throw new ParseError('empty spec string');
    let zone = timeZone;
    let rest = spec;
    if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
      const space = rest.indexOf(' ');
      zone = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
      rest = space < 0 ? '' : rest.slice(space).trim();
    }
    if (zone !== undefined) {
      const err = loadLocationError(zone);
      if (err) throw new ParseError(`provided bad location ${zone}: ${err}`);
    }
    if (rest.startsWith('@')) return { ok: true, schedule: descriptor(rest, zone) };
    const fields = rest.split(GO_SPACE).filter((f) => f !== '');
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
    return { ok: true, schedule: specSchedule(parsed, zone) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, code: 'InvalidSchedule', message: err.message };
    throw err;
  }
}

function descriptor(text: string, zone: string | undefined): CronSchedule {
  const d = DESCRIPTORS[text];
  if (d) return specSchedule(d, zone);
  if (text.startsWith('@every ')) {
    const parsed = parseGoDuration(text.slice('@every '.length));
    if (!parsed.ok) throw new ParseError(`failed to parse duration ${text}: ${parsed.message}`);
    return everySchedule(parsed.ms);
  }
  throw new ParseError(`unrecognized descriptor: ${text}`);
}

/** Every(d): at least a second, truncated to whole seconds; each run is `d` after the whole second before. */
function everySchedule(ms: number): CronSchedule {
  const step = Math.max(1000, ms - (ms % 1000));
  return { next: (t) => new Date(t.getTime() - (((t.getTime() % 1000) + 1000) % 1000) + step) };
}

interface Wall {
  readonly y: number;
  readonly mo: number; // 1-12
  readonly d: number;
  readonly h: number;
  readonly mi: number;
}

function specSchedule(spec: Spec, timeZone: string | undefined): CronSchedule {
  const toWall = wallClock(timeZone);
  const fromWall = instantOf(timeZone);
  const dayMatches = (w: Wall): boolean => {
    const dow = new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
    const domOk = spec.dom.values.has(w.d);
    const dowOk = spec.dow.values.has(dow);
    // Both day fields restricted: either may match. One of them `*`: both must.
    return spec.dom.star || spec.dow.star ? domOk && dowOk : domOk || dowOk;
  };
  const minutes = [...spec.minute.values].sort((a, b) => a - b);
  return {
    next(t) {
      // Five-field schedules fire at second 0, so the search starts at the next whole minute.
      let cur = new Date(Math.floor(t.getTime() / 60_000) * 60_000 + 60_000);
      const limit = toWall(cur).y + 5;
      // Each jump lands on the next candidate wall time; across a DST fold that instant can lie behind us,
      // and then a minute forward still makes progress, so the year limit always ends the search.
      const jump = (to: Date): void => {
        cur = to.getTime() > cur.getTime() ? to : new Date(cur.getTime() + 60_000);
      };
      for (;;) {
        const w = toWall(cur);
        if (w.y > limit) return undefined;
        if (!spec.month.values.has(w.mo)) {
          jump(fromWall({ y: w.mo === 12 ? w.y + 1 : w.y, mo: w.mo === 12 ? 1 : w.mo + 1, d: 1, h: 0, mi: 0 }));
          continue;
        }
        if (!dayMatches(w)) {
          const next = new Date(Date.UTC(w.y, w.mo - 1, w.d + 1));
          jump(fromWall({ y: next.getUTCFullYear(), mo: next.getUTCMonth() + 1, d: next.getUTCDate(), h: 0, mi: 0 }));
          continue;
        }
        if (!spec.hour.values.has(w.h)) {
          jump(new Date(fromWall({ ...w, mi: 0 }).getTime() + 3_600_000));
          continue;
        }
        if (spec.minute.values.has(w.mi)) return cur;
        const later = minutes.find((m) => m > w.mi);
        jump(
          later === undefined
            ? new Date(fromWall({ ...w, mi: 0 }).getTime() + 3_600_000)
            : new Date(cur.getTime() + (later - w.mi) * 60_000),
        );
      }
    },
  };
}

function isUtc(timeZone: string | undefined): boolean {
  // time.LoadLocation("") is UTC; "Local" is the process's zone, which for cluster components is UTC.
  return timeZone === undefined || timeZone === '' || timeZone === 'UTC' || timeZone === 'Local';
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(timeZone: string | undefined): (d: Date) => Wall {
  if (isUtc(timeZone)) {
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
    if (isUtc(timeZone)) return new Date(guess);
    const seen = toWall(new Date(guess));
    const offset = Date.UTC(seen.y, seen.mo - 1, seen.d, seen.h, seen.mi) - guess;
    return new Date(guess - offset);
  };
}

/**
 * time.LoadLocation's error for a zone name, or undefined when it loads. Go reads zoneinfo files by exact name,
 * so a name that Intl only knows under other capitalisation ("europe/paris") fails, as it does in the cluster.
 */
export function loadLocationError(zone: string): string | undefined {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return undefined;
  if (zone.includes('..') || zone.startsWith('/') || zone.startsWith('\\')) return 'time: invalid location name';
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return `unknown time zone ${zone}`;
    return undefined;
  } catch {
    return `unknown time zone ${zone}`;
  }
}

/** Whether a CronJob's time zone can be loaded (what the controller checks before scheduling). */
export function knownTimeZone(zone: string): boolean {
  return loadLocationError(zone) === undefined;
}

/** kube-apiserver's checks of a CronJob's spec.timeZone (validateTimeZone), each cause's message. */
export function cronTimeZoneErrors(zone: string): string[] {
  if (zone === '') return ['timeZone must be nil or non-empty string'];
  const errors: string[] = [];
  if (zone.toLowerCase() === 'local')
    errors.push('timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
  const err = loadLocationError(zone);
  if (err) errors.push(err);
  return errors;
}
