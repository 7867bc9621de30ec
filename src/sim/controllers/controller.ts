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

/** What one controller has done since it started (benchmarks read it to find where the time goes). */
export interface ControllerStats {
  readonly name: string;
  /** reconcile() calls, including those that threw. */
  readonly reconciles: number;
  /** reconcile() calls that threw (each is retried later). */
  readonly errors: number;
  /** Wall-clock milliseconds spent inside reconcile(). */
  readonly busyMs: number;
}

export interface RunningControllers {
  /** Reconciles every queued key now (tests and benchmarks use it to settle the cluster). */
  flush(): void;
  /** Counters per controller, in the order the controllers were given. */
  stats(): readonly ControllerStats[];
  stop(): void;
}

/**
 * Wall time one scheduled drain may take before it yields. Reconciles share the event loop with the API
 * server: under heavy churn 50 unbounded passes ran for many seconds (bench:sim's churn case saw `GET /version`
 * wait 20 s), and every client request, watch write and timer waited with them.
 */
const DRAIN_BUDGET_MS = 20;

/** Starts controllers on a store: one subscription, one queue per controller, errors logged not thrown. */
export function runControllers(ctx: ControllerContext, controllers: readonly Controller[]): RunningControllers {
  const queues = controllers.map((c) => ({
    c,
    pending: new Set<string>(),
    timers: new Map<string, () => void>(),
    reconciles: 0,
    errors: 0,
    busyMs: 0,
  }));
  let scheduled = false;
  let stopped = false;
  /** The queue a drain starts with: after a budget cut, the next turn carries on round-robin from there. */
  let first = 0;

  /** Runs queued keys, `budgetMs` of wall time at most; what is left goes on in a later macrotask. */
  const drain = (budgetMs = Number.POSITIVE_INFINITY): void => {
    scheduled = false;
    if (stopped) return;
    const deadline = performance.now() + budgetMs;
    // Bounded passes: a controller that keeps re-queuing itself cannot starve the event loop.
    for (let pass = 0; pass < 50; pass++) {
      let worked = false;
      for (let n = 0; n < queues.length; n++) {
        const at = (first + n) % queues.length;
        const q = queues[at]!;
        if (q.pending.size === 0) continue;
        const keys = [...q.pending];
        q.pending.clear();
        for (let i = 0; i < keys.length; i++) {
          worked = true;
          run(q, keys[i]!);
          if (performance.now() < deadline) continue;
          // Keys this turn did not reach keep their place ahead of the ones queued meanwhile.
          const queuedMeanwhile = [...q.pending];
          q.pending.clear();
          for (const k of [...keys.slice(i + 1), ...queuedMeanwhile]) q.pending.add(k);
          first = (at + 1) % queues.length;
          schedule();
          return;
        }
      }
      if (!worked) {
        first = 0;
        return;
      }
    }
    first = 0;
    schedule();
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(drain, DRAIN_BUDGET_MS);
  };
  const run = (q: (typeof queues)[number], key: string): void => {
    q.reconciles++;
    const started = performance.now();
    try {
      const again = q.c.reconcile(key);
      q.busyMs += performance.now() - started;
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
      q.busyMs += performance.now() - started;
      q.errors++;
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
        if (process.env.KUBEMEND_SIM_DEBUG)
          console.error(`controller ${q.c.name} could not map ${e.type} ${e.resource.plural}:`, err);
      }
    }
    schedule();
  });
  for (const q of queues) for (const k of q.c.initialKeys?.() ?? []) q.pending.add(k);
  schedule();

  return {
    flush: () => drain(),
    stats: () => queues.map((q) => ({ name: q.c.name, reconciles: q.reconciles, errors: q.errors, busyMs: q.busyMs })),
    stop() {
      stopped = true;
      unsubscribe();
      for (const q of queues) for (const cancel of q.timers.values()) cancel();
    },
  };
}
