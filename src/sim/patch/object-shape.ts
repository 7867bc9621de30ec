// The last step of every patch: the patched JSON must still decode as the object it came from. The real
// apiserver decodes into the Go type here, so a patch that makes `metadata` a number or a label value a
// list fails with a 400; a patch that merely drops `apiVersion`/`kind` gets them back from the type.
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../objects.js';
import { checkJson, goJsonTypeName, hasOwn } from './json-value.js';
import { badRequest } from './result.js';

const META_STRINGS = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'selfLink',
] as const;
const META_NUMBERS = ['generation', 'deletionGracePeriodSeconds'] as const;
const META_STRING_MAPS = ['labels', 'annotations'] as const;
const META_LISTS = ['ownerReferences', 'managedFields', 'finalizers'] as const;

/** Kinds whose payload fields are map[string]string (or base64 strings) rather than structs. */
const STRING_MAP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ['data', 'binaryData'],
  Secret: ['data', 'stringData'],
};

function cannotUnmarshal(v: JsonValue, field: string, goType: string): Error {
  return badRequest(`json: cannot unmarshal ${goJsonTypeName(v)} into Go struct field ${field} of type ${goType}`);
}

/** Checks and completes a patched document; `expected` is the object it must remain (kind, apiVersion). */
export function toKubeObject(value: JsonValue, expected: { apiVersion: string; kind: string }): KubeObject {
  // Patches can only add bounded documents, but repeated ones could stack them ever deeper.
  checkJson(value, 'patched object');
  if (!isJsonObject(value)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeName(value)} into Go value of type ${expected.kind}`);
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = value[field];
    if (v === undefined || v === null) value[field] = expected[field];
    else if (typeof v !== 'string') throw cannotUnmarshal(v, `.${field}`, 'string');
  }
  if (value.apiVersion !== expected.apiVersion) {
    throw badRequest(
      `the API version in the data (${value.apiVersion}) does not match the expected API version (${expected.apiVersion})`,
    );
  }
  if (value.kind !== expected.kind) {
    throw badRequest(`the kind in the data (${value.kind}) does not match the expected kind (${expected.kind})`);
  }
  const meta = value.metadata;
  if (meta === undefined || meta === null) value.metadata = {};
  else if (!isJsonObject(meta)) throw cannotUnmarshal(meta, `${expected.kind}.metadata`, 'v1.ObjectMeta');
  else checkMetadata(meta);
  for (const field of ['spec', 'status']) {
    const v = value[field];
    if (v === null) delete value[field];
    else if (v !== undefined && !isJsonObject(v)) throw cannotUnmarshal(v, `${expected.kind}.${field}`, 'struct');
  }
  for (const field of STRING_MAP_FIELDS[expected.kind] ?? []) {
    if (hasOwn(value, field)) checkStringMap(value, field, `${expected.kind}.${field}`);
  }
  return value as unknown as KubeObject;
}

function checkMetadata(meta: JsonObject): void {
  for (const field of META_STRINGS) {
    const v = meta[field];
    if (v === null) delete meta[field];
    else if (v !== undefined && typeof v !== 'string')
      throw cannotUnmarshal(v, `ObjectMeta.metadata.${field}`, 'string');
  }
  for (const field of META_NUMBERS) {
    const v = meta[field];
    if (v === null) delete meta[field];
    else if (v !== undefined && typeof v !== 'number')
      throw cannotUnmarshal(v, `ObjectMeta.metadata.${field}`, 'int64');
  }
  for (const field of META_STRING_MAPS) {
    if (hasOwn(meta, field)) checkStringMap(meta, field, `ObjectMeta.metadata.${field}`);
  }
  for (const field of META_LISTS) {
    const v = meta[field];
    if (v === null) delete meta[field];
    else if (v !== undefined && !Array.isArray(v)) throw cannotUnmarshal(v, `ObjectMeta.metadata.${field}`, 'array');
  }
  for (const f of (meta.finalizers as JsonValue[] | undefined) ?? []) {
    if (typeof f !== 'string') throw cannotUnmarshal(f, 'ObjectMeta.metadata.finalizers', 'string');
  }
  for (const field of ['ownerReferences', 'managedFields'] as const) {
    for (const item of (meta[field] as JsonValue[] | undefined) ?? []) {
      if (!isJsonObject(item)) throw cannotUnmarshal(item, `ObjectMeta.metadata.${field}`, 'struct');
    }
  }
}

/** map[string]string: Go decodes a null value as "" and rejects anything else that is not a string. */
function checkStringMap(parent: JsonObject, field: string, goField: string): void {
  const v = parent[field] as JsonValue;
  if (v === null) {
    delete parent[field];
    return;
  }
  if (!isJsonObject(v)) throw cannotUnmarshal(v, goField, 'map[string]string');
  for (const [k, x] of Object.entries(v)) {
    if (x === null) v[k] = '';
    else if (typeof x !== 'string') throw cannotUnmarshal(x, goField, 'string');
  }
}
