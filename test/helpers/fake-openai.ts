// A local fake OpenAI-compatible server for tests: it replays scripted replies on /v1/chat/completions and records
// every request body it receives, so a test can assert both what the model "said" and what kubemend sent.
//
//   const fake = await startFakeOpenAI([reply.text('hello'), reply.toolCalls([{ name: 'get_pods', arguments: '{}' }])]);
//   const model = createOpenAICompatibleModel({ name: 'fake', baseURL: fake.baseURL, apiKey: 'k', model: 'm' });
//   ...
//   fake.requests[0].body.messages   // what was sent (parsed JSON); fake.requests[0].raw is the exact text
//   fake.push(reply.status(500));     // append more replies at any time
//   await fake.close();               // in after()
//
// Replies are consumed one per request, in order; a request after the script runs out gets a 500 whose message says so.
// Streaming follows the request's `stream` flag, with OpenAI's SSE framing (`data: {chunk}\n\n` … `data: [DONE]\n\n`); usage is
// sent as a final choices-less chunk only when the request asked for it (`stream_options.include_usage`), as OpenAI does.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToolCall {
  readonly id?: string;
  readonly name: string;
  /** Sent verbatim, so a test can script malformed JSON. */
  readonly arguments: string;
}

export interface FakeUsage {
  readonly prompt: number;
  readonly completion: number;
}

interface Delayed {
  /** Wait this long before answering (headers included). */
  readonly delayMs?: number;
}

export type FakeReply =
  | (Delayed & {
      readonly type: 'completion';
      readonly text?: string;
      readonly toolCalls?: readonly FakeToolCall[];
      /** Defaults to 'tool_calls' when there are tool calls, else 'stop'. */
      readonly finishReason?: 'stop' | 'tool_calls' | 'length' | null;
      /** false: the server reports no usage at all (some local servers do not). */
      readonly usage?: FakeUsage | false;
      /** Text and argument deltas are cut into pieces of this many characters (default 4). */
      readonly pieceSize?: number;
    })
  | (Delayed & {
      readonly type: 'status';
      readonly status: number;
      readonly message?: string;
      readonly headers?: Readonly<Record<string, string>>;
    })
  /** Accepts the request and never answers. */
  | { readonly type: 'hang' }
  /** Streams text deltas forever, never a finish reason: a model that never stops. */
  | { readonly type: 'endless'; readonly text?: string }
  /** Any body with any content type: for "the provider answered something that is not a chat completion". */
  | (Delayed & {
      readonly type: 'raw';
      readonly status?: number;
      readonly contentType?: string;
      readonly body: string;
    });

/** Builders, so tests read like the conversation they script. */
export const reply = {
  text: (
    text: string,
    extra: Partial<Omit<Extract<FakeReply, { type: 'completion' }>, 'type' | 'text'>> = {},
  ): FakeReply => ({
    type: 'completion',
    text,
    ...extra,
  }),
  toolCalls: (
    toolCalls: readonly FakeToolCall[],
    extra: Partial<Omit<Extract<FakeReply, { type: 'completion' }>, 'type' | 'toolCalls'>> = {},
  ): FakeReply => ({ type: 'completion', toolCalls, ...extra }),
  status: (status: number, message?: string, headers?: Readonly<Record<string, string>>): FakeReply => ({
    type: 'status',
    status,
    ...(message === undefined ? {} : { message }),
    ...(headers === undefined ? {} : { headers }),
  }),
  hang: (): FakeReply => ({ type: 'hang' }),
  endless: (text = 'and again '): FakeReply => ({ type: 'endless', text }),
  raw: (body: string, contentType = 'text/html', status = 200): FakeReply => ({
    type: 'raw',
    body,
    contentType,
    status,
  }),
};

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The exact body text received. */
  readonly raw: string;
  /** The body parsed as JSON (undefined if it was not JSON). */
  readonly body: FakeRequestBody | undefined;
}

