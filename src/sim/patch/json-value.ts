// Helpers for the untyped JSON the patch engines work on: parsing a request body into checked JSON,
// equality, and Go-style rendering of values for error messages that read like the real apiserver's.
import { Lexer, parse as parseYaml } from 'yaml';
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import { badRequest } from './result.js';

/**
 * Deeper documents are refused: no Kubernetes object nests anywhere near this, and the merges recurse
 * once per level, so an unbounded depth would turn a hostile body into a stack overflow.
 */
const MAX_DEPTH = 512;

/** Parses a JSON request body; anything unparseable or not plain JSON is a BadRequest. */
export function parseJsonBody(body: string, what: string): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding ${what}: ${(e as Error).message}`);
  }
  return checkJson(value, what);
}

/** Parses an apply body, which may be YAML or JSON (kubectl sends JSON under the YAML content type). */
export function parseYamlOrJsonBody(body: string): JsonValue {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined; // Not JSON: YAML below reports its own syntax errors.
  }
  if (json !== undefined) return checkJson(json, 'YAML');
  if (yamlNestingBound(body) > MAX_YAML_NESTING) {
    throw badRequest(`error decoding YAML: document nested deeper than ${MAX_YAML_NESTING} levels`);
  }
  let value: unknown;
  try {
    // logLevel error: errors still throw, but unknown tags no longer become process warnings per request.
    value = parseYaml(body, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: false, logLevel: 'error' });
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return checkJson(value ?? null, 'YAML');
}

/**
 * The YAML parser recurses per nesting level and a few thousand levels crash the process outright (V8 runs
 * out of room compiling a regular expression on an exhausted stack), so the depth is bounded first with the
 * parser's own lexer, which is iterative: open flow collections plus, per line, indentation and block
 * indicators. The bound overestimates, never under: flow brackets inside quotes, comments and block
 * scalars are separate tokens and do not count.
 */
const MAX_YAML_NESTING = 256;

function yamlNestingBound(src: string): number {
  let flow = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  let max = 0;
  for (const token of new Lexer().lex(src)) {
    if (token === '\n') {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if ((token === '-' || token === '?' || token === ':') && flow === 0) indicators++;
    else if (lineStart && token.startsWith(' ')) indent = token.length;
    lineStart = false;
    max = Math.max(max, flow + indent + indicators);
  }
  return max;
}

/** Asserts `value` is plain JSON of bounded depth (and without "__proto__" keys); BadRequest otherwise. */
export function checkJson(value: unknown, what: string): JsonValue {
  const problem = findProblem(value, 0);
  if (problem) throw badRequest(`error decoding ${what}: ${problem}`);
  return value as JsonValue;
}

function findProblem(v: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `document nested deeper than ${MAX_DEPTH} levels`;
  // undefined only occurs in objects built in code (an unset optional field); JSON leaves it out.
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${v} is not a JSON number`;
  if (Array.isArray(v)) {
    for (const item of v) {
      const p = findProblem(item, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, item] of Object.entries(v)) {
      // An own "__proto__" key survives JSON.parse but turns into a prototype change on assignment.
      if (k === '__proto__') return 'the field name "__proto__" is not allowed';
      const p = findProblem(item, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  return `unsupported value of type ${typeof v}`;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function jsonKind(v: JsonValue): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

/** The Go type name encoding/json would report for this value in an "cannot unmarshal" error. */
export function goJsonTypeName(v: JsonValue): string {
  const k = jsonKind(v);
  return k === 'boolean' ? 'bool' : k;
}

export function hasOwn(o: JsonObject, key: string): boolean {
  return Object.hasOwn(o, key);
}

export function getOwn(o: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function isPrimitive(v: JsonValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** Longest rendering of a value quoted in an error message; a 3 MiB body does not belong in a Status. */
const MAX_QUOTED = 400;

/** Renders a value the way Go's `%v` prints decoded JSON (`map[a:1 b:[x y]]`), for faithful messages. */
export function goFormat(v: JsonValue | readonly JsonValue[] | undefined): string {
  const s = formatGo(v);
  return s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}...` : s;
}

function formatGo(v: JsonValue | readonly JsonValue[] | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map((x: JsonValue) => formatGo(x)).join(' ')}]`;
  if (isJsonObject(v)) {
    const parts = Object.keys(v)
      .sort()
      .map((k) => `${k}:${formatGo(v[k])}`);
    return `map[${parts.join(' ')}]`;
  }
  return String(v);
}

/** JSON with object keys sorted, as Go's encoding of unstructured maps produces. */
export function sortedJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isJsonObject(v)) {
    const parts = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(v[k] as JsonValue)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}
