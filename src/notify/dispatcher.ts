// Delivery that never holds up the repair loop: send() only queues, one queue per receiver so a receiver that is down
// delays no other, retries with exponential back-off and jitter in the background, a bounded queue (the oldest message
// is dropped, reported), and stop() that drains what it can within a deadline and cancels the rest.
import type { Notification, Notifier } from '../remedy/types.js';
import type { DeliveringNotifier } from './delivery.js';

export type DeliveryEvent =
  | { readonly type: 'delivered'; readonly receiver: string; readonly n: Notification; readonly attempts: number }
  | {
      readonly type: 'retrying';
      readonly receiver: string;
      readonly n: Notification;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: string;
    }
  | {
      readonly type: 'failed';
      readonly receiver: string;
      readonly n: Notification;
      readonly attempts: number;
      readonly error: string;
    }
  | { readonly type: 'dropped'; readonly receiver: string; readonly n: Notification }
  | { readonly type: 'cancelled'; readonly receiver: string; readonly n: Notification };

export interface DispatcherOptions {
  /** Messages waiting per receiver (the one being delivered not counted); default 100. */
  readonly maxQueue?: number;
  /** Attempts per message, the first included; default 6. */
  readonly maxAttempts?: number;
  /** First back-off; default 1 s, doubled per attempt. */
  readonly baseDelayMs?: number;
  /** Default 5 minutes; also caps a receiver's Retry-After. */
  readonly maxDelayMs?: number;
  /** Exact secret values masked in every message. */
  readonly known?: readonly string[];
  /** Hears every delivery outcome (for the daemon's log and the audit trail). Must not throw. */
  readonly onEvent?: (event: DeliveryEvent) => void;
  /** In [0, 1); default Math.random. Jitter spreads retries of several daemons hitting one receiver. */
  readonly random?: () => number;
}

interface Receiver {
  readonly notifier: DeliveringNotifier;
  readonly queue: Notification[];
  busy: boolean;
  worker?: Promise<void>;
  controller?: AbortController;
  /** Ends the current back-off wait early. */
  wake?: () => void;
}

export interface StopResult {
  /** Messages still undelivered at the deadline, now given up. */
  readonly cancelled: number;
}

export class NotifyDispatcher implements Notifier {
  readonly name = 'dispatcher';
  private readonly receivers: Receiver[];
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;
  private cancelling = false;

  constructor(
    notifiers: readonly DeliveringNotifier[],
    private readonly options: DispatcherOptions = {},
  ) {
    this.receivers = notifiers.map((notifier) => ({ notifier, queue: [], busy: false }));
  }

  get receiverNames(): readonly string[] {
    return this.receivers.map((r) => r.notifier.name);
  }

  /** Queues `n` for every receiver and returns at once; the outcome arrives through onEvent. */
  async send(n: Notification): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.stopped) return { ok: false, error: 'notifications are stopped' };
    if (this.receivers.length === 0) return { ok: false, error: 'no notifier is configured' };
    const max = this.options.maxQueue ?? 100;
    for (const receiver of this.receivers) {
      receiver.queue.push(n);
      while (receiver.queue.length > max + (receiver.busy ? 1 : 0)) {
        // Index 0 is being delivered while busy; the oldest waiting one goes.
        const [dropped] = receiver.queue.splice(receiver.busy ? 1 : 0, 1);
        if (dropped) this.emit({ type: 'dropped', receiver: receiver.notifier.name, n: dropped });
      }
      if (!receiver.busy) receiver.worker = this.run(receiver);
    }
    return { ok: true };
  }

  /** Messages not yet delivered or given up, over all receivers. */
  pending(): number {
    return this.receivers.reduce((sum, r) => sum + r.queue.length, 0);
  }

  /** Resolves once every queue is empty. */
  whenIdle(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops accepting messages, lets queued ones be delivered (retries included) until `timeoutMs` (default 5 s), then
   * aborts what is in flight and gives up the rest.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<StopResult> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 5000);
    });
    await Promise.race([this.whenIdle(), deadline]);
    clearTimeout(timer);
    this.cancelling = true;
    let cancelled = 0;
    for (const receiver of this.receivers) {
      for (const n of receiver.queue.splice(0)) {
        cancelled++;
        this.emit({ type: 'cancelled', receiver: receiver.notifier.name, n });
      }
      receiver.controller?.abort();
      receiver.wake?.();
    }
    await Promise.all(this.receivers.map((r) => r.worker));
    this.settle();
    return { cancelled };
  }

  private async run(receiver: Receiver): Promise<void> {
    receiver.busy = true;
    try {
      for (let n = receiver.queue[0]; n !== undefined && !this.cancelling; n = receiver.queue[0]) {
        await this.deliver(receiver, n);
        if (receiver.queue[0] === n) receiver.queue.shift();
      }
    } finally {
      receiver.busy = false;
      this.settle();
    }
  }

  private async deliver(receiver: Receiver, n: Notification): Promise<void> {
    const name = receiver.notifier.name;
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 6);
    for (let attempt = 1; !this.cancelling; attempt++) {
      receiver.controller = new AbortController();
      let result: Awaited<ReturnType<DeliveringNotifier['send']>>;
      try {
        result = await receiver.notifier.send(n, {
          signal: receiver.controller.signal,
          ...(this.options.known ? { known: this.options.known } : {}),
        });
      } catch (error) {
        // A notifier that throws is a bug in it, not a reason to stop delivering to the others.
        result = { ok: false, error: error instanceof Error ? error.message : String(error), retryable: false };
      }
      receiver.controller = undefined;
      if (this.cancelling) return;
      if (result.ok) {
        this.emit({ type: 'delivered', receiver: name, n, attempts: attempt });
        return;
      }
      if (!result.retryable || attempt >= maxAttempts) {
        this.emit({ type: 'failed', receiver: name, n, attempts: attempt, error: result.error });
        return;
      }
      const delayMs = this.backoff(attempt, result.retryAfterMs);
      this.emit({ type: 'retrying', receiver: name, n, attempt, delayMs, error: result.error });
      await this.sleep(receiver, delayMs);
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const max = this.options.maxDelayMs ?? 300_000;
    const exponential = (this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1);
    // Equal jitter: half fixed, half random, so retries never collapse to zero wait.
    const jittered = exponential / 2 + (exponential / 2) * (this.options.random ?? Math.random)();
    return Math.min(max, Math.max(jittered, retryAfterMs ?? 0));
  }

  private sleep(receiver: Receiver, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        receiver.wake = undefined;
        resolve();
      };
      // Unref'd: a receiver that stays down must not keep a finished process alive.
      const timer = setTimeout(done, ms);
      timer.unref();
      receiver.wake = done;
    });
  }

  private settle(): void {
    if (this.pending() > 0 && !this.cancelling) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private emit(event: DeliveryEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // An observer's failure must not break delivery.
    }
  }
}
