// Field ownership for writes that are not server-side apply (create, update, the other patch types): the
// writer takes over every field it set or changed, other managers let go of those fields, and fields the
// write removed are owned by nobody. Recording these makes a later apply conflict with "kubectl-edit" or
// "kubectl-scale" by name, as on a real cluster, instead of with the before-first-apply placeholder.
import type { JsonObject, KubeObject } from '../objects.js';
import { difference, emptySet, type FieldSet, hasMembers, union } from './field-set.js';
import { deepEqual } from './json-value.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type ManagerEntry,
  managedTime,
  sameOwner,
} from './managed-fields.js';
import { schemaForKind } from './schema.js';
import { changedFields, ownedFields } from './typed-fields.js';

export interface UpdateRecord {
  /** The stored object before the write; undefined for a create. */
  readonly before: KubeObject | undefined;
  /** The object about to be stored. */
  readonly after: KubeObject;
  /** The request's fieldManager (or the name the server derives from the user agent). */
  readonly manager: string;
  readonly now: string;
  /** 'status' or 'scale' for writes through a subresource. */
  readonly subresource?: string;
}

/** Returns a copy of `after` whose managedFields record this write. */
export function recordUpdate(r: UpdateRecord): KubeObject {
  const after = JSON.parse(JSON.stringify(r.after)) as JsonObject;
  const before = r.before ? (JSON.parse(JSON.stringify(r.before)) as JsonObject) : {};
  const beforeMeta = (before.metadata ?? {}) as JsonObject;
  const afterMeta = (after.metadata ?? {}) as JsonObject;
  after.metadata = afterMeta;
  // A client that rewrote managedFields itself (kubectl's CSA-to-SSA migration, or clearing them) wins.
  const clientSet =
    afterMeta.managedFields !== undefined && !deepEqual(afterMeta.managedFields, beforeMeta.managedFields);
  const entries = decodeManagedFields(clientSet ? afterMeta.managedFields : beforeMeta.managedFields);
  delete beforeMeta.managedFields;
  delete afterMeta.managedFields;

  const schema = schemaForKind(r.after.kind);
  const afterSet = ownedFields(after, schema, false);
  const removed = r.before ? difference(ownedFields(before, schema, false), afterSet) : emptySet();
  const taken = within(changedFields(before, after, schema), afterSet);

  const self: ManagerEntry = {
    manager: r.manager,
    operation: 'Update',
    apiVersion: r.after.apiVersion,
    ...(r.subresource ? { subresource: r.subresource } : {}),
    set: emptySet(),
  };
  const previous = entries.find((e) => sameOwner(e, self));
  const others = entries.filter((e) => !sameOwner(e, self));
  for (const e of others) e.set = difference(difference(e.set, taken), removed);
  self.set = union(difference(previous?.set ?? emptySet(), removed), taken);
  const time = hasMembers(taken) || !previous?.time ? managedTime(r.now) : previous.time;
  const encoded = encodeManagedFields([...others, { ...self, time }]);
  if (encoded.length > 0) afterMeta.managedFields = encoded;
  return after as unknown as KubeObject;
}

/**
 * The owned paths at or below the changed ones. A change is reported where it starts (a whole new list
 * item, a new map); the writer owns every field inside it.
 */
function within(changed: FieldSet, owned: FieldSet): FieldSet {
  if (changed.member) return union(owned, emptySet());
  const out = emptySet();
  for (const [element, c] of changed.children) {
    const o = owned.children.get(element);
    if (!o) continue;
    const sub = within(c, o);
    if (hasMembers(sub)) out.children.set(element, sub);
  }
  return out;
}
