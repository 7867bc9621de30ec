// Our own retry policy (the SDK's is switched off): we decide what is retryable, we cap what a server may ask us to
// wait, and the sleep is injectable so tests can assert the wait without waiting.

import type { ModelErrorCode } from './chat-model.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the call fails RATE_LIMITED so a fallback model can take over. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

const RETRYABLE: ReadonlySet<ModelErrorCode> = new Set(['RATE_LIMITED', 'SERVER_ERROR', 'UNREACHABLE']);

export function isRetryable(code: ModelErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** Resolves after `ms`, or as soon as the signal aborts (the caller checks the signal). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Exponential back-off with jitter in [50%, 100%] of the step, so clients that failed together do not retry together. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}

interface HeaderSource {
  get(name: string): string | null;
}

/** Milliseconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(headers: HeaderSource | undefined, now: () => number = Date.now): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}
