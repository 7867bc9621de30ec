// Kubernetes resource quantities ("500m", "1.5Gi", "1e3"), parsed the way apimachinery's ParseQuantity does:
// exact arithmetic in nano units rounded up (a request for "0.1n" still gets 1n), the format remembered from
// the suffix, and the canonical string the API server echoes back ("1024Mi" -> "1Gi", "0.5" -> "500m").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9, rounded away from zero as kube-apiserver rounds. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** The decoder's error text for a string that is not a quantity (apimachinery's ErrFormatWrong). */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const NANO = 1_000_000_000n;
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
// Exponents beyond this would only build enormous BigInts; no real manifest gets near it.
const MAX_EXPONENT = 400;

const SHAPE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  const bin = BINARY_SUFFIXES[s];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  const dec = DECIMAL_SUFFIXES[s];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const exponent = Number.parseInt(s.slice(1), 10);
    if (Math.abs(exponent) <= MAX_EXPONENT) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Parses a quantity exactly; JSON numbers are accepted as the apiserver's decoder accepts them. */
export function parseQuantityExact(input: string | number): Quantity | undefined {
  if (typeof input === 'number' && !Number.isFinite(input)) return undefined;
  const text = typeof input === 'number' ? String(input) : input;
  if (text === '') return undefined;
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const [, sign = '', whole = '', frac, suffixText = ''] = m;
  // A lone sign parses as zero in apimachinery; anything else needs at least one digit.
  const hasDigits = whole !== '' || (frac ?? '') !== '';
  if (!hasDigits && text !== '+' && text !== '-') return undefined;
  const suffix = interpretSuffix(suffixText);
  if (!suffix) return undefined;
  const decimals = frac ?? '';
  const digits = BigInt(`${whole}${decimals}` || '0');
  let nanos: bigint;
  if (suffix.base === 10) {
    const shift = suffix.exponent - decimals.length + 9;
    nanos = shift >= 0 ? digits * 10n ** BigInt(shift) : ceilDiv(digits, 10n ** BigInt(-shift));
  } else {
    nanos = ceilDiv(digits * 2n ** BigInt(suffix.exponent) * NANO, 10n ** BigInt(decimals.length));
  }
  // Below 1Ki a binary quantity prints as a plain number, so the API server switches it to DecimalSI.
  const format = suffix.format === 'BinarySI' && nanos < 1024n * NANO ? 'DecimalSI' : suffix.format;
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

/**
 * The numeric value of a quantity (cores for CPU, bytes for memory), or undefined when absent or invalid. For
 * comparisons and arithmetic; what people read should quote the original string.
 */
export function parseQuantity(input: string | number | undefined): number | undefined {
  if (input === undefined) return undefined;
  const q = parseQuantityExact(input);
  return q === undefined ? undefined : Number(q.nanos) / 1e9;
}

function decimalParts(abs: bigint): { mantissa: bigint; exponent: number } {
  let mantissa = abs;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Exponents are kept at multiples of three so a suffix exists for them.
  const r = ((exponent % 3) + 3) % 3;
  return { mantissa: mantissa * 10n ** BigInt(r), exponent: exponent - r };
}

/** The canonical string kube-apiserver returns for a quantity value (Quantity.String()). */
export function formatQuantityExact(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let value = abs / NANO;
    let exponent = 0;
    while (exponent < 60 && value % 1024n === 0n) {
      value /= 1024n;
      exponent += 10;
    }
    return `${sign}${value}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
  }
  const { mantissa, exponent } = decimalParts(abs);
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = DECIMAL_BY_EXPONENT.get(exponent);
  return `${sign}${mantissa}${suffix ?? `e${exponent}`}`;
}

/** Formats a number (cores, bytes, ...) canonically in the given format. */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (!Number.isFinite(value)) return '0';
  const whole = Math.trunc(value);
  const nanos = BigInt(whole) * NANO + BigInt(Math.round((value - whole) * 1e9));
  return formatQuantityExact({ nanos, format });
}

/** The canonical form of a quantity string, or undefined when it does not parse. */
export function canonicalQuantity(input: string | number): string | undefined {
  const q = parseQuantityExact(input);
  return q === undefined ? undefined : formatQuantityExact(q);
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}
