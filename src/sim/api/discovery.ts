// Discovery documents, all derived from the resource catalogue: aggregated (apidiscovery.k8s.io/v2, two
// requests for kubectl) and legacy (APIVersions / APIGroupList / APIResourceList), plus the minimal
// OpenAPI v3 that lets default `kubectl apply/create` validation pass (see reference §1.4).

import { createHash } from 'node:crypto';
import { apiVersionOf, groups, type ResourceInfo } from '../resources.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io;v=v2(beta1)?;as=APIGroupDiscoveryList/.test(accept);
}

function verbsFor(r: ResourceInfo): string[] {
  return [...r.verbs];
}

function aggregatedResource(r: ResourceInfo) {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: verbsFor(r),
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

export interface ExtraGroup {
  readonly name: string;
  readonly version: string;
  readonly resources: readonly { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/** `/api` (core) or `/apis` (named groups) in the aggregated format. */
export function aggregatedDiscovery(core: boolean, extra: readonly ExtraGroup[] = []) {
  const gs = groups().filter((g) => (g.name === '') === core);
  const byName = new Map<string, { version: string; resources: unknown[] }[]>();
  for (const g of gs) {
    const list = byName.get(g.name) ?? [];
    list.push({ version: g.version, resources: g.resources.map(aggregatedResource) });
    byName.set(g.name, list);
  }
  const items = [...byName.entries()].map(([name, versions]) => ({
    metadata: { name, creationTimestamp: null },
    versions: versions.map((v) => ({ ...v, freshness: 'Current' })),
  }));
  if (!core)
    for (const e of extra)
      items.push({
        metadata: { name: e.name, creationTimestamp: null },
        versions: [
          {
            version: e.version,
            freshness: 'Current',
            resources: e.resources.map((r) => ({
              resource: r.name,
              responseKind: { group: e.name, version: e.version, kind: r.kind },
              scope: r.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: r.kind.toLowerCase(),
              verbs: r.verbs,
            })),
          },
        ],
      });
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function legacyApiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function legacyGroupList(extra: readonly ExtraGroup[] = []) {
  const seen = new Map<string, string[]>();
  for (const g of groups()) if (g.name) seen.set(g.name, [...(seen.get(g.name) ?? []), g.version]);
  for (const e of extra) seen.set(e.name, [e.version]);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...seen.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function legacyGroup(name: string, extra: readonly ExtraGroup[] = []) {
  const versions = [
    ...groups()
      .filter((g) => g.name === name)
      .map((g) => g.version),
    ...extra.filter((e) => e.name === name).map((e) => e.version),
  ];
  if (versions.length === 0) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

export function legacyResourceList(group: string, version: string, extra: readonly ExtraGroup[] = []) {
  const g = groups().find((x) => x.name === group && x.version === version);
  const e = extra.find((x) => x.name === group && x.version === version);
  if (!g && !e) return undefined;
  const resources: unknown[] = [];
  for (const r of g?.resources ?? []) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsFor(r),
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
      storageVersionHash: createHash('sha256')
        .update(`${apiVersionOf(r)}/${r.kind}`)
        .digest('base64')
        .slice(0, 11),
    });
    for (const s of r.subresources)
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
  }
  for (const r of e?.resources ?? [])
    resources.push({ name: r.name, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: r.verbs });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

// ---- OpenAPI ----

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Per group-version OpenAPI v3 document: PATCH operations that advertise `fieldValidation` (all kubectl checks). */
export function openApiV3Document(group: string, version: string): object | undefined {
  const g = groups().find((x) => x.name === group && x.version === version);
  if (!g) return undefined;
  const paths: Record<string, unknown> = {};
  const base = `/${gvPath(group, version)}`;
  for (const r of g.resources) {
    const item = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`;
    paths[item] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        ],
        requestBody: {
          content: {
            'application/json-patch+json': { schema: {} },
            'application/merge-patch+json': { schema: {} },
            'application/apply-patch+yaml': { schema: {} },
          },
        },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas: {} } };
}

export function openApiV3Root(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of groups()) {
    const doc = openApiV3Document(g.name, g.version);
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(g.name, g.version)] = { serverRelativeURL: `/openapi/v3/${gvPath(g.name, g.version)}?hash=${hash}` };
  }
  return { paths };
}
