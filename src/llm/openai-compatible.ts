// A ChatModel over the official `openai` client, for every server that speaks the OpenAI chat-completions protocol
// (OpenAI, DeepSeek, Qwen/DashScope compatible mode, Ollama, vLLM, LM Studio): they differ only in base URL, key and
// model id. The SDK's own retries are off; ours honour Retry-After and never retry once text reached the caller.

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions/completions';
import { redactText } from '../redact/index.js';
import { estimatePromptTokens, estimateTokens, redactMessages } from './budget.js';
import {
  CHAT_MODEL_SPEC,
  type ChatChunk,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ModelError,
  type TokenUsage,
  type ToolCall,
} from './chat-model.js';
import { errorChunk, modelError } from './errors.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryable,
  parseRetryAfter,
  type RetryPolicy,
  realSleep,
  type Sleep,
} from './retry.js';

export interface OpenAICompatibleOptions {
  /** The configured name ("deepseek"), used in messages a person reads. */
  readonly name: string;
  readonly baseURL: string;
  /** The provider's model id; configuration, never code. */
  readonly model: string;
  /** Local servers (Ollama, vLLM, LM Studio) need none. */
  readonly apiKey?: string;
  /** Where the key came from, so an AUTH error can say which variable to check. */
  readonly apiKeyEnv?: string;
  /** Per attempt, covering the whole streamed answer, not just the response headers. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** false: one JSON response instead of SSE, for servers whose streamed tool calls are broken. */
  readonly streaming?: boolean;
  /** OpenAI's reasoning models reject `max_tokens`; most compatible servers know only `max_tokens`. */
  readonly maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Exact secret values to mask in everything sent (decoded Secret data the caller has seen). */
  readonly knownSecrets?: readonly string[];
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Told before every retry wait; the CLI shows it so a long wait is not a silent hang. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  readonly model: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly error: ModelError;
  readonly waitMs: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

// A server that ignores max_tokens is cut off at this multiple of it (estimates are rough, so be generous).
const RUNAWAY_FACTOR = 2;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: ModelError; readonly emitted: boolean };

interface Assembling {
  id: string;
  name: string;
  args: string;
}

