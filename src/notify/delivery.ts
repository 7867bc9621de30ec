// What a notifier reports beyond the shared Notifier contract: whether a failure is worth retrying (a receiver that is down
// or rate-limiting) or not (a rejected payload, a revoked webhook), and how long the receiver asked us to wait.
import type { Notification, Notifier } from '../remedy/types.js';

export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly retryable: boolean; readonly retryAfterMs?: number };

export interface SendOptions {
  /** Aborts the HTTP request (the dispatcher's stop()). */
  readonly signal?: AbortSignal;
  /** Exact values to mask wherever they appear (decoded Secret data the caller knows about). */
  readonly known?: readonly string[];
}

/** A Notifier the dispatcher can retry and cancel. Assignable to the contract's Notifier. */
export interface DeliveringNotifier extends Notifier {
  send(n: Notification, options?: SendOptions): Promise<DeliveryResult>;
}

export interface HttpOptions {
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function networkError(error: unknown): string {
  // Never the message of the error itself: fetch puts the URL in some of them, and webhook URLs are credentials.
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return `network error ${cause.code}`;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return error.name;
  return 'network error';
}

/** POSTs JSON; a network failure or timeout is a retryable failure, an HTTP answer of any status is returned as is. */
export async function postJson(
  url: string,
  body: unknown,
  http: HttpOptions,
  options: SendOptions = {},
): Promise<{ readonly ok: true; readonly answer: HttpAnswer } | Extract<DeliveryResult, { ok: false }>> {
  const timeout = AbortSignal.timeout(http.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await (http.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    return { ok: true, answer: { status: response.status, text, headers: response.headers } };
  } catch (error) {
    return { ok: false, error: networkError(error), retryable: options.signal?.aborted !== true };
  }
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A non-2xx answer: 408, 429 and 5xx are the receiver's trouble and retried; any other 4xx is ours and is not. */
export function httpFailure(receiver: string, answer: HttpAnswer): Extract<DeliveryResult, { ok: false }> {
  const { status } = answer;
  const retryable = status === 408 || status === 429 || status >= 500;
  const after = retryAfterMs(answer.headers);
  const detail = answer.text.trim().slice(0, 200);
  return {
    ok: false,
    error: `${receiver} answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
    retryable,
    ...(after === undefined ? {} : { retryAfterMs: after }),
  };
}
