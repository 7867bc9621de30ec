import { isCredentialName } from './credential-names.js';
import { REDACTED, type Redacted, type RedactOptions, redactText } from './redact-text.js';

// kubectl stores the whole applied manifest here, Secret data and literal env values included.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

class Walker {
  count = 0;
  constructor(private readonly options: RedactOptions) {}

  text(s: string): string {
    const r = redactText(s, this.options);
    this.count += r.count;
    return r.value;
  }

  mask(): string {
    this.count++;
    return REDACTED;
  }

  value(v: unknown, key: string | undefined): unknown {
    if (typeof v === 'string')
      return key !== undefined && isCredentialName(key) && v.length > 0 ? this.mask() : this.text(v);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v))
      return key === 'env' ? v.map((item) => this.envVar(item)) : v.map((item) => this.value(item, undefined));
    if (isRecord(v)) return this.record(v);
    return v;
  }

  /** A pod env entry: the value is masked when the variable's name says it is a credential; valueFrom is a reference, kept. */
  envVar(item: unknown): unknown {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.value !== 'string')
      return this.value(item, undefined);
    if (!isCredentialName(item.name) || item.value.length === 0) return this.record(item);
    const { value: _literal, ...rest } = item;
    return { ...this.record(rest), value: this.mask() };
  }

  record(obj: Record<string, unknown>): Record<string, unknown> {
    const isSecret = obj.kind === 'Secret';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      if (isSecret && (k === 'data' || k === 'stringData') && isRecord(v)) {
        out[k] = Object.fromEntries(Object.keys(v).map((dataKey) => [dataKey, this.mask()]));
      } else if (k === 'annotations' && isRecord(v)) {
        out[k] = this.annotations(v);
      } else {
        out[k] = this.value(v, k);
      }
    }
    return out;
  }

  annotations(a: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) {
      if (k === LAST_APPLIED && typeof v === 'string') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(v);
        } catch {
          out[k] = this.text(v);
          continue;
        }
        out[k] = JSON.stringify(this.value(parsed, undefined));
      } else {
        out[k] = this.value(v, k);
      }
    }
    return out;
  }
}

/**
 * Returns a redacted plain-JSON copy of `obj` (Dates become ISO strings; the input is not modified): Secret
 * `data`/`stringData` values, literal env values and any string under a credential-like key are masked, and every
 * other string goes through `redactText`.
 */
export function redactObject(obj: unknown, options: RedactOptions = {}): Redacted<unknown> {
  const walker = new Walker(options);
  const value = walker.value(obj, undefined);
  return { value, count: walker.count };
}
