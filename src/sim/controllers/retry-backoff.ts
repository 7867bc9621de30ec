// The work queue's per-key exponential failure back-off (client-go's ItemExponentialFailureRateLimiter:
// 5ms doubling up to 1000s), in simulated time. Controllers whose failures a fix elsewhere can cure (a
// raised quota) also requeue on that change, so the long tail of the back-off does not delay recovery.

const BASE_MS = 5;
const MAX_MS = 1_000_000;

export class RetryBackoff {
  private readonly failures = new Map<string, number>();

  /** Records a failure for `key` and returns how long to wait before the next attempt. */
  failed(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    return Math.min(MAX_MS, BASE_MS * 2 ** (n - 1));
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}
