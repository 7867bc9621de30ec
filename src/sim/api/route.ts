// Parses a Kubernetes REST path into what it addresses: a discovery document, a collection, an object or an
// object's subresource. Unknown paths and resources come back as undefined (404 to the client).

import { findResource, type ResourceInfo } from '../resources.js';

export type Route =
  | { readonly type: 'collection'; readonly resource: ResourceInfo; readonly namespace?: string }
  | { readonly type: 'item'; readonly resource: ResourceInfo; readonly namespace?: string; readonly name: string }
  | {
      readonly type: 'subresource';
      readonly resource: ResourceInfo;
      readonly namespace?: string;
      readonly name: string;
      readonly subresource: string;
    };

export interface GroupVersionPath {
  readonly group: string;
  readonly version: string;
  readonly rest: readonly string[];
}

/** `/api/v1/...` or `/apis/<group>/<version>/...`. */
export function splitGroupVersion(pathname: string): GroupVersionPath | undefined {
  const parts: string[] = [];
  for (const raw of pathname.split('/').filter(Boolean)) {
    try {
      parts.push(decodeURIComponent(raw));
    } catch {
      // A malformed %-escape cannot name any resource: the path is simply not found.
      return undefined;
    }
  }
  if (parts[0] === 'api' && parts.length >= 2) return { group: '', version: parts[1]!, rest: parts.slice(2) };
  if (parts[0] === 'apis' && parts.length >= 3) return { group: parts[1]!, version: parts[2]!, rest: parts.slice(3) };
  return undefined;
}

export function resolveRoute(gv: GroupVersionPath): Route | undefined {
  const { group, version, rest } = gv;
  const find = (plural: string | undefined) => (plural ? findResource(group, version, plural) : undefined);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const namespaced = find(rest[2]);
    if (namespaced?.namespaced) {
      const namespace = rest[1]!;
      if (rest.length === 3) return { type: 'collection', resource: namespaced, namespace };
      if (rest.length === 4) return { type: 'item', resource: namespaced, namespace, name: rest[3]! };
      if (rest.length === 5)
        return { type: 'subresource', resource: namespaced, namespace, name: rest[3]!, subresource: rest[4]! };
      return undefined;
    }
  }
  const r = find(rest[0]);
  if (!r) return undefined;
  if (rest.length === 1) return { type: 'collection', resource: r };
  if (r.namespaced) return undefined; // a namespaced item needs /namespaces/<ns>/
  if (rest.length === 2) return { type: 'item', resource: r, name: rest[1]! };
  if (rest.length === 3) return { type: 'subresource', resource: r, name: rest[1]!, subresource: rest[2]! };
  return undefined;
}
