// `GET pods/{name}/log`: text/plain from the log store, with kubelet's container selection and the
// apiserver's 400s (container required, waiting to start, no previous instance), and streaming for follow.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { getPath } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { LogLine, LogStore } from '../store/log-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { errors } from '../store/status-error.js';
import { queryBool, queryInt } from './http-util.js';

const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;

interface ContainerStatusLike {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: unknown; terminated?: unknown };
  lastState?: { terminated?: unknown };
}

export interface LogContext {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly now: () => Date;
  readonly streams: Set<ServerResponse>;
}

export function servePodLog(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  namespace: string,
  name: string,
  ctx: LogContext,
): void {
  const pod = ctx.store.mustGet(PODS, namespace, name);
  const containers = ((getPath(pod, ['spec', 'containers']) as { name: string }[] | undefined) ?? []).map(
    (c) => c.name,
  );
  const inits = ((getPath(pod, ['spec', 'initContainers']) as { name: string }[] | undefined) ?? []).map((c) => c.name);
  let container = url.searchParams.get('container') ?? undefined;
  if (!container) {
    if (containers.length === 1) container = containers[0];
    else {
      const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
      throw errors.badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initPart}`,
      );
    }
  }
  if (!container || (!containers.includes(container) && !inits.includes(container)))
    throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  const previous = queryBool(url.searchParams.get('previous'));
  const statuses = [
    ...((getPath(pod, ['status', 'containerStatuses']) as ContainerStatusLike[] | undefined) ?? []),
    ...((getPath(pod, ['status', 'initContainerStatuses']) as ContainerStatusLike[] | undefined) ?? []),
  ];
  const st = statuses.find((s) => s.name === container);
  if (previous) {
    if (!ctx.logs.hasPrevious(namespace, name, container))
      throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  } else if (
    !st ||
    (st.state?.waiting && !st.state.running && (st.restartCount ?? 0) === 0 && !st.lastState?.terminated)
  ) {
    const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
    const why =
      reason === 'ImagePullBackOff' || reason === 'ErrImagePull' ? 'trying and failing to pull image' : reason;
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }

  const timestamps = queryBool(url.searchParams.get('timestamps'));
  const tail = queryInt('tailLines', url.searchParams.get('tailLines'));
  const since = queryInt('sinceSeconds', url.searchParams.get('sinceSeconds'));
  const limitBytes = queryInt('limitBytes', url.searchParams.get('limitBytes'));
  const fmt = (l: LogLine) => `${timestamps ? `${l.time.toISOString()} ` : ''}${l.text}\n`;
  let lines = [...(ctx.logs.read(namespace, name, container, previous) ?? [])];
  if (since !== undefined) {
    const cutoff = ctx.now().getTime() - since * 1000;
    lines = lines.filter((l) => l.time.getTime() >= cutoff);
  }
  if (tail !== undefined && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
  let text = lines.map(fmt).join('');
  if (limitBytes !== undefined && limitBytes > 0) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');

  if (!queryBool(url.searchParams.get('follow')) || previous) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.write(text);
  ctx.streams.add(res);
  const unfollow = ctx.logs.follow(namespace, name, container, (l) => {
    if (!res.writableEnded) res.write(fmt(l));
  });
  const stop = () => {
    unfollow();
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  // The stream ends when the pod goes away, as kubelet's does.
  const unsubscribe = ctx.store.subscribe((e) => {
    if (
      e.resource === PODS &&
      e.type === 'DELETED' &&
      e.object.metadata.namespace === namespace &&
      e.object.metadata.name === name
    )
      stop();
  });
  req.on('close', () => {
    unsubscribe();
    stop();
  });
  res.on('close', () => {
    unsubscribe();
    stop();
  });
}