export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): ChatModel {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const client = new OpenAI({
    // The SDK refuses to start without a key; local servers ignore whatever is sent.
    apiKey: options.apiKey || 'no-key',
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
    // Otherwise the SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID and sends them to whichever provider this is.
    organization: null,
    project: null,
  });
  const where = options.baseURL.replace(/\/+$/, '');

  const describe = (e: unknown, ctx: { timedOut: boolean; cancelled: boolean }): ModelError => {
    const who = `model "${options.name}" (id "${options.model}")`;
    if (ctx.cancelled) return modelError('CANCELLED', `the call to ${who} was cancelled`);
    if (ctx.timedOut || e instanceof APIConnectionTimeoutError) {
      return modelError(
        'TIMEOUT',
        `no complete answer from ${where} within ${timeoutMs} ms for ${who}: raise timeoutMs for "${options.name}" or send less`,
      );
    }
    if (e instanceof APIUserAbortError) return modelError('CANCELLED', `the call to ${who} was cancelled`);
    if (e instanceof APIConnectionError) {
      const cause = e.cause instanceof Error ? e.cause.message : e.message;
      return modelError(
        'UNREACHABLE',
        `cannot reach ${where} (${cause}): is the server running and is baseURL for "${options.name}" right?`,
      );
    }
    if (e instanceof APIError) {
      const said = providerMessage(e);
      const status = e.status;
      if (status === 401 || status === 403) {
        const key = options.apiKeyEnv ?? `the API key configured for "${options.name}"`;
        return modelError('AUTH', `${status} from ${where}: check ${key}${said}`);
      }
      if (status === 429) {
        return modelError('RATE_LIMITED', `429 from ${where}: rate limited${said}`, parseRetryAfter(e.headers, now));
      }
      if (status === 404) {
        return modelError(
          'BAD_REQUEST',
          `404 from ${where}: check the model id "${options.model}" and baseURL of "${options.name}"${said}`,
        );
      }
      if (status === 408) return modelError('TIMEOUT', `408 from ${where}: the server timed out${said}`);
      if (status !== undefined && status >= 400 && status < 500) {
        return modelError('BAD_REQUEST', `${status} from ${where} rejected the request for ${who}${said}`);
      }
      // 5xx, or an error event inside an SSE stream (no status).
      return modelError('SERVER_ERROR', `${status ?? 'an error'} from ${where}${said}`);
    }
    const text = e instanceof Error ? e.message : String(e);
    return modelError('BAD_RESPONSE', `${where} answered something that is not a chat completion: ${text}`);
  };

  async function* attempt(
    params: ChatCompletionCreateParamsBase,
    request: ChatRequest,
    promptEstimate: number,
  ): AsyncGenerator<ChatChunk, Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const cancel = (): void => controller.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    let emitted = false;
    try {
      const reqOptions = { signal: controller.signal, timeout: timeoutMs, maxRetries: 0 };
      const acc = newAccumulator(request.maxTokens);
      if (options.streaming === false) {
        const completion: unknown = await client.chat.completions.create({ ...params, stream: false }, reqOptions);
        for (const c of acc.fromCompletion(completion)) yield c;
      } else {
        const stream = await client.chat.completions.create(
          { ...params, stream: true, stream_options: { include_usage: true } },
          reqOptions,
        );
        for await (const chunk of stream) {
          const text = acc.add(chunk);
          if (text) {
            emitted = true;
            yield { type: 'text', text };
          }
          if (acc.runaway) break;
        }
      }
      // The SDK ends an aborted stream quietly instead of throwing: say why it ended.
      if (controller.signal.aborted && !acc.runaway) {
        return {
          ok: false,
          error: describe(undefined, { timedOut, cancelled: request.signal?.aborted === true }),
          emitted,
        };
      }
      const end = acc.end(promptEstimate);
      if ('error' in end) return { ok: false, error: modelError('BAD_RESPONSE', `${where}: ${end.error}`), emitted };
      for (const call of end.calls) yield { type: 'tool-call', call };
      yield { type: 'finish', reason: end.reason, usage: end.usage };
      return { ok: true };
    } catch (e) {
      return { ok: false, error: describe(e, { timedOut, cancelled: request.signal?.aborted === true }), emitted };
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    // Redaction happens here, not at the call sites, so no caller can forget it.
    const { messages } = redactMessages(request.messages, options.knownSecrets);
    const params = toParams(options, messages, request);
    const promptEstimate = estimatePromptTokens(messages, request.tools);
    for (let n = 1; ; n++) {
      if (request.signal?.aborted) {
        yield errorChunk(modelError('CANCELLED', `the call to model "${options.name}" was cancelled`));
        return;
      }
      const outcome = yield* attempt(params, request, promptEstimate);
      if (outcome.ok) return;
      const { error } = outcome;
      const tooLong = error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs;
      // Once text reached the caller a retry would repeat it: report instead.
      if (outcome.emitted || !isRetryable(error.code) || n >= policy.maxAttempts || tooLong) {
        const tried = n > 1 ? ` (gave up after ${n} attempts)` : '';
        const asked = tooLong ? ` (the server asked to wait ${Math.round((error.retryAfterMs ?? 0) / 1000)} s)` : '';
        yield errorChunk({ ...error, message: `${error.message}${asked}${tried}` });
        return;
      }
      const waitMs = error.retryAfterMs ?? backoffDelay(n, policy, options.random);
      options.onRetry?.({ model: options.name, attempt: n, error, waitMs });
      await sleep(waitMs, request.signal);
    }
  }

  return {
    spec: CHAT_MODEL_SPEC,
    name: options.name,
    modelId: options.model,
    kind: 'llm',
    stream,
  };
}

function providerMessage(e: APIError): string {
  const inner = (e.error as { message?: unknown } | undefined)?.message;
  const text = typeof inner === 'string' ? inner : e.message;
  // Providers echo part of a bad key back ("Incorrect API key provided: sk-abc…"): never show it.
  return text ? `: ${redactText(text).value}` : '';
}

