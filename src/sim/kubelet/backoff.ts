// client-go's flowcontrol.Backoff as kubelet uses it for crash loops and image pulls: 10s doubling to 5min,
// forgotten once an item has been quiet for twice the maximum (so a container that ran 10 minutes starts
// over at 10s). Times are simulated epoch milliseconds; no jitter, so tests can predict the sequence.

interface Entry {
  backoffMs: number;
  lastUpdateMs: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  private expired(eventMs: number, e: Entry): boolean {
    return eventMs - e.lastUpdateMs > this.maxMs * 2;
  }

  /** Records an occurrence at `eventMs` (observed at `nowMs`): the next back-off doubles, or resets. */
  next(key: string, eventMs: number, nowMs: number): void {
    const e = this.entries.get(key);
    const backoffMs = !e || this.expired(eventMs, e) ? this.initialMs : Math.min(e.backoffMs * 2, this.maxMs);
    this.entries.set(key, { backoffMs, lastUpdateMs: nowMs });
  }

  /** Whether `nowMs` is still within the back-off that follows an event at `eventMs`. */
  isInBackOffSince(key: string, eventMs: number, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) return false;
    return nowMs - eventMs < e.backoffMs;
  }

  /** Whether `nowMs` is still within the back-off that started at the last `next`. */
  isInBackOffSinceUpdate(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(nowMs, e)) return false;
    return nowMs - e.lastUpdateMs < e.backoffMs;
  }

  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  lastUpdate(key: string): number | undefined {
    return this.entries.get(key)?.lastUpdateMs;
  }

  /** Drops every entry whose key starts with `prefix` (a deleted pod's). */
  forget(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
