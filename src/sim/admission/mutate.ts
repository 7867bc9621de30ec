// Small helpers for defaulting a cloned JSON object in place: Go's defaulters fill a field only when it holds
// its zero value (nil pointer, empty string), and these mirror exactly that.

import { isRecord } from '../tables/read.js';

export type Mutable = Record<string, unknown>;

/** The nested record at `key`, created when absent; a non-object value there is left alone. */
export function sub(parent: Mutable, key: string): Mutable {
  const v = parent[key];
  if (isRecord(v)) return v;
  if (v !== undefined && v !== null) return {};
  const created: Mutable = {};
  parent[key] = created;
  return created;
}

/** The nested record at `key` only when present (defaults inside optional structs). */
export function maybe(parent: Mutable, key: string): Mutable | undefined {
  const v = parent[key];
  return isRecord(v) ? v : undefined;
}

/** Records of the array at `key` (empty when absent). */
export function items(parent: Mutable, key: string): Mutable[] {
  const v = parent[key];
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** Defaults a pointer field: only a missing or null value is replaced. */
export function orDefault(o: Mutable, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Defaults a string field: missing, null and "" are all Go's zero value. */
export function orDefaultString(o: Mutable, key: string, value: string): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}
