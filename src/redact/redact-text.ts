import { isCredentialName } from './credential-names.js';

export const REDACTED = '[REDACTED]';

export interface RedactOptions {
  /**
   * Exact values known to be secret (decoded Secret data, literal credential env values). They are masked wherever
   * they appear, which catches what no pattern can: a password echoed on its own in a log line.
   */
  readonly known?: readonly string[];
}

export interface Redacted<T> {
  readonly value: T;
  /** How many secrets were masked; callers report it (an LLM prompt that needed masking is worth knowing about). */
  readonly count: number;
}

// Values shorter than this are not masked by exact match: masking every "1" or "yes" in a log would destroy it.
export const MIN_KNOWN_LENGTH = 4;

interface Rule {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const AUTH_SCHEMES = /^(?:bearer|basic|token|digest|negotiate)$/i;

// Order matters: whole blocks and structured forms first, so the generic `key: value` rule sees their
// already-masked output and leaves it alone.
const RULES: readonly Rule[] = [
  {
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
  },
  {
    // https://user:pass@host — keep the user, it helps debugging and is not the secret.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+):([^\s@/]+)@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${REDACTED}@`,
  },
  {
    // A bare `Bearer x` anywhere; `Basic` only before something base64-looking, since "basic authentication" is prose.
    pattern: /\b(bearer\s+|basic\s+(?=[A-Za-z0-9+/]*[0-9+/=]))([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, scheme) => `${scheme}${REDACTED}`,
  },
  { pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, replace: () => REDACTED },
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: () => REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, replace: () => REDACTED },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, replace: () => REDACTED },
  { pattern: /\bsk-[A-Za-z0-9][A-Za-z0-9_-]{18,}/g, replace: () => REDACTED },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: () => REDACTED },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: () => REDACTED },
];

// `key: value`, `key=value`, `"key": "value"`, `--key=value`; the key decides, the value is whatever follows.
const KEY_VALUE = /(?<![\w.])(["']?)([A-Za-z_][\w.-]{0,63})\1[ \t]*[:=][ \t]*/g;
const UNQUOTED_END = /[\s"',;&<>(){}[\]]/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function maskKnown(text: string, known: readonly string[]): { text: string; count: number } {
  let count = 0;
  let out = text;
  // Longest first, so a value that contains a shorter known value is masked whole.
  const values = [...new Set(known)].filter((k) => k.length >= MIN_KNOWN_LENGTH).sort((a, b) => b.length - a.length);
  for (const value of values) {
    if (!out.includes(value)) continue;
    out = out.replace(new RegExp(escapeRegExp(value), 'g'), () => {
      count++;
      return REDACTED;
    });
  }
  return { text: out, count };
}

function maskKeyValues(text: string): { text: string; count: number } {
  let count = 0;
  let out = '';
  let cursor = 0;
  for (const m of text.matchAll(KEY_VALUE)) {
    const key = m[2] ?? '';
    const start = (m.index ?? 0) + m[0].length;
    if (start < cursor || !isCredentialName(key)) continue;
    let valueStart = start;
    let valueEnd: number;
    const quote = text[start];
    if (quote === '"' || quote === "'") {
      valueStart = start + 1;
      const close = text.indexOf(quote, valueStart);
      valueEnd = close === -1 ? text.length : close;
    } else {
      // `Authorization: Bearer xyz`: the scheme is not the secret, the word after it is.
      const firstWord = /^[A-Za-z]+ /.exec(text.slice(start));
      if (firstWord && AUTH_SCHEMES.test(firstWord[0].trim())) valueStart = start + firstWord[0].length;
      valueEnd = valueStart;
      while (valueEnd < text.length && !UNQUOTED_END.test(text[valueEnd] ?? '')) valueEnd++;
    }
    const value = text.slice(valueStart, valueEnd);
    if (value.length === 0 || value.startsWith(REDACTED) || /^\*+$/.test(value)) continue;
    out += text.slice(cursor, valueStart) + REDACTED;
    cursor = valueEnd;
    count++;
  }
  return { text: out + text.slice(cursor), count };
}

/** Masks tokens, keys and passwords in free text (log lines, event messages, URLs). Never throws. */
export function redactText(text: string, options: RedactOptions = {}): Redacted<string> {
  let { text: out, count } = maskKnown(text, options.known ?? []);
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // replace() passes the groups, then the offset (a number), then the input; unmatched groups are undefined.
      const groups = rest
        .slice(
          0,
          rest.findIndex((r) => typeof r === 'number'),
        )
        .map((g) => (typeof g === 'string' ? g : ''));
      const replaced = rule.replace(match, ...groups);
      if (replaced !== match) count++;
      return replaced;
    });
  }
  const kv = maskKeyValues(out);
  return { value: kv.text, count: count + kv.count };
}