function toParams(
  options: OpenAICompatibleOptions,
  messages: readonly ChatMessage[],
  request: ChatRequest,
): ChatCompletionCreateParamsBase {
  const tools = request.tools ?? [];
  return {
    model: options.model,
    messages: messages.map(toWire),
    ...(tools.length > 0
      ? {
          tools: tools.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, description: t.description, parameters: { ...t.parameters } },
          })),
          tool_choice: request.toolChoice ?? 'auto',
        }
      : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { [options.maxTokensField ?? 'max_tokens']: request.maxTokens }),
  };
}

function toWire(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant': {
      const calls = m.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        content: m.content === '' ? null : m.content,
        tool_calls: calls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

type End =
  | {
      readonly reason: 'stop' | 'tool-calls' | 'length';
      readonly calls: readonly ToolCall[];
      readonly usage: TokenUsage;
    }
  | { readonly error: string };

interface Accumulator {
  /** Feeds one SSE chunk; returns its text delta. */
  add(chunk: ChatCompletionChunk): string;
  /** Turns a non-streamed completion into the same chunks a stream would give (text only; calls come from end()). */
  fromCompletion(completion: unknown): ChatChunk[];
  readonly runaway: boolean;
  end(promptEstimate: number): End;
}

// Assembles tool calls from deltas keyed by index (parallel calls may interleave) and keeps the text and usage.
function newAccumulator(maxTokens: number | undefined): Accumulator {
  const calls = new Map<number, Assembling>();
  let text = '';
  let finish: string | null = null;
  let usage: TokenUsage | undefined;
  let runaway = false;
  const limit = maxTokens === undefined ? undefined : maxTokens * RUNAWAY_FACTOR + 64;

  const addCall = (index: number, id?: string | null, name?: string | null, args?: string | null): void => {
    const current = calls.get(index) ?? { id: '', name: '', args: '' };
    if (id) current.id = id;
    if (name) current.name += name;
    if (args) current.args += args;
    calls.set(index, current);
  };
  const takeUsage = (u: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): void => {
    if (u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number') {
      usage = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
    }
  };

  return {
    get runaway() {
      return runaway;
    },
    add(chunk) {
      takeUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) return '';
      const delta = choice.delta ?? {};
      for (const tc of delta.tool_calls ?? []) {
        addCall(tc.index ?? calls.size, tc.id, tc.function?.name, tc.function?.arguments);
      }
      if (choice.finish_reason) finish = choice.finish_reason;
      const piece = delta.content ?? '';
      text += piece;
      if (limit !== undefined && estimateTokens(text) > limit) {
        runaway = true;
        finish = 'length';
      }
      return piece;
    },
    fromCompletion(completion) {
      const c = completion as {
        choices?: { message?: { content?: string | null; tool_calls?: unknown[] }; finish_reason?: string }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      } | null;
      const choice = typeof c === 'object' && c !== null ? c.choices?.[0] : undefined;
      if (!choice?.message) return [];
      takeUsage(c?.usage);
      finish = choice.finish_reason ?? null;
      (choice.message.tool_calls ?? []).forEach((raw, i) => {
        const tc = raw as { id?: string; function?: { name?: string; arguments?: string } };
        addCall(i, tc.id, tc.function?.name, tc.function?.arguments);
      });
      text = choice.message.content ?? '';
      return text ? [{ type: 'text', text }] : [];
    },
    end(promptEstimate) {
      if (finish === null) return { error: 'the answer ended before the model finished (no finish reason)' };
      const assembled: ToolCall[] = [];
      for (const [index, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
        if (!c.name) return { error: `tool call #${index} has no function name` };
        // Arguments stay raw, even when they are not JSON: the runtime reports bad JSON back to the model.
        assembled.push({ id: c.id || `call_${index}`, name: c.name, arguments: c.args });
      }
      const reason = finish === 'length' ? 'length' : assembled.length > 0 ? 'tool-calls' : 'stop';
      const completionEstimate = estimateTokens(text + assembled.map((c) => c.name + c.arguments).join(''));
      return {
        reason,
        calls: assembled,
        usage: usage ?? { promptTokens: promptEstimate, completionTokens: completionEstimate, estimated: true },
      };
    },
  };
}
