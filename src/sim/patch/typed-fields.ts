// Reading an object through the merge schema the way structured-merge-diff does for server-side apply:
// the set of fields a document sets (what an applier comes to own), and the fields that differ between
// two versions of an object (what an apply would take from other managers).
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import {
  childSet,
  describePath,
  emptySet,
  type FieldSet,
  fieldElement,
  keyElement,
  valueElement,
} from './field-set.js';
import { deepEqual, goFormat, hasOwn, isPrimitive } from './json-value.js';
import { badRequest } from './result.js';
import { fieldSchema, KEY_DEFAULTS, type Schema } from './schema.js';

/** Fields the apiserver strips before tracking ownership: identity and bookkeeping, not configuration. */
const STRIPPED_ROOT = new Set(['apiVersion', 'kind']);
const STRIPPED_META = new Set([
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
]);

/**
 * The identity of a keyed list item under server-side apply (all list-map keys, defaults filled in);
 * undefined when a key is missing and has no default.
 */
export function itemKey(item: JsonValue, keys: readonly string[]): JsonObject | undefined {
  if (!isJsonObject(item)) return undefined;
  const key: JsonObject = {};
  for (const k of keys) {
    const v = hasOwn(item, k) ? item[k] : KEY_DEFAULTS[k];
    if (v === undefined || v === null) return undefined;
    key[k] = v;
  }
  return key;
}

/**
 * The fields `doc` sets, per `schema`. In strict mode (an applied configuration) a document that does not
 * fit the schema is a BadRequest prefixed with `context`; otherwise (a live object) the misfit part is
 * simply owned as one value.
 */
export function ownedFields(doc: JsonObject, schema: Schema, strict: false | { context: string }): FieldSet {
  const root = emptySet();
  const fail = (path: readonly string[], msg: string): void => {
    if (strict)
      throw badRequest(`failed to create typed patch object (${strict.context}): ${describePath(path)}: ${msg}`);
  };

  const walk = (v: JsonValue, s: Schema, node: FieldSet, path: string[], inMeta: boolean): void => {
    if (s.kind === 'atomic') {
      node.member = true;
      return;
    }
    if (s.kind === 'list-map' || s.kind === 'set') {
      if (!Array.isArray(v)) {
        fail(path, `expected list, got ${goFormat(v)}`);
        node.member = true;
        return;
      }
      const elements = listElements(v, s, (i, msg) => fail([...path, `i:${i}`], msg));
      if (!elements) {
        node.member = true;
        return;
      }
      elements.forEach((element, i) => {
        const child = childSet(node, element);
        child.member = true;
        if (s.kind === 'list-map') walkMap(v[i] as JsonObject, s.item, child, [...path, element], false, false);
      });
      return;
    }
    if (isJsonObject(v)) {
      walkMap(v, s, node, path, inMeta, false);
      return;
    }
    // A declared struct given a scalar or a list does not decode; an undeclared field may hold anything.
    if (s.fields && v !== null) fail(path, `expected map, got ${goFormat(v)}`);
    node.member = true;
  };

  const walkMap = (m: JsonObject, s: Schema, node: FieldSet, path: string[], inMeta: boolean, top: boolean): void => {
    const keys = Object.keys(m).filter((k) => !(top && STRIPPED_ROOT.has(k)) && !(inMeta && STRIPPED_META.has(k)));
    if (keys.length === 0) {
      // An empty map is owned as a value; metadata that holds only stripped fields is owned by nobody.
      if (!inMeta && !top) node.member = true;
      return;
    }
    for (const k of keys) {
      const element = fieldElement(k);
      const atRootMeta = top && k === 'metadata';
      walk(m[k] as JsonValue, fieldSchema(s, k), childSet(node, element), [...path, element], atRootMeta);
      if (!hasAnything(node.children.get(element))) node.children.delete(element);
    }
  };

  walkMap(doc, schema, root, [], false, true);
  return root;
}

function hasAnything(n: FieldSet | undefined): boolean {
  return !!n && (n.member || n.children.size > 0);
}

/**
 * The path elements of a keyed list or a set, in list order; undefined (after reporting through `fail`)
 * when an entry cannot be identified or two entries collide.
 */
function listElements(
  list: readonly JsonValue[],
  s: Extract<Schema, { kind: 'list-map' | 'set' }>,
  fail: (index: number, msg: string) => void,
): string[] | undefined {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as JsonValue;
    let element: string;
    if (s.kind === 'set') {
      if (!isPrimitive(item)) {
        fail(i, `expected a scalar set element, got ${goFormat(item)}`);
        return undefined;
      }
      element = valueElement(item);
    } else {
      const key = itemKey(item, s.ssaKeys);
      if (!key) {
        const missing = s.ssaKeys.find((k) => !isJsonObject(item) || !hasOwn(item, k)) ?? s.ssaKeys[0];
        fail(i, `associative list with keys has an element that omits key field "${missing}"`);
        return undefined;
      }
      element = keyElement(key);
    }
    if (seen.has(element)) {
      fail(i, `duplicate entries for key ${describePath([element])}`);
      return undefined;
    }
    seen.add(element);
    out.push(element);
  }
  return out;
}

/** Paths set in `next` that are new or hold a different value than in `live` (removals excluded). */
export function changedFields(live: JsonObject, next: JsonObject, schema: Schema): FieldSet {
  const out = emptySet();
  const mark = (path: readonly string[]): void => {
    let node = out;
    for (const e of path) node = childSet(node, e);
    node.member = true;
  };

  const visit = (a: JsonValue, b: JsonValue, s: Schema, path: string[]): void => {
    if (s.kind === 'list-map' || s.kind === 'set') {
      const ea = Array.isArray(a) ? listElements(a, s, () => {}) : undefined;
      const eb = Array.isArray(b) ? listElements(b, s, () => {}) : undefined;
      if (!ea || !eb) {
        if (!deepEqual(a, b)) mark(path);
        return;
      }
      const before = new Map(ea.map((e, i) => [e, (a as JsonValue[])[i] as JsonValue]));
      eb.forEach((e, i) => {
        const old = before.get(e);
        if (old === undefined) mark([...path, e]);
        else if (s.kind === 'list-map') visit(old, (b as JsonValue[])[i] as JsonValue, s.item, [...path, e]);
      });
      return;
    }
    if (s.kind === 'struct' && isJsonObject(a) && isJsonObject(b)) {
      for (const k of Object.keys(b)) {
        const element = fieldElement(k);
        if (!hasOwn(a, k)) mark([...path, element]);
        else visit(a[k] as JsonValue, b[k] as JsonValue, fieldSchema(s, k), [...path, element]);
      }
      return;
    }
    if (!deepEqual(a, b)) mark(path);
  };

  visit(live, next, schema, []);
  return out;
}
