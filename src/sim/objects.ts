// Plain-JSON shapes the simulator stores and serves. The simulator works on untyped JSON (what arrives on
// the wire) and narrows where it needs a field; product code uses @kubernetes/client-node's typed models.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: JsonValue[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. `spec`/`status`/`data` etc. are read through narrowing helpers. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A shape check that does not narrow the caller's type (a KubeObject stays a KubeObject). */
export function hasMetadata(v: unknown): boolean {
  return isJsonObject(v) && isJsonObject(v.metadata);
}

/** Deep copy through JSON: stored objects are never shared with callers. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Reads a nested path (`['spec','template','spec']`) from untyped JSON without throwing. */
export function getPath(obj: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}
