// Go's time.Duration text, both ways: Kubernetes components parse durations with time.ParseDuration (a
// CronJob's `@every 1h30m`) and print them with Duration.String() (kubelet's "back-off 5m0s restarting ..."),
// and people and log scrapers match on those exact shapes and error texts.

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NS = 1n << 63n;
const UTF8 = new TextEncoder();

export type GoDurationParse =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly code: 'InvalidDuration'; readonly message: string };

/** The time package's quote(): ASCII kept, anything else as \x escapes of its UTF-8 bytes. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x80 || c < 0x20) {
      for (const b of UTF8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, with Go's error texts and int64 overflow checks. */
export function parseGoDuration(text: string): GoDurationParse {
  const invalid = (message: string): GoDurationParse => ({ ok: false, code: 'InvalidDuration', message });
  const quoted = timeQuote(text);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return invalid(`time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = num?.[1] ?? '';
    const frac = num?.[2];
    // "Consume [0-9]*" then "(\.[0-9]*)?": at least one digit on either side of the point.
    if (whole === '' && (frac ?? '') === '') return invalid(`time: invalid duration ${quoted}`);
    s = s.slice(num?.[0].length ?? 0);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return invalid(`time: missing unit in duration ${quoted}`);
    s = s.slice(unit.length);
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) return invalid(`time: unknown unit ${timeQuote(unit)} in duration ${quoted}`);
    let v = BigInt(whole || '0');
    if (v > MAX_NS / perUnit) return invalid(`time: invalid duration ${quoted}`);
    v *= perUnit;
    if (frac) {
      // Go scales the fraction in float64 and truncates; digits past ~19 no longer change the result.
      const digits = frac.slice(0, 19);
      v += BigInt(Math.trunc(Number(digits) * (Number(perUnit) / 10 ** digits.length)));
      if (v > MAX_NS) return invalid(`time: invalid duration ${quoted}`);
    }
    total += v;
    if (total > MAX_NS) return invalid(`time: invalid duration ${quoted}`);
  }
  if (!negative && total > MAX_NS - 1n) return invalid(`time: invalid duration ${quoted}`);
  const ms = Number(total) / 1e6;
  return { ok: true, ms: negative ? -ms : ms };
}

/** fmtFrac: the fraction of `v` below 10^prec, without trailing zeros (and without the point when it is 0). */
function fraction(v: bigint, prec: number): string {
  const digits = (v % 10n ** BigInt(prec)).toString().padStart(prec, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

/** Duration.String() of `ms` milliseconds (rounded to whole nanoseconds): "512ms", "1.2s", "1m20s", "5m0s". */
export function formatGoDuration(ms: number): string {
  const ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${u / 1_000n}${fraction(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${u / 1_000_000n}${fraction(u, 6)}ms`;
  const seconds = u / 1_000_000_000n;
  const secText = `${seconds % 60n}${fraction(u, 9)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secText}`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secText}`;
  return `${sign}${hours}h${minutes % 60n}m${secText}`;
}
