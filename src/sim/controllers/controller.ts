// The shape every simulated controller shares, written once: store events map to keys, keys go through a
// de-duplicating work queue, and `reconcile(key)` brings one object toward its desired state. Reconciles run
// in a later macrotask than the write that triggered them, like a real controller behind an informer.

import type { SimClock } from '../clock.js';
import type { LogStore } from '../store/log-store.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { EventRecorder } from './event-recorder.js';

export interface ControllerContext {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly clock: SimClock;
  readonly events: EventRecorder;
}

export interface Controller {
  readonly name: string;
  /** Keys (usually `namespace/name` of the object this controller owns) to reconcile for a store change. */
  keysFor(e: StoreEvent): readonly string[];
  /** Brings one key toward its desired state. May return a delay (simulated ms) to be called again. */
  reconcile(key: string): number | undefined | void;
  /** Keys to reconcile once at start-up (objects that existed before the controller). */
  initialKeys?(): readonly string[];
}

export interface RunningControllers {
  /** Reconciles every queued key now (tests and benchmarks use it to settle the cluster). */
  flush(): void;
  stop(): void;
}

/** Starts controllers on a store: one subscription, one queue per controller, errors logged not thrown. */
export function runControllers(ctx: ControllerContext, controllers: readonly Controller[]): RunningControllers {
  const queues = controllers.map((c) => ({ c, pending: new Set<string>(), timers: new Map<string, () => void>() }));
  let scheduled = false;
  let stopped = false;

  const drain = (): void => {
    scheduled = false;
    if (stopped) return;
    // Bounded passes: a controller that keeps re-queuing itself cannot starve the event loop.
    for (let pass = 0; pass < 50; pass++) {
      let worked = false;
      for (const q of queues) {
        if (q.pending.size === 0) continue;
        const keys = [...q.pending];
        q.pending.clear();
        for (const key of keys) {
          worked = true;
          run(q, key);
        }
      }
      if (!worked) return;
    }
    schedule();
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(drain);
  };
  const run = (q: (typeof queues)[number], key: string): void => {
    try {
      const again = q.c.reconcile(key);
      if (typeof again === 'number' && again >= 0) {
        q.timers.get(key)?.();
        q.timers.set(
          key,
          ctx.clock.setTimeout(() => {
            q.timers.delete(key);
            q.pending.add(key);
            schedule();
          }, again),
        );
      }
    } catch (err) {
      if (process.env.KUBEMEND_SIM_DEBUG) console.error(`controller ${q.c.name} failed on ${key}:`, err);
      // Retry later, as a controller's rate-limited queue would.
      q.timers.get(key)?.();
      q.timers.set(
        key,
        ctx.clock.setTimeout(() => {
          q.timers.delete(key);
          q.pending.add(key);
          schedule();
        }, 1_000),
      );
    }
  };

  const unsubscribe = ctx.store.subscribe((e) => {
    for (const q of queues) {
      // The subscriber runs inside the writer's call: a controller bug must not fail a user's request.
      try {
        for (const k of q.c.keysFor(e)) q.pending.add(k);
      } catch (err) {
        if (process.env.KUBEMEND_SIM_DEBUG) console.error(`controller ${q.c.name} could not map ${e.type} ${e.resource.plural}:`, err);
      }
    }
    schedule();
  });
  for (const q of queues) for (const k of q.c.initialKeys?.() ?? []) q.pending.add(k);
  schedule();

  return {
    flush: () => drain(),
    stop() {
      stopped = true;
      unsubscribe();
      for (const q of queues) for (const cancel of q.timers.values()) cancel();
    },
  };
}
