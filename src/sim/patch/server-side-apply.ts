// Server-side apply: merge an applied configuration into the live object, track which manager owns which
// fields in metadata.managedFields, refuse (409) to change a field another manager owns unless forced, and
// remove fields the manager applied before but no longer does when nobody else owns them.
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import {
  describePath,
  difference,
  type FieldSet,
  hasMembers,
  intersection,
  keyElement,
  memberPaths,
  union,
  valueElement,
} from './field-set.js';
import {
  deepEqual,
  getOwn,
  goJsonTypeName,
  hasOwn,
  isPrimitive,
  parseYamlOrJsonBody,
  sortedJson,
} from './json-value.js';
import {
  BEFORE_FIRST_APPLY,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  type ManagerEntry,
  managedTime,
  sameOwner,
} from './managed-fields.js';
import { badRequest, PatchInputError } from './result.js';
import { fieldSchema, type Schema, schemaForKind } from './schema.js';
import { changedFields, itemKey, ownedFields } from './typed-fields.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** kubectl's server-side apply manager, which the apiserver lets take over client-side-applied fields. */
const KUBECTL = 'kubectl';

export interface ApplyRequest {
  /** A private copy of the live object (this module may modify it); undefined to create. */
  readonly live: JsonObject | undefined;
  readonly body: string;
  readonly manager: string;
  readonly force: boolean;
  readonly now: string;
}

