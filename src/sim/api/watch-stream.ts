// A watch as kube-apiserver serves it: 200, chunked, one JSON event per line, 410 Expired as an ERROR event,
// optional bookmarks, closed at timeoutSeconds. Each event is serialised once per stream.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabelSelector } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { apiVersionOf, type ResourceInfo } from '../resources.js';
import type { FieldSelector } from '../store/selectors.js';
import { StatusError } from '../store/status-error.js';
import { toTable } from '../tables/index.js';
import { jsonOf, queryBool, queryInt, wantsTable } from './http-util.js';
import type { HandlerContext } from './resource-handlers.js';

const BOOKMARK_EVERY_MS = 5_000;

export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: HandlerContext,
  r: ResourceInfo,
  namespace: string | undefined,
  sel: { labelSelector: LabelSelector; fieldSelector: FieldSelector },
): void {
  const table = wantsTable(req.headers.accept);
  const timeoutSeconds = queryInt('timeoutSeconds', url.searchParams.get('timeoutSeconds'));
  const bookmarks = queryBool(url.searchParams.get('allowWatchBookmarks'));
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  ctx.streams.add(res);
  let lastRv = ctx.store.resourceVersion;

  const render = (o: KubeObject): string =>
    table
      ? JSON.stringify(toTable(r, [o], { resourceVersion: o.metadata.resourceVersion ?? '' }, ctx.now(), 'Metadata'))
      : jsonOf(o);
  // Events of one event-loop turn go out as one chunk: at 1,000 updates/s to 50 watchers, one socket write per
  // event per watcher would be 50,000 syscalls a second.
  let pending: string[] = [];
  const flush = (): void => {
    const text = pending.join('');
    pending = [];
    if (!res.writableEnded && text) res.write(text);
  };
  const write = (type: string, objectJson: string): void => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(`{"type":"${type}","object":${objectJson}}\n`);
  };

  const start = ctx.store.watch(
    r,
    {
      ...(namespace ? { namespace } : {}),
      ...sel,
      ...(url.searchParams.has('resourceVersion') ? { resourceVersion: url.searchParams.get('resourceVersion')! } : {}),
    },
    (e) => {
      lastRv = String(e.rv);
      write(e.type, render(e.object));
    },
  );
  if (!start.ok) {
    write('ERROR', JSON.stringify(new StatusError(410, 'Expired', start.message).toStatus()));
    flush();
    ctx.streams.delete(res);
    res.end();
    return;
  }
  const timers: NodeJS.Timeout[] = [];
  const stop = (): void => {
    start.cancel();
    flush();
    for (const t of timers) clearTimeout(t);
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  if (bookmarks) {
    const t = setInterval(
      () =>
        write(
          'BOOKMARK',
          JSON.stringify({ kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: lastRv } }),
        ),
      BOOKMARK_EVERY_MS,
    );
    t.unref();
    timers.push(t);
  }
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
    const t = setTimeout(stop, timeoutSeconds * 1000);
    t.unref();
    timers.push(t);
  }
  req.on('close', stop);
  res.on('close', stop);
}
