// What a tool result looks like to a model: tables and trimmed YAML, never raw list JSON, and never more than
// a fixed budget — a result that would not fit says so and says how to narrow the question instead.

import { stringify, parse as yamlParse } from 'yaml';
import { redactObject, redactText } from '../redact/index.js';

/** ~2k tokens at the usual 4 characters per token. */
export const DEFAULT_MAX_CHARS = 8_000;

export interface Capped {
  readonly content: string;
  readonly truncated: boolean;
}

export interface CapOptions {
  readonly maxChars?: number;
  /** Which end matters: a table's head, a log's tail. */
  readonly keep?: 'head' | 'tail';
  /** How to ask for less, e.g. "add -n NAMESPACE or a label selector". */
  readonly narrow?: string;
}

/** Cuts at a line boundary and appends a note naming what was cut and how to narrow the query. */
export function capText(text: string, options: CapOptions = {}): Capped {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (text.length <= max) return { content: text, truncated: false };
  const lines = text.split('\n');
  const kept: string[] = [];
  let size = 0;
  const ordered = options.keep === 'tail' ? [...lines].reverse() : lines;
  for (const line of ordered) {
    if (size + line.length + 1 > max) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (options.keep === 'tail') kept.reverse();
  const omitted = lines.length - kept.length;
  const where = options.keep === 'tail' ? 'earlier' : 'more';
  const note = `[truncated: ${omitted} ${where} lines (~${Math.ceil(text.length / 4)} tokens in all) not shown${options.narrow ? `; narrow the query: ${options.narrow}` : ''}]`;
  const body = kept.join('\n');
  return { content: options.keep === 'tail' ? `${note}\n${body}` : `${body}\n${note}`, truncated: true };
}

/** Aligned columns, like kubectl's default printer. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const NOISY_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision-history',
  'control-plane.alpha.kubernetes.io/leader',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmpty);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    const y = dropEmpty(x);
    if (isRecord(y) && Object.keys(y).length === 0) continue;
    out[k] = y;
  }
  return out;
}

/**
 * An object as a person reads it: no managedFields, no last-applied copy of itself, no empty fields, Secret
 * values blanked and credentials redacted.
 */
export function trimObject(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  const out: Record<string, unknown> = { ...obj };
  if (isRecord(obj.metadata)) {
    const { managedFields: _m, selfLink: _s, ...metadata } = obj.metadata;
    if (isRecord(metadata.annotations)) {
      const annotations = Object.fromEntries(
        Object.entries(metadata.annotations).filter(([k]) => !NOISY_ANNOTATIONS.includes(k)),
      );
      metadata.annotations = annotations;
    }
    out.metadata = metadata;
  }
  if (obj.kind === 'Secret') {
    for (const key of ['data', 'stringData'] as const) {
      const data = obj[key];
      if (isRecord(data)) out[key] = Object.fromEntries(Object.keys(data).map((k) => [k, '[REDACTED]']));
    }
  }
  return redactObject(dropEmpty(out)).value;
}

export function toYaml(obj: unknown): string {
  return stringify(obj, { lineWidth: 0 }).trimEnd();
}

export function redact(text: string): string {
  return redactText(text).value;
}

function compactParsed(parsed: unknown): string {
  if (isRecord(parsed) && Array.isArray(parsed.items)) {
    const items = parsed.items.map(trimObject);
    return items.length === 0 ? 'No resources found.' : items.map(toYaml).join('\n---\n');
  }
  return toYaml(trimObject(parsed));
}

/**
 * kubectl output made model-friendly: JSON or YAML objects (and lists) become trimmed YAML; text is redacted
 * as is. The caller caps the size.
 */
export function compactKubectlOutput(stdout: string): string {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    try {
      return compactParsed(JSON.parse(text) as unknown);
    } catch {
      // Not JSON after all (a jsonpath that starts with a brace): fall through to text.
    }
  }
  // `-o yaml`: parsed so Secret data is blanked and managedFields dropped like everywhere else.
  if (/^(apiVersion|kind|items):/m.test(text)) {
    try {
      return text
        .split(/^---$/m)
        .map((doc) => compactParsed(yamlParse(doc) as unknown))
        .join('\n---\n');
    } catch {
      // Not YAML after all: fall through to text.
    }
  }
  return redact(text);
}
