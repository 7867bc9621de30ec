// client-node's informer relists on 410 by itself, but any other error stops it for good, stop() fires the
// error callback, and a watch that silently stops delivering is never noticed. This wrapper restarts with
// exponential back-off, ignores errors it caused by stopping, and relists a watch that has gone quiet.

import * as k8s from '@kubernetes/client-node';
import { type KubeError, toKubeError } from './connect.js';
import { collectionPath, type KindApi, listRaw, stripSecretValues } from './kind-apis.js';

export interface InformerHandlers {
  onAdd(obj: unknown): void;
  onUpdate(obj: unknown): void;
  onDelete(obj: unknown): void;
  /** Called after every successful (re)list: the cache is complete again. */
  onSynced?(): void;
  onError?(error: KubeError, retryInMs: number): void;
}

export interface InformerOptions {
  readonly namespace?: string;
  /** First retry delay after an error; doubles up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Relist when no event arrived for this long (a silent watch is indistinguishable from a dead one). */
  readonly watchdogMs?: number;
}

export interface InformerStats {
  readonly starts: number;
  readonly errors: number;
  readonly lastEventAt: number | undefined;
}

export interface ResilientInformer {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): InformerStats;
}

export function resilientInformer(
  kc: k8s.KubeConfig,
  api: KindApi,
  handlers: InformerHandlers,
  options: InformerOptions = {},
): ResilientInformer {
  const initial = options.initialBackoffMs ?? 500;
  const max = options.maxBackoffMs ?? 30_000;
  const watchdogMs = options.watchdogMs ?? 300_000;
  const ns = api.namespaced ? options.namespace : undefined;
  const path = collectionPath(api, ns);
  // Lists in pages of 500, as client-go's reflector does, so a 10,000-pod collection is never one response in
  // memory. The watch resumes from the first page's resourceVersion: a real apiserver serves every page from
  // that snapshot, and a server that does not is still covered, since the watch replays what changed after it.
  const list = async () => {
    const items: unknown[] = [];
    let resourceVersion: string | undefined;
    let cont: string | undefined;
    do {
      const page = await listRaw(kc, path, { limit: '500', ...(cont ? { continue: cont } : {}) });
      resourceVersion ??= page.metadata?.resourceVersion;
      for (const item of page.items) items.push(item);
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, metadata: { resourceVersion } } as k8s.KubernetesListObject<k8s.KubernetesObject>;
  };
  const informer = k8s.makeInformer(kc, path, list);

  let running = false;
  let stopping = false;
  let backoff = initial;
  let starts = 0;
  let errors = 0;
  let lastEventAt: number | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;

  const touch = () => {
    lastEventAt = Date.now();
  };
  informer.on('add', (o) => {
    touch();
    handlers.onAdd(stripSecretValues(api.kind, o));
  });
  informer.on('update', (o) => {
    touch();
    handlers.onUpdate(stripSecretValues(api.kind, o));
  });
  informer.on('delete', (o) => {
    touch();
    handlers.onDelete(stripSecretValues(api.kind, o));
  });
  informer.on('connect', () => {
    touch();
    backoff = initial;
  });
  informer.on('error', (err) => {
    // stop() reports an abort through the error callback: that is us, not the cluster.
    if (stopping || !running) return;
    errors++;
    const error = toKubeError(
      err,
      { verb: 'watch', resource: api.resource, ...(ns ? { namespace: ns } : {}) },
      kc.getCurrentCluster()?.server,
    );
    const delay = backoff;
    backoff = Math.min(max, backoff * 2);
    handlers.onError?.(error, delay);
    scheduleRestart(delay);
  });

  function scheduleRestart(delay: number): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void restart();
    }, delay);
    retryTimer.unref();
  }

  async function startOnce(): Promise<void> {
    starts++;
    await informer.start();
    touch();
    handlers.onSynced?.();
  }

  async function restart(): Promise<void> {
    if (!running) return;
    stopping = true;
    try {
      await informer.stop();
    } catch {
      // Already stopped by its own error.
    }
    stopping = false;
    try {
      await startOnce();
    } catch (err) {
      if (!running) return;
      errors++;
      const error = toKubeError(
        err,
        { verb: 'list', resource: api.resource, ...(ns ? { namespace: ns } : {}) },
        kc.getCurrentCluster()?.server,
      );
      const delay = backoff;
      backoff = Math.min(max, backoff * 2);
      handlers.onError?.(error, delay);
      scheduleRestart(delay);
    }
  }

  return {
    async start() {
      running = true;
      try {
        await startOnce();
      } catch (err) {
        // The first list failing is reported to the caller; later failures retry in the background.
        running = false;
        throw err;
      }
      watchdog = setInterval(
        () => {
          if (running && !retryTimer && lastEventAt !== undefined && Date.now() - lastEventAt > watchdogMs)
            void restart();
        },
        Math.min(watchdogMs, 30_000),
      );
      watchdog.unref();
    },
    async stop() {
      running = false;
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (watchdog) clearInterval(watchdog);
      try {
        await informer.stop();
      } catch {
        // Stopping an informer that already failed is fine.
      }
      stopping = false;
    },
    stats: () => ({ starts, errors, lastEventAt }),
  };
}
