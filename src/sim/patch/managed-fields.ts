// metadata.managedFields: decoding the live entries into field sets, encoding them back in the order the
// apiserver keeps them, and naming managers the way conflict messages do.
import { isJsonObject, type JsonValue } from '../objects.js';
import { type FieldSet, fromFieldsV1, hasMembers, toFieldsV1 } from './field-set.js';

export interface ManagerEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly time?: string;
  readonly subresource?: string;
  set: FieldSet;
}

/** Owner of everything on an object that has no managedFields at its first apply (as the apiserver does). */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Entries are one per manager + operation (+ apiVersion for updates) + subresource. */
export function sameOwner(a: ManagerEntry, b: ManagerEntry): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

/** The live entries; malformed ones are dropped, as the apiserver resets what it cannot decode. */
export function decodeManagedFields(raw: unknown): ManagerEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: ManagerEntry[] = [];
  for (const e of raw as JsonValue[]) {
    if (!isJsonObject(e)) continue;
    const { manager, operation, apiVersion, time, subresource, fieldsType } = e;
    if (typeof manager !== 'string' || (operation !== 'Apply' && operation !== 'Update')) continue;
    if (fieldsType !== 'FieldsV1' || typeof apiVersion !== 'string') continue;
    const set = fromFieldsV1(e.fieldsV1);
    if (!set) continue;
    out.push({
      manager,
      operation,
      apiVersion,
      ...(typeof time === 'string' ? { time } : {}),
      ...(typeof subresource === 'string' && subresource !== '' ? { subresource } : {}),
      set,
    });
  }
  return out;
}

/** Encodes entries, dropping managers that own nothing, sorted like the apiserver sorts them. */
export function encodeManagedFields(entries: readonly ManagerEntry[]): JsonValue[] {
  const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  return entries
    .filter((e) => hasMembers(e.set))
    .sort(
      (p, q) =>
        cmp(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        cmp(p.manager, q.manager) ||
        cmp(p.apiVersion, q.apiVersion) ||
        cmp(p.subresource ?? '', q.subresource ?? ''),
    )
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.time ? { time: e.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(e.set),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a conflict message names the other manager: updates also say which version they wrote. */
export function describeManager(e: ManagerEntry): string {
  let name = JSON.stringify(e.manager);
  if (e.subresource) name += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') name += ` using ${e.apiVersion}${e.time ? ` at ${e.time}` : ''}`;
  return name;
}

/** managedFields times are RFC 3339 with whole seconds. */
export function managedTime(now: string): string {
  const ms = Date.parse(now);
  return Number.isNaN(ms) ? now : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