/** The fields of a chat completion request tests usually look at; anything else is still in `raw`. */
export interface FakeRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: readonly Record<string, unknown>[];
  readonly tools?: readonly Record<string, unknown>[];
  readonly tool_choice?: unknown;
  readonly max_tokens?: number;
  readonly [key: string]: unknown;
}

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:40123/v1 — pass as the client's baseURL. */
  readonly baseURL: string;
  readonly requests: readonly RecordedRequest[];
  /** Replies not yet consumed. */
  readonly pending: number;
  push(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { prompt: 11, completion: 7 };

export async function startFakeOpenAI(script: readonly FakeReply[] = []): Promise<FakeOpenAI> {
  const queue: FakeReply[] = [...script];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      const body = parseBody(raw);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body });
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
        sendError(res, 404, `fake-openai: no route ${req.method} ${req.url}`);
        return;
      }
      const next = queue.shift();
      if (next === undefined) {
        sendError(res, 500, 'fake-openai: the script ran out of replies');
        return;
      }
      const run = (): void => answer(req, res, next, body, `chatcmpl-fake-${++seq}`, later);
      const delay = 'delayMs' in next ? (next.delayMs ?? 0) : 0;
      if (delay > 0) later(delay, run);
      else run();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get pending() {
      return queue.length;
    },
    push: (...replies) => {
      queue.push(...replies);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseBody(raw: string): FakeRequestBody | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as FakeRequestBody) : undefined;
  } catch {
    return undefined;
  }
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type: 'fake_error', code: status } }));
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  r: FakeReply,
  body: FakeRequestBody | undefined,
  id: string,
  later: (ms: number, fn: () => void) => void,
): void {
  const model = body?.model ?? 'fake-model';
  switch (r.type) {
    case 'hang':
      return;
    case 'status':
      sendError(res, r.status, r.message ?? `fake-openai: scripted ${r.status}`, { ...r.headers });
      return;
    case 'raw':
      res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'text/plain' });
      res.end(r.body);
      return;
    case 'endless': {
      writeSseHead(res);
      let open = true;
      const stop = (): void => {
        open = false;
      };
      req.socket.on('close', stop);
      res.on('close', stop);
      const tick = (): void => {
        if (!open || res.destroyed) return;
        writeSse(res, chunk(id, model, { content: r.text ?? 'and again ' }, null));
        later(1, tick);
      };
      tick();
      return;
    }
    case 'completion':
      if (body?.stream === true) streamCompletion(res, r, body, id, model);
      else jsonCompletion(res, r, id, model);
      return;
  }
}

function finishReasonOf(r: Extract<FakeReply, { type: 'completion' }>): string | null {
  if (r.finishReason !== undefined) return r.finishReason;
  return (r.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop';
}

function usageOf(r: Extract<FakeReply, { type: 'completion' }>): Record<string, number> | undefined {
  if (r.usage === false) return undefined;
  const u = r.usage ?? DEFAULT_USAGE;
  return { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion };
}

function callId(call: FakeToolCall, i: number): string {
  return call.id ?? `call_${i}`;
}

function jsonCompletion(
  res: ServerResponse,
  r: Extract<FakeReply, { type: 'completion' }>,
  id: string,
  model: string,
): void {
  const calls = r.toolCalls ?? [];
  const message = {
    role: 'assistant',
    content: r.text ?? null,
    ...(calls.length > 0
      ? {
          tool_calls: calls.map((c, i) => ({
            id: callId(c, i),
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
  };
  const usage = usageOf(r);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message, finish_reason: finishReasonOf(r), logprobs: null }],
      ...(usage ? { usage } : {}),
    }),
  );
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function chunk(
  id: string,
  model: string,
  delta: Record<string, unknown>,
  finish: string | null,
): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

function writeSseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

function writeSse(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function streamCompletion(
  res: ServerResponse,
  r: Extract<FakeReply, { type: 'completion' }>,
  body: FakeRequestBody,
  id: string,
  model: string,
): void {
  const size = r.pieceSize ?? 4;
  writeSseHead(res);
  writeSse(res, chunk(id, model, { role: 'assistant', content: '' }, null));
  for (const p of pieces(r.text ?? '', size)) writeSse(res, chunk(id, model, { content: p }, null));
  (r.toolCalls ?? []).forEach((c, index) => {
    // OpenAI's shape: the first delta of a call carries id, type and name; later ones only argument text, keyed by index.
    writeSse(
      res,
      chunk(
        id,
        model,
        { tool_calls: [{ index, id: callId(c, index), type: 'function', function: { name: c.name, arguments: '' } }] },
        null,
      ),
    );
    for (const p of pieces(c.arguments, size)) {
      writeSse(res, chunk(id, model, { tool_calls: [{ index, function: { arguments: p } }] }, null));
    }
  });
  writeSse(res, chunk(id, model, {}, finishReasonOf(r)));
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  const usage = usageOf(r);
  if (options?.include_usage === true && usage) {
    writeSse(res, { id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage });
  }
  writeSse(res, '[DONE]');
  res.end();
}
