// List plumbing for strategic merge patch: element typing, identities of list entries and the ordering
// rules of apimachinery's strategicpatch (patch order for patched entries, live order for the rest,
// interleaved by live position; `$setElementOrder` overrides the patch order). Lookups go through maps of
// positions so that a body full of list entries costs linear time, not quadratic.
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import { goFormat, hasOwn, isPrimitive, type JsonKind, jsonKind } from './json-value.js';
import { badRequest, PatchInputError } from './result.js';

export const DIRECTIVE = '$patch';

type Identity = string | number | boolean | null;

/** Go's reflect name for a decoded JSON value, as strategicpatch prints it in type errors. */
function goTypeOf(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (isJsonObject(v)) return 'map[string]interface {}';
  return typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : 'string';
}

export function badArgType(expected: 'map' | 'list', actual: JsonValue | undefined): PatchInputError {
  const want = expected === 'map' ? 'map[string]interface {}' : '[]interface {}';
  return badRequest(`expected a ${want}, but received a ${goTypeOf(actual)}`);
}

export function noMergeKey(item: JsonObject, mergeKey: string): PatchInputError {
  return badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

/** The common element kind of the lists, or undefined when all are empty; mixed kinds are rejected. */
export function elementKind(...lists: readonly (readonly JsonValue[])[]): JsonKind | undefined {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = jsonKind(v);
      if (kind === undefined) {
        if (k === 'array') throw new PatchInputError('Invalid', 'lists of lists are not supported');
        kind = k;
      } else if (k !== kind) {
        throw badRequest(`list element types are not identical: ${lists.map((l) => goFormat(l)).join(' ')}`);
      }
    }
  }
  return kind;
}

/**
 * What identifies a list entry: its merge-key value for maps, the value itself for scalars. Composite
 * values identify nothing (Go would panic comparing two of them; here they simply never match).
 */
export function identity(item: JsonValue, mergeKey: string): Identity | undefined {
  const v = !mergeKey ? item : isJsonObject(item) && hasOwn(item, mergeKey) ? item[mergeKey] : undefined;
  return v !== undefined && isPrimitive(v) ? v : undefined;
}

/** The first position of every identity in `list`. */
export function positions(list: readonly JsonValue[], mergeKey: string): Map<Identity, number> {
  const at = new Map<Identity, number>();
  list.forEach((item, i) => {
    const id = identity(item, mergeKey);
    if (id !== undefined && !at.has(id)) at.set(id, i);
  });
  return at;
}

function positionOf(at: ReadonlyMap<Identity, number>, item: JsonValue, mergeKey: string): number {
  const id = identity(item, mergeKey);
  return id === undefined ? -1 : (at.get(id) ?? -1);
}

function requireKeyed(item: JsonValue | undefined, mergeKey: string): JsonObject {
  if (!isJsonObject(item)) throw badArgType('map', item);
  if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return item;
}

/** Whether two list entries are the same element: by merge key for maps, by value for scalars. */
export function sameElement(a: JsonValue, b: JsonValue, mergeKey: string): boolean {
  if (mergeKey) {
    requireKeyed(a, mergeKey);
    requireKeyed(b, mergeKey);
  }
  const id = identity(a, mergeKey);
  return id !== undefined && id === identity(b, mergeKey);
}

/** Splits `merged` into the entries present in `by` and the rest, each keeping its relative order. */
export function partitionByPresence(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string,
): [JsonValue[], JsonValue[]] {
  if (mergeKey) {
    for (const v of merged) requireKeyed(v, mergeKey);
    by.forEach((item, i) => {
      if (!isJsonObject(item)) throw badRequest(`value for key ${i} is not a map.`);
    });
  }
  const at = positions(by, mergeKey);
  const present: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of merged) (positionOf(at, v, mergeKey) >= 0 ? present : rest).push(v);
  return [present, rest];
}

export function isDeleteItem(v: JsonValue): boolean {
  return isJsonObject(v) && v[DIRECTIVE] === 'delete';
}

/** Stable sort by position in `order`; entries `order` does not mention keep their place after the rest. */
function sortByOrder(items: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: JsonKind): JsonValue[] {
  let toSort = items;
  let deletes: JsonValue[] = [];
  if (kind === 'object') {
    for (const v of items) requireKeyed(v, mergeKey);
    for (const v of order) requireKeyed(v, mergeKey);
    deletes = items.filter(isDeleteItem);
    toSort = items.filter((v) => !isDeleteItem(v));
  }
  const at = positions(order, mergeKey);
  const ranked = toSort.map((v, i) => {
    const p = positionOf(at, v, mergeKey);
    return { v, i, p: p < 0 ? Number.MAX_SAFE_INTEGER : p };
  });
  ranked.sort((x, y) => x.p - y.p || x.i - y.i);
  return [...ranked.map((r) => r.v), ...deletes];
}

/**
 * Orders a merged list: patched entries by `patchOrder`, live-only entries by `serverOrder`, then the two
 * interleaved so a live-only entry comes first only when it sat before the patched entry in the live list.
 * (So entries new to the list land ahead of live-only ones, exactly as the real apiserver does.)
 */
export function normalizeElementOrder(
  patched: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: JsonKind,
): JsonValue[] {
  const right = sortByOrder(patched, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const at = positions(serverOrder, mergeKey);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = positionOf(at, left[i] as JsonValue, mergeKey);
    const ri = positionOf(at, right[j] as JsonValue, mergeKey);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
    else out.push(right[j++] as JsonValue);
  }
  return [...out, ...left.slice(i), ...right.slice(j)];
}
