// JSON merge patch (RFC 7386): objects merge recursively, null deletes, everything else (arrays included)
// replaces.
import { isJsonObject, type JsonObject, type JsonValue } from '../objects.js';
import { hasOwn } from './json-value.js';

/** Merges `patch` into `target`, which it consumes (the caller passes a private copy). */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(hasOwn(out, key) ? out[key] : undefined, value);
  }
  return out;
}
