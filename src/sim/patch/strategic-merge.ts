// Strategic merge patch, following k8s.io/apimachinery/pkg/util/strategicpatch as the apiserver runs it
// (MergeParallelList and IgnoreUnmatchedNulls on): maps merge, lists with a merge key merge by key, sets
// union, every other list is replaced, and the directives `$patch`, `$retainKeys`, `$setElementOrder/<list>`
// and `$deleteFromPrimitiveList/<list>` steer the merge.
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import { goFormat, hasOwn, isPrimitive, jsonKind } from './json-value.js';
import { badRequest } from './result.js';
import { fieldSchema, type Schema } from './schema.js';
import {
  badArgType,
  DIRECTIVE,
  elementKind,
  identity,
  isDeleteItem,
  noMergeKey,
  normalizeElementOrder,
  partitionByPresence,
  positions,
  sameElement,
} from './strategic-order.js';

const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList';

/** Merges `patch` into `original`. Both are consumed: the caller passes private copies. */
export function strategicMerge(original: JsonObject, patch: JsonObject, schema: Schema): JsonObject {
  return mergeMap(original, patch, schema);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);
  for (const key of Object.keys(patch)) {
    const value = patch[key] as JsonValue;
    const deleteList = key.startsWith(DELETE_PRIMITIVES);
    const k = deleteList ? fieldOf(key, DELETE_PRIMITIVES) : key;
    if (value === null) {
      delete original[k];
      continue;
    }
    const cur = hasOwn(original, k) ? (original[k] as JsonValue) : undefined;
    if (cur === undefined || jsonKind(cur) !== jsonKind(value)) {
      // A deletion list for a field that is absent (or not a list) has nothing to delete.
      if (!deleteList) putCleaned(original, k, value);
      continue;
    }
    const sub = fieldSchema(schema, k);
    if (isJsonObject(cur) && isJsonObject(value)) original[k] = mergeMap(cur, value, sub);
    else if (Array.isArray(cur) && Array.isArray(value)) original[k] = mergeListField(cur, value, sub, deleteList);
    else if (!deleteList) putCleaned(original, k, value);
  }
  return original;
}

function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[DIRECTIVE] as JsonValue;
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return cleaned(patch) as JsonObject;
  }
  if (directive === 'delete') return {};
  throw badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
}

function mergeListField(cur: JsonValue[], patch: JsonValue[], schema: Schema, deleteList: boolean): JsonValue[] {
  if (deleteList || schema.kind === 'list-map' || schema.kind === 'set')
    return mergeSlice(cur, patch, schema, deleteList);
  return cleaned(patch) as JsonValue[];
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], schema: Schema, deleteList: boolean): JsonValue[] {
  const kind = elementKind(original, patch);
  if (kind === undefined) return original;
  const mergeKey = schema.kind === 'list-map' ? schema.smpKey : '';
  let orig = original;
  let pat = patch;
  let merged: JsonValue[];
  if (kind !== 'object') {
    if (deleteList) {
      const doomed = new Set(patch);
      return original.filter((v) => !doomed.has(v));
    }
    merged = [...new Set([...original, ...patch])];
  } else {
    if (deleteList) throw badRequest('invalid patch format of primitive list');
    if (!mergeKey) throw badRequest('cannot merge lists without merge key');
    [orig, pat] = applyItemDirectives(original, patch, mergeKey);
    merged = mergeItems([...orig], pat, mergeKey, schema.kind === 'list-map' ? schema.item : schema);
  }
  const [patched, serverOnly] = partitionByPresence(merged, pat, mergeKey);
  return normalizeElementOrder(patched, serverOnly, pat, orig, mergeKey, kind);
}

/** Handles `$patch` entries of a keyed list: delete by key, or replace the whole list. */
function applyItemDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  const doomed = new Set<JsonValue>();
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE] as JsonValue;
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const id = identity(item, mergeKey);
      if (id !== undefined) doomed.add(id);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) return [cleaned(plain) as JsonValue[], []];
  // Every live entry with a deleted key goes, duplicates included.
  const kept = original.filter((o) => {
    const id = identity(o, mergeKey);
    return id === undefined || !doomed.has(id);
  });
  return [kept, plain];
}

