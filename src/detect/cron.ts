// A validator for CronJob schedules with the semantics of the parser Kubernetes uses (robfig/cron v3,
// ParseStandard): five fields, lists, ranges, steps, month and weekday names, `?` (any field, like `*`), and
// the @-descriptors.
// Written here rather than pulled in as a dependency: it is small, and detection must agree with the
// controller, not with some other cron dialect (no seconds field, weekday 7 is out of range).

export interface CronFields {
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: readonly number[];
  readonly month: readonly number[];
  readonly dayOfWeek: readonly number[];
}

export type CronParse =
  | { readonly ok: true; readonly kind: 'fields'; readonly fields: CronFields }
  | { readonly ok: true; readonly kind: 'every'; readonly everyMs: number }
  | { readonly ok: false; readonly code: 'InvalidSchedule'; readonly message: string };

interface Bounds {
  readonly name: keyof CronFields;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly Bounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'dayOfMonth', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'dayOfWeek', min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class CronError extends Error {}

function value(text: string, b: Bounds): number {
  const named = b.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronError(`failed to parse int from ${text}`);
  return Number(text);
}

function parseItem(item: string, b: Bounds, out: Set<number>): void {
  const [rangePart = '', stepPart, extra] = item.split('/');
  if (extra !== undefined) throw new CronError(`too many slashes: ${item}`);
  let start: number;
  let end: number;
  if (rangePart === '*' || rangePart === '?') {
    start = b.min;
    end = b.max;
  } else {
    const [lo = '', hi, more] = rangePart.split('-');
    if (more !== undefined) throw new CronError(`too many hyphens: ${item}`);
    start = value(lo, b);
    // `5/15` means "from 5 to the end, every 15".
    end = hi !== undefined ? value(hi, b) : stepPart !== undefined ? b.max : start;
  }
  let step = 1;
  if (stepPart !== undefined) {
    if (!/^\d+$/.test(stepPart)) throw new CronError(`failed to parse int from ${stepPart}`);
    step = Number(stepPart);
    if (step <= 0) throw new CronError(`step of range should be a positive number: ${item}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${item}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${item}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${item}`);
  for (let v = start; v <= end; v += step) out.add(v);
}

function parseField(text: string, b: Bounds): number[] {
  const out = new Set<number>();
  // Like strings.FieldsFunc in the real parser: empty list items are skipped, not errors.
  for (const item of text.split(',')) if (item !== '') parseItem(item, b, out);
  return [...out].sort((x, y) => x - y);
}

// Go's time.ParseDuration syntax, for `@every 1h30m` (the real parser rounds anything under a second up to one).
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function parseGoDuration(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 0);
  return Math.max(total, 1000);
}

export function parseCronSchedule(schedule: string): CronParse {
  const spec = schedule.trim();
  try {
    if (spec === '') throw new CronError('empty spec string');
    // The cron library would accept a TZ= prefix; Kubernetes validation rejects it in favour of spec.timeZone.
    if (/^(?:CRON_)?TZ=/.test(spec)) {
      throw new CronError('TZ and CRON_TZ are not supported in the schedule; set spec.timeZone instead');
    }
    if (spec.startsWith('@every ')) {
      const ms = parseGoDuration(spec.slice('@every '.length).trim());
      if (ms === undefined) throw new CronError(`failed to parse duration ${spec}`);
      return { ok: true, kind: 'every', everyMs: ms };
    }
    // Descriptors are matched exactly, as the real parser does: `@Daily` is not one.
    const expanded = spec.startsWith('@') ? DESCRIPTORS[spec] : spec;
    if (expanded === undefined) throw new CronError(`unrecognized descriptor: ${spec}`);
    const parts = expanded.split(/\s+/).filter((p) => p.length > 0);
    if (parts.length !== FIELDS.length) {
      throw new CronError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
    }
    const fields = Object.fromEntries(
      FIELDS.map((b, i) => [b.name, parseField(parts[i] ?? '', b)]),
    ) as unknown as CronFields;
    return { ok: true, kind: 'fields', fields };
  } catch (err) {
    if (err instanceof CronError) return { ok: false, code: 'InvalidSchedule', message: err.message };
    throw err;
  }
}
