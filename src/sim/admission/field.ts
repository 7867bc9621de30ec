// Field errors as apimachinery's field.Error renders them: the cause `message` is ErrorBody() ("Invalid
// value: \"Web\": a lowercase RFC 1123 ..."), with the bad value printed the way Go's fmt prints it, because
// users paste these messages into searches and our diagnosis rules match on them.

export type FieldReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong';

/** One metav1.StatusCause of a 422 Invalid. */
export interface FieldCause {
  readonly reason: FieldReason;
  readonly message: string;
  readonly field: string;
}

/** A value already rendered in Go syntax (maps, slices, structs), printed as-is. */
export interface GoLiteral {
  readonly go: string;
}

export type GoValue = string | number | boolean | null | GoLiteral;

/** Go's %q for a string. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

function render(v: GoValue): string {
  // field.Error turns a nil value into the string "null" before quoting it.
  if (v === null) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v.go;
}

function withDetail(head: string, detail: string): string {
  return detail === '' ? head : `${head}: ${detail}`;
}

export function required(field: string, detail = ''): FieldCause {
  return { reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: GoValue, detail: string): FieldCause {
  return { reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${render(value)}`, detail) };
}

export function duplicate(field: string, value: GoValue): FieldCause {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${render(value)}` };
}

export function notSupported(field: string, value: GoValue, supported: readonly string[]): FieldCause {
  const detail = supported.length === 0 ? '' : `supported values: ${supported.map(goQuote).join(', ')}`;
  return {
    reason: 'FieldValueNotSupported',
    field,
    message: withDetail(`Unsupported value: ${render(value)}`, detail),
  };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function notFound(field: string, value: GoValue): FieldCause {
  return { reason: 'FieldValueNotFound', field, message: `Not found: ${render(value)}` };
}

export function tooLong(field: string, maxBytes: number): FieldCause {
  return { reason: 'FieldValueTooLong', field, message: `Too long: must have at most ${maxBytes} bytes` };
}

/** The message shared by every ValidateImmutableField failure. */
export const IMMUTABLE = 'field is immutable';

/** map[string]string as %#v prints it: keys sorted, nil when absent. */
export function goStringMap(m: Readonly<Record<string, string>> | undefined): GoLiteral {
  if (m === undefined) return { go: 'map[string]string(nil)' };
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`)
    .join(', ');
  return { go: `map[string]string{${body}}` };
}

/** []string as %#v prints it. */
export function goStringSlice(list: readonly string[] | undefined): GoLiteral {
  return { go: list === undefined ? '[]string(nil)' : `[]string{${list.map(goQuote).join(', ')}}` };
}

/** Field path helpers mirroring field.Path: child `a.b`, index `a[0]`, key `a[k]` (keys are not quoted). */
export function child(base: string, ...names: string[]): string {
  return [base, ...names].filter((s) => s !== '').join('.');
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