/** Merges each patch entry into the live entry with its key, or appends it. */
function mergeItems(list: JsonValue[], patch: readonly JsonValue[], mergeKey: string, item: Schema): JsonValue[] {
  const at = positions(list, mergeKey);
  for (const v of patch) {
    const p = v as JsonObject;
    if (!hasOwn(p, mergeKey)) throw noMergeKey(p, mergeKey);
    const id = identity(p, mergeKey);
    const i = id === undefined ? undefined : at.get(id);
    if (i !== undefined) {
      list[i] = mergeMap(list[i] as JsonObject, p, item);
    } else {
      if (id !== undefined) at.set(id, list.length);
      list.push(cleaned(p) as JsonObject);
    }
  }
  return list;
}

/** `$retainKeys`: drop every field of the live map that the list does not name (union types). */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS] as JsonValue;
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys');
  const keep = new Set(list.filter((v): v is string => typeof v === 'string'));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVES) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge that list now and order it as the directive says. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key] as JsonValue;
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('list', order);
    const field = fieldOf(key, SET_ORDER);
    const origList = listAt(original, field);
    const patchList = listAt(patch, field);
    const sub = fieldSchema(schema, field);
    const mergeKey = sub.kind === 'list-map' ? sub.smpKey : '';
    checkOrderCoversPatch(patchList ?? [], order, mergeKey);
    let merged: JsonValue[];
    if (origList && patchList) merged = mergeListField(origList, patchList, sub, false);
    else if (origList) merged = origList;
    else if (patchList) merged = cleaned(patchList) as JsonValue[];
    else continue;
    delete patch[field];
    const kind = elementKind(origList ?? [], patchList ?? []);
    // Go fails on an all-empty pair and panics on keyless maps; there is nothing to order in either case.
    if (kind === undefined || (kind === 'object' && !mergeKey)) {
      original[field] = merged;
      continue;
    }
    const [listed, unlisted] = partitionByPresence(merged, order, mergeKey);
    original[field] = normalizeElementOrder(listed, unlisted, order, origList ?? [], mergeKey, kind);
  }
}

function listAt(o: JsonObject, field: string): JsonValue[] | undefined {
  if (!hasOwn(o, field)) return undefined;
  const v = o[field] as JsonValue;
  if (!Array.isArray(v)) throw badArgType('list', v);
  return v;
}

/** The patch list's entries must appear in `$setElementOrder` in the same relative order. */
function checkOrderCoversPatch(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const notMap = mergeKey ? patchList.find((v) => !isJsonObject(v)) : undefined;
  if (notMap !== undefined) throw badArgType('map', notMap);
  const entries = mergeKey ? patchList.filter((v) => !isDeleteItem(v)) : patchList;
  let p = 0;
  let s = 0;
  while (p < entries.length && s < order.length) {
    const entry = entries[p] as JsonValue;
    if (isJsonObject(entry) && hasOwn(entry, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameElement(entry, order[s] as JsonValue, mergeKey)) p++;
    s++;
  }
  if (p < entries.length) {
    throw badRequest(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ORDER} list:\n${goFormat(order)}`,
    );
  }
}

/** `$setElementOrder/containers` → `containers`; a directive key without the slash is malformed. */
function fieldOf(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const what = prefix === SET_ORDER ? 'setElementOrder list' : 'primitive list';
    throw badRequest(`invalid patch format of ${what}`);
  }
  return key.slice(slash + 1);
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(`${SET_ORDER}/`) || k.startsWith(`${DELETE_PRIMITIVES}/`);
}

/**
 * A patch value as it ends up stored when there is nothing to merge it with: nulls dropped (there is
 * nothing to delete), `$patch` maps dropped, leftover directive keys removed. Undefined means "drop it".
 */
function cleaned(v: JsonValue): JsonValue | undefined {
  if (isPrimitive(v)) return v;
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const x of v) {
      const c = cleaned(x);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (hasOwn(v, DIRECTIVE)) return undefined;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || isDirectiveKey(k)) continue;
    const c = cleaned(x);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

function putCleaned(o: JsonObject, key: string, value: JsonValue): void {
  const c = cleaned(value);
  if (c === undefined) delete o[key];
  else o[key] = c;
}
