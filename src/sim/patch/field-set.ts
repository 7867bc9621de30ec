// Sets of field paths as server-side apply tracks them, and their `FieldsV1` encoding in managedFields.
// A path element is stored in its FieldsV1 spelling: `f:replicas` (a field), `k:{"name":"app"}` (a keyed
// list item), `v:"finalizer"` (a set member), `i:0` (a list index). A node is a member when the path that
// ends there is in the set; FieldsV1 writes that as `{}` for a leaf and as a `.` entry otherwise.
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import { sortedJson } from './json-value.js';

export interface FieldSet {
  member: boolean;
  readonly children: Map<string, FieldSet>;
}

export function emptySet(): FieldSet {
  return { member: false, children: new Map() };
}

export const fieldElement = (name: string): string => `f:${name}`;
export const keyElement = (key: JsonObject): string => `k:${sortedJson(key)}`;
export const valueElement = (v: JsonValue): string => `v:${JSON.stringify(v)}`;

/** The child node for `element`, created when missing. */
export function childSet(node: FieldSet, element: string): FieldSet {
  let c = node.children.get(element);
  if (!c) {
    c = emptySet();
    node.children.set(element, c);
  }
  return c;
}

/** Whether the set has any member at this node or below it. */
export function hasMembers(node: FieldSet | undefined): boolean {
  if (!node) return false;
  if (node.member) return true;
  for (const c of node.children.values()) if (hasMembers(c)) return true;
  return false;
}

function combine(
  a: FieldSet | undefined,
  b: FieldSet | undefined,
  keep: (x: boolean, y: boolean) => boolean,
): FieldSet {
  const out = emptySet();
  out.member = keep(a?.member ?? false, b?.member ?? false);
  const elements = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
  for (const e of elements) {
    const c = combine(a?.children.get(e), b?.children.get(e), keep);
    if (hasMembers(c)) out.children.set(e, c);
  }
  return out;
}

export const union = (a: FieldSet, b: FieldSet): FieldSet => combine(a, b, (x, y) => x || y);
export const difference = (a: FieldSet, b: FieldSet): FieldSet => combine(a, b, (x, y) => x && !y);
export const intersection = (a: FieldSet, b: FieldSet): FieldSet => combine(a, b, (x, y) => x && y);

export function setsEqual(a: FieldSet, b: FieldSet): boolean {
  return !hasMembers(difference(a, b)) && !hasMembers(difference(b, a));
}

const RANK: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

/** Children in the order structured-merge-diff sorts path elements: fields, keys, values, indexes. */
function sortedElements(node: FieldSet): string[] {
  return [...node.children.keys()].sort((x, y) => {
    const r = (RANK[x[0] ?? ''] ?? 9) - (RANK[y[0] ?? ''] ?? 9);
    return r || (x < y ? -1 : x > y ? 1 : 0);
  });
}

/** Every member path, parents before children. */
export function memberPaths(node: FieldSet, prefix: readonly string[] = []): string[][] {
  const out: string[][] = node.member && prefix.length > 0 ? [[...prefix]] : [];
  for (const e of sortedElements(node)) out.push(...memberPaths(node.children.get(e) as FieldSet, [...prefix, e]));
  return out;
}

export function toFieldsV1(node: FieldSet): JsonObject {
  const out: JsonObject = {};
  if (node.member && node.children.size > 0) out['.'] = {};
  for (const e of sortedElements(node)) out[e] = toFieldsV1(node.children.get(e) as FieldSet);
  return out;
}

/** Decodes FieldsV1; undefined when it is not a well-formed field set. */
export function fromFieldsV1(v: JsonValue | undefined): FieldSet | undefined {
  if (!isJsonObject(v)) return undefined;
  const node = emptySet();
  const keys = Object.keys(v);
  if (keys.length === 0) node.member = true;
  for (const k of keys) {
    const child = v[k] as JsonValue;
    if (k === '.') {
      if (!isJsonObject(child)) return undefined;
      node.member = true;
      continue;
    }
    const element = canonicalElement(k);
    const decoded = element === undefined ? undefined : fromFieldsV1(child);
    if (element === undefined || decoded === undefined) return undefined;
    node.children.set(element, decoded);
  }
  return node;
}

/** Re-spells `k:`/`v:` elements in the canonical form this module generates, so sets compare by string. */
function canonicalElement(k: string): string | undefined {
  const body = k.slice(2);
  switch (k.slice(0, 2)) {
    case 'f:':
    case 'i:':
      return k;
    case 'k:': {
      const key = parseJson(body);
      return isJsonObject(key) ? keyElement(key) : undefined;
    }
    case 'v:': {
      const value = parseJson(body);
      return value === undefined ? undefined : valueElement(value);
    }
    default:
      return undefined;
  }
}

function parseJson(s: string): JsonValue | undefined {
  try {
    return JSON.parse(s) as JsonValue;
  } catch {
    return undefined;
  }
}

/** `.spec.template.spec.containers[name="app"].image`, the way conflicts name a field. */
export function describePath(path: readonly string[]): string {
  return path
    .map((e) => {
      const body = e.slice(2);
      switch (e.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
