// The simulator's HTTP front: a node:http server on loopback that routes Kubernetes REST paths to
// discovery, OpenAPI, resource verbs, pod logs and watches. Node's http (not a framework) because this is
// the hot path of every benchmark and watch fan-out.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESOURCES } from '../resources.js';
import type { LogStore } from '../store/log-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { errors, StatusError } from '../store/status-error.js';
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  type ExtraGroup,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
  openApiV3Document,
  openApiV3Root,
  wantsAggregated,
} from './discovery.js';
import { readBody, sendJson, sendStatusError } from './http-util.js';
import { servePodLog } from './pod-log.js';
import { handleResource } from './resource-handlers.js';
import { resolveRoute, splitGroupVersion } from './route.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: 'kubemend-sim',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** A handler for paths the core server does not own (e.g. metrics.k8s.io from the simulated kubelet). */
export interface ExtraApi {
  readonly group: ExtraGroup;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export interface ApiServerOptions {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly now: () => Date;
  readonly host?: string;
  readonly port?: number;
  readonly extraApis?: readonly ExtraApi[];
  /** Resources (plurals) the caller may not touch: 403 like RBAC would answer (tests of missing permissions). */
  readonly forbidden?: readonly string[];
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  /** Requests served so far (benchmarks count the API calls a client makes). */
  requestCount(): number;
  /** Ends every open watch and log stream, as an apiserver restart would: clients must reconnect. */
  dropStreams(): void;
  close(): Promise<void>;
}

const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const streams = new Set<ServerResponse>();
  const extras = options.extraApis ?? [];
  const ctx = { store: options.store, logs: options.logs, now: options.now, streams };
  let requests = 0;
  let address = '';

  const server: Server = createServer((req, res) => {
    requests++;
    handle(req, res).catch((err: unknown) => {
      if (err instanceof StatusError) sendStatusError(res, err);
      else {
        // A bug in the simulator must not take the server down: answer 500 and keep serving.
        const message = err instanceof Error ? err.message : String(err);
        sendStatusError(res, errors.internal(`simulator error: ${message}`));
        if (process.env.KUBEMEND_SIM_DEBUG) console.error(err);
      }
    });
  });
  // Slow clients must not hold sockets forever; watches have their own timeouts.
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The Date header is the cluster's clock, as on a real API server: clients that need "now" read it here.
    res.setHeader('Date', options.now().toUTCString());
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    const method = req.method ?? 'GET';

    if (method === 'GET') {
      switch (path) {
        case '/version':
          return sendJson(res, 200, SERVER_VERSION);
        case '/healthz':
        case '/readyz':
        case '/livez':
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end('ok');
          return;
        case '/api':
          return wantsAggregated(accept)
            ? sendJson(res, 200, aggregatedDiscovery(true), AGGREGATED_CONTENT_TYPE)
            : sendJson(res, 200, legacyApiVersions(address));
        case '/apis':
          return wantsAggregated(accept)
            ? sendJson(
                res,
                200,
                aggregatedDiscovery(
                  false,
                  extras.map((e) => e.group),
                ),
                AGGREGATED_CONTENT_TYPE,
              )
            : sendJson(res, 200, legacyGroupList(extras.map((e) => e.group)));
        case '/openapi/v3':
          return sendJson(res, 200, openApiV3Root());
        case '/openapi/v2':
          // An empty protobuf document: kubectl then finds no schema and skips client-side validation (reference §1.4).
          res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
          res.end();
          return;
      }
      if (path.startsWith('/openapi/v3/')) {
        const gv = splitGroupVersion(path.slice('/openapi/v3'.length));
        const doc = gv && gv.rest.length === 0 ? openApiV3Document(gv.group, gv.version) : undefined;
        if (doc) return sendJson(res, 200, doc);
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      }
    }
    for (const extra of extras) if (extra.handle(req, res, url)) return;

    const gv = splitGroupVersion(path);
    if (!gv) {
      await drain(req);
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (gv.rest.length === 0 && method === 'GET') {
      const list = legacyResourceList(
        gv.group,
        gv.version,
        extras.map((e) => e.group),
      );
      if (list) return sendJson(res, 200, list);
    }
    if (gv.group && gv.rest.length === 0 && method === 'GET' && path.split('/').length === 3) {
      const group = legacyGroup(gv.group);
      if (group) return sendJson(res, 200, group);
    }
    if (path.split('/').filter(Boolean).length === 2 && path.startsWith('/apis/') && method === 'GET') {
      const group = legacyGroup(
        path.split('/')[2]!,
        extras.map((e) => e.group),
      );
      if (group) return sendJson(res, 200, group);
    }
    const route = resolveRoute(gv);
    if (!route) {
      await drain(req);
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (options.forbidden?.includes(route.resource.plural)) {
      await drain(req);
      throw forbiddenFor(method, url, route.resource.plural, route.resource.group, route.namespace);
    }
    if (route.type === 'subresource' && route.resource === PODS) {
      if (route.subresource === 'log' && method === 'GET')
        return servePodLog(req, res, url, route.namespace!, route.name, ctx);
      if (route.subresource === 'eviction' && method === 'POST') {
        await readBody(req);
        options.store.delete(PODS, route.namespace, route.name, { propagationPolicy: 'Background' });
        return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
    }
    await handleResource(req, res, url, route, ctx);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  address = `${host}:${port}`;
  return {
    url: `http://${address}`,
    port,
    requestCount: () => requests,
    dropStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** kube-apiserver's RBAC denial, word for word. */
function forbiddenFor(
  method: string,
  url: URL,
  plural: string,
  group: string,
  namespace: string | undefined,
): StatusError {
  const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const verb =
    { GET: watch ? 'watch' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ??
    method.toLowerCase();
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return new StatusError(
    403,
    'Forbidden',
    `${plural} is forbidden: User "kubemend-sim" cannot ${verb} resource "${plural}" in API group "${group}" ${scope}`,
    {
      kind: plural,
    },
  );
}

async function drain(req: IncomingMessage): Promise<void> {
  try {
    await readBody(req);
  } catch {
    // The request is answered with 404 anyway; an oversized body changes nothing.
  }
}
