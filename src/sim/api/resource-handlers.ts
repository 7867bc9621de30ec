// The verbs on resources: list/watch/get/create/update/patch/delete/deletecollection and the status and
// scale subresources, each turning a request into store operations and a reply exactly shaped like
// kube-apiserver's (Status errors, 201 on create, Table when asked, dryRun=All without storing).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LabelSelector, parseLabelSelector } from '../../kube/label-selector.js';
import { clone, hasMetadata, isJsonObject, type KubeObject } from '../objects.js';
import { applyPatch, parseYamlBody, patchTypeFromContentType } from '../patch/index.js';
import { apiVersionOf, type ResourceInfo } from '../resources.js';
import type { DeleteOptions, ObjectStore, PropagationPolicy } from '../store/object-store.js';
import { type FieldSelector, parseFieldSelector } from '../store/selectors.js';
import { errors, StatusError } from '../store/status-error.js';
import { toTable } from '../tables/index.js';
import { jsonOf, queryBool, queryInt, readBody, sendJson, wantsTable } from './http-util.js';
import type { Route } from './route.js';
import { serveWatch } from './watch-stream.js';

export interface HandlerContext {
  readonly store: ObjectStore;
  readonly now: () => Date;
  /** Open watch streams, closed when the server stops. */
  readonly streams: Set<ServerResponse>;
}

const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const PROTOBUF_HINT =
  'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ' +
  '(the kubemend simulator does not decode protobuf bodies, which `kubectl create <generator>` sends: write the object ' +
  'as YAML and use `kubectl apply -f` or `kubectl create -f` instead)';

