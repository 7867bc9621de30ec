// JSON patch (RFC 6902) through fast-json-patch, with its errors reworded the way the apiserver (which uses
// evanphx/json-patch) reports them: a body that is not an operation list is a 400, an operation that does
// not apply to the object is a 422.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { isJsonObject, type JsonValue, type KubeObject } from '../objects.js';
import { goJsonTypeName, parseJsonBody } from './json-value.js';
import { badRequest, PatchInputError } from './result.js';

/** The apiserver's cap on operations in one JSON patch. */
const MAX_OPERATIONS = 10000;

export function applyJsonPatch(current: KubeObject, body: string): JsonValue {
  const ops = parseJsonBody(body, 'patch');
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  const notObject = ops.find((op) => !isJsonObject(op));
  if (notObject !== undefined) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeName(notObject)} into Go value of type jsonpatch.Operation`);
  }
  if (ops.length > MAX_OPERATIONS) {
    throw badRequest(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`);
  }
  try {
    // validate=true checks each operation; mutateDocument=false works on a deep copy of `current`.
    return jsonpatch.applyPatch(current, ops as unknown as Operation[], true, false).newDocument as JsonValue;
  } catch (e) {
    throw describeFailure(e, ops);
  }
}

function describeFailure(e: unknown, ops: readonly JsonValue[]): PatchInputError {
  if (!(e instanceof jsonpatch.JsonPatchError)) {
    // fast-json-patch refuses __proto__/constructor paths with a TypeError.
    return invalid((e as Error).message, '');
  }
  const index = typeof e.index === 'number' ? e.index : 0;
  const op = ops[index];
  const fields = isJsonObject(op) ? op : {};
  const kind = String(fields.op ?? '');
  const path = typeof fields.path === 'string' ? fields.path : '';
  const from = typeof fields.from === 'string' ? fields.from : '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return invalid(`testing value ${path} failed: test failed`, path);
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
      return invalid(`${kind} operation does not apply: doc is missing path: "${path}": missing value`, path);
    case 'OPERATION_FROM_UNRESOLVABLE':
      return invalid(`${kind} operation does not apply: doc is missing from path: "${from}": missing value`, from);
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return invalid(`${kind} operation does not apply: index out of bounds: "${path}"`, path);
    case 'OPERATION_OP_INVALID':
      return invalid(`Unexpected kind: ${kind}`, path);
    default:
      return invalid(`operation ${index} is malformed: ${e.message}`, path);
  }
}

function invalid(message: string, field: string): PatchInputError {
  return new PatchInputError('Invalid', message, [{ field, message, reason: 'FieldValueInvalid' }]);
}