/** Returns the object after the apply (not yet shape-checked); throws PatchInputError on bad input. */
export function serverSideApply(req: ApplyRequest): JsonObject {
  const parsed = parseYamlOrJsonBody(req.body);
  if (!isJsonObject(parsed)) {
    throw badRequest(`error decoding YAML: cannot unmarshal ${goJsonTypeName(parsed)} into an object`);
  }
  const applied = withoutNulls(parsed);
  const { apiVersion, kind } = applied;
  if (typeof apiVersion !== 'string' || apiVersion === '')
    throw badRequest(`Object 'apiVersion' is missing in apply patch`);
  if (typeof kind !== 'string' || kind === '') throw badRequest(`Object 'Kind' is missing in apply patch`);
  const meta = getOwn(applied, 'metadata');
  if (meta !== undefined && !isJsonObject(meta)) throw badRequest('metadata must be an object in apply patch');
  if (meta && hasOwn(meta, 'managedFields')) throw badRequest('metadata.managedFields must be nil');
  if (req.live && apiVersion !== req.live.apiVersion) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${String(req.live.apiVersion)}`,
    );
  }

  const schema = schemaForKind(kind);
  const liveMeta = req.live && isJsonObject(req.live.metadata) ? req.live.metadata : {};
  const name = `${String(meta?.namespace ?? liveMeta.namespace ?? '')}/${String(meta?.name ?? '')}`;
  const appliedSet = ownedFields(applied, schema, { context: `${name}; ${apiVersion}, Kind=${kind}` });
  const self: ManagerEntry = { manager: req.manager, operation: 'Apply', apiVersion, set: appliedSet };
  const time = managedTime(req.now);

  if (!req.live) {
    const created = structuredClone(applied);
    if (req.manager === KUBECTL) refreshLastApplied(created, applied);
    setManagedFields(created, [{ ...self, time }]);
    return created;
  }

  const live = req.live;
  live.metadata = liveMeta;
  let entries = decodeManagedFields(liveMeta.managedFields);
  delete liveMeta.managedFields;
  if (entries.length === 0) {
    // An object nobody has tracked yet belongs, field by field, to a placeholder manager.
    entries = [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion, set: ownedFields(live, schema, false) }];
  }
  const previous = entries.find((e) => sameOwner(e, self));
  const others = entries.filter((e) => !sameOwner(e, self));

  const merged = mergeApplied(structuredClone(live), applied, schema) as JsonObject;
  if (previous) {
    const keep = others.reduce((acc, e) => union(acc, e.set), appliedSet);
    prune(merged, difference(previous.set, appliedSet), keep, schema, []);
  }
  takeOwnership(others, changedFields(live, merged, schema), req, live, schema);
  if (req.manager === KUBECTL) refreshLastApplied(merged, applied);

  // An apply that changes nothing keeps its old timestamp, so repeating it is a true no-op.
  const stamp = deepEqual(merged, live) && previous?.time ? previous.time : time;
  setManagedFields(merged, [...others, { ...self, time: stamp }]);
  return merged;
}

function setManagedFields(obj: JsonObject, entries: readonly ManagerEntry[]): void {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  obj.metadata = meta;
  const encoded = encodeManagedFields(entries);
  if (encoded.length > 0) meta.managedFields = encoded;
  else delete meta.managedFields;
}

/** Null in an apply configuration states no opinion; dropping it keeps it out of the owned set. */
function withoutNulls(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null) continue;
    out[k] = isJsonObject(v)
      ? withoutNulls(v)
      : Array.isArray(v)
        ? v.map((x) => (isJsonObject(x) ? withoutNulls(x) : x))
        : v;
  }
  return out;
}

/** Merges the applied configuration: maps by field, keyed lists by item, sets by value, the rest replaced. */
function mergeApplied(live: JsonValue | undefined, applied: JsonValue, schema: Schema): JsonValue {
  if (live === undefined || schema.kind === 'atomic') return structuredClone(applied);
  if ((schema.kind === 'list-map' || schema.kind === 'set') && Array.isArray(live) && Array.isArray(applied)) {
    const out = [...live];
    const at = new Map<string, number>();
    out.forEach((item, i) => {
      const e = elementOf(item, schema);
      if (e !== undefined && !at.has(e)) at.set(e, i);
    });
    for (const item of applied) {
      const e = elementOf(item, schema);
      const i = e === undefined ? undefined : at.get(e);
      if (i === undefined) {
        if (e !== undefined) at.set(e, out.length);
        out.push(structuredClone(item));
      } else if (schema.kind === 'list-map') {
        out[i] = mergeApplied(out[i], item, schema.item);
      }
    }
    return out;
  }
  if (schema.kind === 'struct' && isJsonObject(live) && isJsonObject(applied)) {
    for (const k of Object.keys(applied))
      live[k] = mergeApplied(getOwn(live, k), applied[k] as JsonValue, fieldSchema(schema, k));
    return live;
  }
  return structuredClone(applied);
}

function isFilled(v: JsonValue | undefined): boolean {
  return (isJsonObject(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0);
}

/** The path element naming a list entry (`k:{...}` or `v:...`), if the entry can be identified. */
function elementOf(item: JsonValue, schema: Schema): string | undefined {
  if (schema.kind === 'set') return isPrimitive(item) ? valueElement(item) : undefined;
  if (schema.kind !== 'list-map') return undefined;
  const key = itemKey(item, schema.ssaKeys);
  return key ? keyElement(key) : undefined;
}

/**
 * Removes the paths in `remove` from `value` unless a path in `keep` lies at or below them. Containers
 * emptied by the removal go too; a kept list item always keeps its key fields.
 */
function prune(
  value: JsonValue,
  remove: FieldSet,
  keep: FieldSet | undefined,
  schema: Schema,
  keyFields: readonly string[],
): void {
  if (Array.isArray(value)) {
    pruneList(value, remove, keep, schema);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [element, rm] of remove.children) {
    const field = element.slice(2);
    if (!element.startsWith('f:') || !hasOwn(value, field) || keyFields.includes(field)) continue;
    const keepChild = keep?.children.get(element);
    const owned = hasMembers(keepChild);
    const child = value[field] as JsonValue;
    if (rm.member && !owned) {
      delete value[field];
      continue;
    }
    const filled = isFilled(child);
    prune(child, rm, keepChild, fieldSchema(schema, field), []);
    if (filled && !isFilled(child) && !owned) delete value[field];
  }
}

/** Drops (or prunes inside) the entries of a keyed list or set that `remove` names, in one pass. */
function pruneList(list: JsonValue[], remove: FieldSet, keep: FieldSet | undefined, schema: Schema): void {
  let kept = 0;
  for (const item of list) {
    const element = elementOf(item, schema);
    const rm = element === undefined ? undefined : remove.children.get(element);
    if (element !== undefined && rm) {
      const keepChild = keep?.children.get(element);
      if (rm.member && !hasMembers(keepChild)) continue;
      if (schema.kind === 'list-map') prune(item, rm, keepChild, schema.item, schema.ssaKeys);
    }
    list[kept++] = item;
  }
  list.length = kept;
}

interface Conflict {
  readonly entry: ManagerEntry;
  readonly overlap: FieldSet;
}

/**
 * Fields the apply changes that other managers own are conflicts. Forced (or, for kubectl, when all of them
 * are fields the client-side-apply annotation recorded) they move to the applier; otherwise a 409.
 */
function takeOwnership(
  others: ManagerEntry[],
  changed: FieldSet,
  req: ApplyRequest,
  live: JsonObject,
  schema: Schema,
): void {
  let conflicts: Conflict[] = others
    .map((entry) => ({ entry, overlap: intersection(entry.set, changed) }))
    .filter((c) => hasMembers(c.overlap));
  if (conflicts.length === 0) return;
  let force = req.force;
  if (!force && req.manager === KUBECTL) {
    const allowed = lastAppliedFields(live, schema);
    if (allowed) {
      const remaining = conflicts
        .map((c) => ({ entry: c.entry, overlap: difference(c.overlap, allowed) }))
        .filter((c) => hasMembers(c.overlap));
      if (remaining.length === 0) force = true;
      else conflicts = remaining;
    }
  }
  if (!force) throw conflictError(conflicts);
  for (const c of conflicts) c.entry.set = difference(c.entry.set, c.overlap);
}

function conflictError(conflicts: readonly Conflict[]): PatchInputError {
  const items = conflicts.flatMap((c) =>
    memberPaths(c.overlap).map((p) => ({ who: describeManager(c.entry), path: describePath(p) })),
  );
  let message: string;
  if (items.length === 1) {
    const only = items[0] as { who: string; path: string };
    message = `Apply failed with 1 conflict: conflict with ${only.who}: ${only.path}`;
  } else {
    const lines: string[] = [];
    for (const who of [...new Set(items.map((i) => i.who))].sort()) {
      lines.push(`conflicts with ${who}:`, ...items.filter((i) => i.who === who).map((i) => `- ${i.path}`));
    }
    message = `Apply failed with ${items.length} conflicts: ${lines.join('\n')}`;
  }
  const causes = items.map((i) => ({
    field: i.path,
    message: `conflict with ${i.who}`,
    reason: 'FieldManagerConflict',
  }));
  return new PatchInputError('Conflict', message, causes);
}

function lastAppliedOf(obj: JsonObject): string | undefined {
  const annotations = isJsonObject(obj.metadata) ? obj.metadata.annotations : undefined;
  const v = isJsonObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The fields recorded in the client-side-apply annotation; undefined when there is none to read. */
function lastAppliedFields(live: JsonObject, schema: Schema): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (text === undefined) return undefined;
  try {
    const doc = parseYamlOrJsonBody(text);
    return isJsonObject(doc) ? ownedFields(withoutNulls(doc), schema, false) : undefined;
  } catch {
    return undefined;
  }
}

/** kubectl's apply keeps an existing last-applied annotation in step with what it applies server-side. */
function refreshLastApplied(target: JsonObject, applied: JsonObject): void {
  if (lastAppliedOf(target) === undefined) return;
  const config = structuredClone(applied);
  const annotations = isJsonObject(config.metadata) ? config.metadata.annotations : undefined;
  if (isJsonObject(annotations)) delete annotations[LAST_APPLIED];
  ((target.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED] = `${sortedJson(config)}\n`;
}