function dryRunOf(url: URL): boolean {
  const values = url.searchParams.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(v)}: valid values are "All"`);
  return values.length > 0;
}

function selectors(url: URL, r: ResourceInfo): { labelSelector: LabelSelector; fieldSelector: FieldSelector } {
  const l = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
  if (!l.ok) throw errors.badRequest(l.message);
  const f = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined, r.plural);
  if (!f.ok) throw errors.badRequest(f.message);
  return { labelSelector: l.value, fieldSelector: f.value };
}

/** Parses a JSON or YAML request body into an object, with the apiserver's 400/415 answers for bad bodies. */
export function parseBody(body: string, contentType: string | undefined): unknown {
  const ct = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (ct.includes('protobuf') || ct === 'application/cbor') throw errors.unsupportedMediaType(PROTOBUF_HINT);
  if (body.trim() === '') throw errors.badRequest('the request body is empty: an object was expected');
  if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') {
    // Depth-checked before parsing: a few thousand nested brackets would otherwise overflow the stack.
    const parsed = parseYamlBody(body);
    if (!parsed.ok) throw errors.badRequest(parsed.message);
    return parsed.value;
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function asObject(v: unknown, r: ResourceInfo): KubeObject {
  if (!isJsonObject(v))
    throw errors.badRequest(
      `the body of the request must be a JSON object, got ${Array.isArray(v) ? 'an array' : typeof v}`,
    );
  if (v.metadata !== undefined && !isJsonObject(v.metadata)) throw errors.badRequest('metadata must be an object');
  const expected = apiVersionOf(r);
  if (v.kind !== undefined && v.kind !== r.kind)
    throw errors.badRequest(
      `the API version in the data (${String(v.apiVersion)}) does not match the expected API version (${expected}) or kind ${String(v.kind)} is not ${r.kind}`,
    );
  if (v.apiVersion !== undefined && v.apiVersion !== expected)
    throw errors.badRequest(
      `the API version in the data (${String(v.apiVersion)}) does not match the expected API version (${expected})`,
    );
  return {
    ...(v as object),
    apiVersion: expected,
    kind: r.kind,
    metadata: { ...((v.metadata as object) ?? {}) },
  } as KubeObject;
}

function checkNamespace(obj: KubeObject, r: ResourceInfo, namespace: string | undefined): void {
  if (!r.namespaced) return;
  if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace)
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (namespace) obj.metadata.namespace = namespace;
}

function sendObject(
  res: ServerResponse,
  req: IncomingMessage,
  url: URL,
  ctx: HandlerContext,
  r: ResourceInfo,
  obj: KubeObject,
  code = 200,
): void {
  if (wantsTable(req.headers.accept)) {
    const include = includeObject(url);
    sendJson(
      res,
      code,
      toTable(r, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, ctx.now(), include),
      TABLE_CONTENT_TYPE,
    );
  } else sendJson(res, code, obj);
}

function includeObject(url: URL): 'None' | 'Metadata' | 'Object' {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  route: Route,
  ctx: HandlerContext,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { store } = ctx;
  const r = route.resource;
  if (route.type === 'collection') {
    if (method === 'GET') {
      const sel = selectors(url, r);
      if (queryBool(url.searchParams.get('watch'))) {
        serveWatch(req, res, url, ctx, r, route.namespace, sel);
        return;
      }
      const limit = queryInt('limit', url.searchParams.get('limit'));
      const list = store.list(r, {
        ...(route.namespace ? { namespace: route.namespace } : {}),
        ...sel,
        ...(limit && limit > 0 ? { limit } : {}),
        ...(url.searchParams.get('continue') ? { continue: url.searchParams.get('continue')! } : {}),
      });
      if (wantsTable(req.headers.accept)) {
        const listMeta = {
          resourceVersion: list.resourceVersion,
          ...(list.continue ? { continue: list.continue } : {}),
        };
        sendJson(res, 200, toTable(r, [...list.items], listMeta, ctx.now(), includeObject(url)), TABLE_CONTENT_TYPE);
        return;
      }
      // Serialised by hand so 10,000 stored objects are stringified once, without building a wrapper copy.
      const head = JSON.stringify({
        kind: `${r.kind}List`,
        apiVersion: apiVersionOf(r),
        metadata: { resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}) },
      });
      const items = list.items.map(jsonOf).join(',');
      sendJson(res, 200, `${head.slice(0, -1)},"items":[${items}]}`);
      return;
    }
    if (method === 'POST') {
      const dryRun = dryRunOf(url);
      const obj = asObject(parseBody(await readBody(req), req.headers['content-type']), r);
      checkNamespace(obj, r, route.namespace);
      if (r.namespaced && !obj.metadata.namespace) obj.metadata.namespace = 'default';
      const created = store.create(r, obj, { dryRun });
      sendObject(res, req, url, ctx, r, created, 201);
      return;
    }
    if (method === 'DELETE') {
      if (!r.verbs.includes('deletecollection'))
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const dryRun = dryRunOf(url);
      const opts = await deleteOptions(req, url, dryRun);
      const deleted = store.deleteCollection(
        r,
        { ...(route.namespace ? { namespace: route.namespace } : {}), ...selectors(url, r) },
        opts,
      );
      sendJson(res, 200, {
        kind: `${r.kind}List`,
        apiVersion: apiVersionOf(r),
        metadata: { resourceVersion: store.resourceVersion },
        items: deleted,
      });
      return;
    }
    throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }

  if (route.type === 'item') {
    const { name, namespace } = route;
    if (method === 'GET') {
      sendObject(res, req, url, ctx, r, store.mustGet(r, namespace, name));
      return;
    }
    if (method === 'PUT') {
      const dryRun = dryRunOf(url);
      const obj = asObject(parseBody(await readBody(req), req.headers['content-type']), r);
      checkName(obj, name);
      checkNamespace(obj, r, namespace);
      sendObject(res, req, url, ctx, r, store.update(r, obj, { dryRun }));
      return;
    }
    if (method === 'PATCH') {
      const body = await readBody(req);
      const out = patchObject(ctx, req, url, r, namespace, name, body, undefined);
      sendObject(res, req, url, ctx, r, out.object, out.created ? 201 : 200);
      return;
    }
    if (method === 'DELETE') {
      const dryRun = dryRunOf(url);
      const opts = await deleteOptions(req, url, dryRun);
      const deleted = store.delete(r, namespace, name, opts);
      sendJson(res, 200, deleted);
      return;
    }
    throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  }

  // Subresources (status, scale; log and eviction are served by their own handlers).
  const { name, namespace, subresource } = route;
  if (!r.subresources.some((s) => s.name === subresource))
    throw errors.notFound(`${r.plural}/${subresource}`, r.group, name);
  if (subresource === 'status') {
    if (method === 'GET') return sendObject(res, req, url, ctx, r, store.mustGet(r, namespace, name));
    const dryRun = dryRunOf(url);
    const body = await readBody(req);
    if (method === 'PUT') {
      const obj = asObject(parseBody(body, req.headers['content-type']), r);
      checkName(obj, name);
      checkNamespace(obj, r, namespace);
      return sendObject(res, req, url, ctx, r, store.update(r, obj, { dryRun, subresource: 'status' }));
    }
    if (method === 'PATCH')
      return sendObject(res, req, url, ctx, r, patchObject(ctx, req, url, r, namespace, name, body, 'status').object);
    throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  }
  if (subresource === 'scale') {
    const current = store.mustGet(r, namespace, name);
    if (method === 'GET') return sendJson(res, 200, toScale(current));
    const dryRun = dryRunOf(url);
    const body = await readBody(req);
    let desired: KubeObject;
    if (method === 'PUT') {
      desired = asScale(parseBody(body, req.headers['content-type']));
      const rv = desired.metadata.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion)
        throw errors.conflict(
          r.plural,
          r.group,
          name,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
    } else if (method === 'PATCH') {
      const type = patchTypeFromContentType(req.headers['content-type']);
      if (!type || type === 'apply')
        throw errors.unsupportedMediaType(
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`,
        );
      const result = applyPatch({
        type: type === 'strategic' ? 'merge' : type,
        current: toScale(current),
        body,
        now: ctx.now().toISOString(),
      });
      if (!result.ok) throw patchError(result, r, name);
      desired = result.object;
    } else throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const replicas = (desired.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
      throw errors.invalid(
        'Scale',
        'autoscaling',
        name,
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        [{ reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0', field: 'spec.replicas' }],
      );
    const next = clone(current) as KubeObject & { spec?: Record<string, unknown> };
    next.spec = { ...(next.spec ?? {}), replicas };
    const updated = store.update(r, next, { dryRun });
    return sendJson(res, 200, toScale(updated));
  }
  throw errors.notFound(`${r.plural}/${subresource}`, r.group, name);
}

function checkName(obj: KubeObject, name: string): void {
  if (obj.metadata.name && obj.metadata.name !== name)
    throw errors.badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  obj.metadata.name = name;
}

async function deleteOptions(req: IncomingMessage, url: URL, dryRun: boolean): Promise<DeleteOptions> {
  const body = await readBody(req);
  let propagationPolicy = url.searchParams.get('propagationPolicy') ?? undefined;
  let preconditions: DeleteOptions['preconditions'];
  if (body.trim()) {
    const parsed = parseBody(body, 'application/json');
    if (!isJsonObject(parsed)) throw errors.badRequest('DeleteOptions must be an object');
    if (typeof parsed.propagationPolicy === 'string') propagationPolicy = parsed.propagationPolicy;
    if (parsed.orphanDependents === true) propagationPolicy = 'Orphan';
    if (isJsonObject(parsed.preconditions)) {
      const p = parsed.preconditions;
      preconditions = {
        ...(typeof p.uid === 'string' ? { uid: p.uid } : {}),
        ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}),
      };
    }
    if (Array.isArray(parsed.dryRun) && parsed.dryRun.length) dryRun = true;
  }
  if (propagationPolicy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(propagationPolicy))
    throw errors.invalid(
      'DeleteOptions',
      '',
      '',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
      [
        {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: "${propagationPolicy}"`,
          field: 'propagationPolicy',
        },
      ],
    );
  return {
    dryRun,
    ...(propagationPolicy ? { propagationPolicy: propagationPolicy as PropagationPolicy } : {}),
    ...(preconditions ? { preconditions } : {}),
  };
}

function patchError(
  result: {
    readonly code: string;
    readonly message: string;
    readonly causes?: readonly { field: string; message: string; reason?: string }[];
  },
  r: ResourceInfo,
  name: string,
): StatusError {
  switch (result.code) {
    case 'Conflict':
      return new StatusError(409, 'Conflict', result.message, {
        name,
        kind: r.plural,
        ...(result.causes ? { causes: result.causes } : {}),
      });
    case 'Invalid':
      return errors.invalid(r.kind, r.group, name, result.message, result.causes ?? []);
    case 'UnsupportedMediaType':
      return errors.unsupportedMediaType(result.message);
    default:
      return errors.badRequest(result.message);
  }
}

/** PATCH on an object or its status: the four patch types, server-side apply creating absent objects. */
function patchObject(
  ctx: HandlerContext,
  req: IncomingMessage,
  url: URL,
  r: ResourceInfo,
  namespace: string | undefined,
  name: string,
  body: string,
  subresource: 'status' | undefined,
): { object: KubeObject; created: boolean } {
  const dryRun = dryRunOf(url);
  const ct = req.headers['content-type'];
  if (ct && /protobuf|cbor/.test(ct)) throw errors.unsupportedMediaType(PROTOBUF_HINT);
  const type = patchTypeFromContentType(ct);
  if (!type)
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  const fieldManager = url.searchParams.get('fieldManager') ?? undefined;
  if (type === 'apply' && !fieldManager)
    throw errors.badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const force = queryBool(url.searchParams.get('force'));
  if (force && type !== 'apply') throw errors.badRequest('force is only valid for apply patches');
  const current = ctx.store.get(r, namespace, name);
  if (!current && type !== 'apply') throw errors.notFound(r.plural, r.group, name);
  const result = applyPatch({
    type,
    current,
    body,
    ...(fieldManager ? { fieldManager } : {}),
    force,
    now: ctx.now().toISOString(),
  });
  if (!result.ok) throw patchError(result, r, name);
  const obj = result.object;
  if (!hasMetadata(obj)) throw errors.badRequest('the patch removed the object metadata');
  if (obj.metadata.name !== undefined && obj.metadata.name !== name)
    throw errors.badRequest(
      `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`,
    );
  obj.metadata.name = name;
  if (r.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace)
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = namespace;
  }
  if (!current) {
    const created = ctx.store.create(r, { ...obj, apiVersion: apiVersionOf(r), kind: r.kind }, { dryRun });
    return { object: created, created: true };
  }
  // A patch that does not carry a resourceVersion applies to what it was computed against (no lost update
  // is possible: the read and the write happen in the same turn of the event loop).
  if (obj.metadata.resourceVersion === undefined) obj.metadata.resourceVersion = current.metadata.resourceVersion;
  return { object: ctx.store.update(r, obj, { dryRun, ...(subresource ? { subresource } : {}) }), created: false };
}

function toScale(o: KubeObject): KubeObject {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (o.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name!,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      uid: o.metadata.uid!,
      resourceVersion: o.metadata.resourceVersion!,
      creationTimestamp: o.metadata.creationTimestamp!,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

function asScale(v: unknown): KubeObject {
  if (!isJsonObject(v)) throw errors.badRequest('the body of the request must be a Scale object');
  return { ...(v as object), metadata: isJsonObject(v.metadata) ? (v.metadata as object) : {} } as KubeObject;
}
