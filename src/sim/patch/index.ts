// The simulator's PATCH engine: pure functions from (live object, request body) to the patched object or a
// failure shaped like the apiserver's Status. The HTTP server maps `PatchFailure.code` to the status code
// and compares identity fields (name, namespace, uid) itself.
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../objects.js';
import { applyJsonPatch } from './json-patch.js';
import { goJsonTypeName, parseJsonBody, parseYamlOrJsonBody } from './json-value.js';
import { mergePatch } from './merge-patch.js';
import { toKubeObject } from './object-shape.js';
import { badRequest, type PatchFailure, PatchInputError, type PatchResult, type PatchType } from './result.js';
import { schemaForKind, supportsStrategicMerge } from './schema.js';
import { serverSideApply } from './server-side-apply.js';
import { strategicMerge } from './strategic-merge.js';

export type { PatchCause, PatchFailure, PatchFailureCode, PatchResult, PatchType } from './result.js';
export { recordUpdate, type UpdateRecord } from './update-tracking.js';

const MEDIA_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type a PATCH request's Content-Type names (parameters such as charset ignored). */
export function patchTypeFromContentType(ct: string | undefined): PatchType | undefined {
  const media = ct?.split(';')[0]?.trim().toLowerCase() ?? '';
  return Object.hasOwn(MEDIA_TYPES, media) ? MEDIA_TYPES[media] : undefined;
}

export interface ApplyPatchArgs {
  readonly type: PatchType;
  /** The live object; undefined only for 'apply', which then creates. */
  readonly current: KubeObject | undefined;
  /** The raw request body: JSON, or for 'apply' YAML or JSON. */
  readonly body: string;
  readonly fieldManager?: string;
  readonly force?: boolean;
  /** ISO time recorded in managedFields. */
  readonly now: string;
}

const UNSUPPORTED =
  'the body of the request was in an unknown format - accepted media types include: ' +
  'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

/** Applies a patch. Never throws for bad input and never modifies or shares structure with `current`. */
export function applyPatch(args: ApplyPatchArgs): PatchResult {
  try {
    return { ok: true, object: patchObject(args) };
  } catch (e) {
    if (e instanceof PatchInputError) return e.toFailure();
    throw e;
  }
}

function patchObject({ type, current, body, fieldManager, force, now }: ApplyPatchArgs): KubeObject {
  if (force && type !== 'apply') throw invalidOption('force', 'Forbidden', 'may not be specified for non-apply patch');
  if (type === 'apply') {
    if (!fieldManager) throw invalidOption('fieldManager', 'Required value', 'is required for apply patch');
    const live = current && copyOf(current);
    const applied = serverSideApply({ live, body, manager: fieldManager, force: force ?? false, now });
    return toKubeObject(applied, current ?? { apiVersion: String(applied.apiVersion), kind: String(applied.kind) });
  }
  if (!current) throw badRequest(`a ${type} patch needs an existing object`);
  switch (type) {
    case 'json':
      return toKubeObject(applyJsonPatch(current, body), current);
    case 'merge': {
      const patch = parseJsonBody(body, 'patch');
      if (patch === null) throw badRequest('Invalid JSON Patch');
      if (!isJsonObject(patch)) throw notAnObject(patch);
      return toKubeObject(mergePatch(copyOf(current), patch), current);
    }
    case 'strategic': {
      if (!supportsStrategicMerge(current.apiVersion, current.kind))
        throw new PatchInputError('UnsupportedMediaType', UNSUPPORTED);
      const patch = parseJsonBody(body, 'patch');
      // Go decodes `null` into a nil map, which merges as "no changes".
      if (patch === null) return toKubeObject(copyOf(current), current);
      if (!isJsonObject(patch)) throw notAnObject(patch);
      return toKubeObject(strategicMerge(copyOf(current), patch, schemaForKind(current.kind)), current);
    }
    default:
      throw new PatchInputError('UnsupportedMediaType', UNSUPPORTED);
  }
}

/**
 * Parses a YAML (or JSON) request body for any handler. The `yaml` package takes the whole process down on
 * a few thousand levels of nesting, so this bounds the depth before parsing; failures read like the
 * apiserver's ("error decoding YAML: ...").
 */
export function parseYamlBody(body: string): { readonly ok: true; readonly value: JsonValue } | PatchFailure {
  try {
    return { ok: true, value: parseYamlOrJsonBody(body) };
  } catch (e) {
    if (e instanceof PatchInputError) return e.toFailure();
    throw e;
  }
}

/**
 * A private deep copy for the engines to merge into (they mutate it). Through JSON, like the wire: fields a
 * caller left `undefined` disappear instead of surviving as values no JSON document can hold.
 */
function copyOf(current: KubeObject): JsonObject {
  return JSON.parse(JSON.stringify(current)) as JsonObject;
}

function notAnObject(patch: JsonValue): PatchInputError {
  return badRequest(
    `error decoding patch: json: cannot unmarshal ${goJsonTypeName(patch)} into Go value of type map[string]interface {}`,
  );
}

function invalidOption(field: string, type: string, detail: string): PatchInputError {
  const message = `${type}: ${detail}`;
  return new PatchInputError('Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${message}`, [
    { field, message, reason: type === 'Forbidden' ? 'FieldValueForbidden' : 'FieldValueRequired' },
  ]);
}
