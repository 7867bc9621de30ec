import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ChatChunk, ChatRequest } from '../../src/llm/chat-model.js';
import { collect } from '../../src/llm/collect.js';
import { createOpenAICompatibleModel, type OpenAICompatibleOptions } from '../../src/llm/openai-compatible.js';
import type { Sleep } from '../../src/llm/retry.js';
import { type FakeOpenAI, reply, startFakeOpenAI } from '../helpers/fake-openai.js';

const ask: ChatRequest = { messages: [{ role: 'user', content: 'why is pod web-1 crashing?' }] };
const getPods = { name: 'get_pods', description: 'list pods', parameters: { type: 'object', properties: {} } };

let fake: FakeOpenAI;
before(async () => {
  fake = await startFakeOpenAI();
});
after(async () => {
  await fake.close();
});

function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

function model(extra: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatibleModel({
    name: 'deepseek',
    baseURL: fake.baseURL,
    apiKey: 'test-key',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    model: 'some-model-id',
    sleep: recordingSleep().sleep,
    ...extra,
  });
}

async function chunks(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

function lastRequest() {
  const r = fake.requests[fake.requests.length - 1];
  assert.ok(r, 'the fake server received a request');
  return r;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('openai-compatible model against a fake server', () => {
  it('streams text in pieces and reports the server usage', async () => {
    fake.push(reply.text('The container runs out of memory.', { usage: { prompt: 120, completion: 9 } }));
    const got = await chunks(model().stream(ask));
    const texts = got.filter((c) => c.type === 'text');
    assert.ok(texts.length > 1, 'text arrives as several deltas');
    assert.equal(texts.map((c) => (c.type === 'text' ? c.text : '')).join(''), 'The container runs out of memory.');
    assert.deepEqual(got[got.length - 1], {
      type: 'finish',
      reason: 'stop',
      usage: { promptTokens: 120, completionTokens: 9 },
    });
    const body = lastRequest().body;
    assert.equal(body?.model, 'some-model-id');
    assert.equal(body?.stream, true);
    assert.deepEqual(body?.stream_options, { include_usage: true });
    assert.equal(lastRequest().headers.authorization, 'Bearer test-key');
  });

  it('estimates usage, and says so, when the server reports none', async () => {
    fake.push(reply.text('short answer', { usage: false }));
    const r = await collect(model(), ask);
    assert.ok(r.ok);
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
  });

  it('sends tools and returns a tool call', async () => {
    fake.push(reply.toolCalls([{ id: 'call_a', name: 'get_pods', arguments: '{"namespace":"shop"}' }]));
    const r = await collect(model(), { ...ask, tools: [getPods] });
    assert.ok(r.ok);
    assert.equal(r.reason, 'tool-calls');
    assert.deepEqual(r.toolCalls, [{ id: 'call_a', name: 'get_pods', arguments: '{"namespace":"shop"}' }]);
    const body = lastRequest().body;
    assert.deepEqual(body?.tools, [{ type: 'function', function: getPods }]);
    assert.equal(body?.tool_choice, 'auto');
  });

  it('assembles parallel tool calls by index', async () => {
    fake.push(
      reply.toolCalls(
        [
          { id: 'c1', name: 'get_pods', arguments: '{"namespace":"shop","selector":"app=web"}' },
          { id: 'c2', name: 'get_events', arguments: '{"namespace":"shop"}' },
          { id: 'c3', name: 'get_logs', arguments: '{"pod":"web-1","tail":50}' },
        ],
        { pieceSize: 3 },
      ),
    );
    const r = await collect(model(), { ...ask, tools: [getPods] });
    assert.ok(r.ok);
    assert.deepEqual(
      r.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.arguments)]),
      [
        ['c1', 'get_pods', { namespace: 'shop', selector: 'app=web' }],
        ['c2', 'get_events', { namespace: 'shop' }],
        ['c3', 'get_logs', { pod: 'web-1', tail: 50 }],
      ],
    );
  });

  it('passes malformed JSON arguments through raw, never as {}', async () => {
    const broken = '{"namespace": "shop", "selector": ';
    fake.push(reply.toolCalls([{ id: 'bad', name: 'get_pods', arguments: broken }]));
    const r = await collect(model(), { ...ask, tools: [getPods] });
    assert.ok(r.ok);
    assert.equal(r.toolCalls[0]?.arguments, broken);
  });

  it('withholds tools with toolChoice none and serialises tool turns the OpenAI way', async () => {
    fake.push(reply.text('done'));
    await collect(model(), {
      tools: [getPods],
      toolChoice: 'none',
      messages: [
        { role: 'system', content: 'You are kubemend.' },
        { role: 'user', content: 'check shop' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'x1', name: 'get_pods', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'x1', name: 'get_pods', content: 'web-1 CrashLoopBackOff' },
      ],
    });
    const body = lastRequest().body;
    assert.equal(body?.tool_choice, 'none');
    assert.deepEqual(body?.messages?.slice(2), [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'x1', type: 'function', function: { name: 'get_pods', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'x1', content: 'web-1 CrashLoopBackOff' },
    ]);
  });

  it('works without streaming too', async () => {
    fake.push(reply.toolCalls([{ id: 'n1', name: 'get_pods', arguments: '{oops' }], { text: 'checking' }));
    const r = await collect(model({ streaming: false }), { ...ask, tools: [getPods] });
    assert.ok(r.ok);
    assert.equal(r.text, 'checking');
    assert.deepEqual(r.toolCalls, [{ id: 'n1', name: 'get_pods', arguments: '{oops' }]);
    assert.equal(lastRequest().body?.stream, false);
  });
});

describe('retries', () => {
  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    const s = recordingSleep();
    fake.push(reply.status(429, 'slow down', { 'retry-after': '7' }), reply.text('ok'));
    const before = fake.requests.length;
    const r = await collect(model({ sleep: s.sleep }), ask);
    assert.ok(r.ok);
    assert.deepEqual(s.waits, [7000]);
    assert.equal(fake.requests.length - before, 2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const s = recordingSleep();
    const now = Date.parse('2026-01-01T00:00:00Z');
    fake.push(reply.status(429, 'slow down', { 'retry-after': new Date(now + 5000).toUTCString() }), reply.text('ok'));
    const r = await collect(model({ sleep: s.sleep, now: () => now }), ask);
    assert.ok(r.ok);
    assert.deepEqual(s.waits, [5000]);
  });

  it('does not wait out a Retry-After beyond the cap: RATE_LIMITED at once, so a fallback can take over', async () => {
    const s = recordingSleep();
    fake.push(reply.status(429, 'quota', { 'retry-after': '3600' }));
    const before = fake.requests.length;
    const r = await collect(model({ sleep: s.sleep }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'RATE_LIMITED');
    assert.equal(r.error.retryAfterMs, 3_600_000);
    assert.deepEqual(s.waits, []);
    assert.equal(fake.requests.length - before, 1);
  });

  it('retries a 5xx with exponential back-off and jitter, then succeeds', async () => {
    const s = recordingSleep();
    fake.push(reply.status(502), reply.status(503), reply.text('recovered'));
    const r = await collect(
      model({ sleep: s.sleep, random: () => 1, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 } }),
      ask,
    );
    assert.ok(r.ok);
    assert.equal(r.text, 'recovered');
    assert.deepEqual(s.waits, [100, 200]);
  });

  it('gives up after maxAttempts with SERVER_ERROR and says how often it tried', async () => {
    const s = recordingSleep();
    fake.push(reply.status(500), reply.status(500));
    const r = await collect(
      model({ sleep: s.sleep, random: () => 0, retry: { maxAttempts: 2, baseDelayMs: 100 } }),
      ask,
    );
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'SERVER_ERROR');
    assert.match(r.error.message, /gave up after 2 attempts/);
    assert.deepEqual(s.waits, [50]);
  });

  it('maps 401 to AUTH with the variable to check, without retrying', async () => {
    const s = recordingSleep();
    fake.push(reply.status(401, 'Incorrect API key provided: sk-abcdefghijklmnopqrstuvwxyz123456'));
    const before = fake.requests.length;
    const r = await collect(model({ sleep: s.sleep }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'AUTH');
    assert.match(r.error.message, /^401 from http:\/\/127\.0\.0\.1:\d+\/v1: check DEEPSEEK_API_KEY/);
    assert.doesNotMatch(r.error.message, /abcdefghijklmnop/);
    assert.equal(fake.requests.length - before, 1);
  });

  it('maps 404 to BAD_REQUEST naming the model id', async () => {
    fake.push(reply.status(404, 'model not found'));
    const r = await collect(model(), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'BAD_REQUEST');
    assert.match(r.error.message, /check the model id "some-model-id"/);
  });

  it('reports UNREACHABLE for a server that is not there, after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const s = recordingSleep();
    const r = await collect(model({ baseURL: `http://127.0.0.1:${port}/v1`, sleep: s.sleep }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'UNREACHABLE');
    assert.match(r.error.message, /cannot reach http:\/\/127\.0\.0\.1/);
    assert.equal(s.waits.length, 2);
  });

  it('reports BAD_RESPONSE when the server answers something that is not a chat completion', async () => {
    fake.push(reply.raw('<html>login page</html>'));
    const r = await collect(model({ retry: { maxAttempts: 1 } }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'BAD_RESPONSE');
  });
});

describe('timeouts, cancellation and runaway models', () => {
  it('times out a server that never answers, without retrying it', async () => {
    fake.push(reply.hang());
    const before = fake.requests.length;
    const r = await collect(model({ timeoutMs: 150 }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'TIMEOUT');
    assert.match(r.error.message, /raise timeoutMs for "deepseek"/);
    assert.equal(fake.requests.length - before, 1);
  });

  it('cancels a pending call when the signal aborts', async () => {
    fake.push(reply.hang());
    const before = fake.requests.length;
    const controller = new AbortController();
    const pending = collect(model(), { ...ask, signal: controller.signal });
    await until(() => fake.requests.length > before);
    controller.abort();
    const r = await pending;
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'CANCELLED');
  });

  it('cancels mid-stream', async () => {
    fake.push(reply.endless());
    const controller = new AbortController();
    const seen: ChatChunk[] = [];
    for await (const c of model().stream({ ...ask, signal: controller.signal })) {
      seen.push(c);
      if (c.type === 'text' && c.text !== '') controller.abort();
    }
    assert.equal(seen[seen.length - 1]?.type, 'error');
    const last = seen[seen.length - 1];
    assert.ok(last?.type === 'error' && last.error.code === 'CANCELLED');
  });

  it('cuts off a model that never stops at maxTokens and finishes with length', async () => {
    fake.push(reply.endless());
    const r = await collect(model(), { ...ask, maxTokens: 20 });
    assert.ok(r.ok);
    assert.equal(r.reason, 'length');
    assert.equal(lastRequest().body?.max_tokens, 20);
  });

  it('ends a model that never stops with TIMEOUT when no maxTokens is set, keeping what it said', async () => {
    fake.push(reply.endless('blah '));
    const r = await collect(model({ timeoutMs: 150 }), ask);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'TIMEOUT');
    assert.match(r.text, /blah/);
  });
});

describe('redaction before sending', () => {
  it('never sends a planted secret: not in content, not in tool-call arguments, not a known value', async () => {
    fake.push(reply.text('noted'));
    const known = 'Xk9-plain-db-passphrase';
    await collect(model({ knownSecrets: [known] }), {
      messages: [
        {
          role: 'user',
          content: 'logs say: DB_PASSWORD=hunter2hunter2 and Authorization: Bearer abcdefghijklmnop1234',
        },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 't', name: 'get_logs', arguments: '{"token":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}' }],
        },
        { role: 'tool', toolCallId: 't', name: 'get_logs', content: `connecting with ${known}` },
      ],
    });
    const raw = lastRequest().raw;
    for (const secret of [
      'hunter2hunter2',
      'abcdefghijklmnop1234',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      known,
    ]) {
      assert.ok(!raw.includes(secret), `${secret} must not reach the provider`);
    }
    assert.ok(raw.includes('[REDACTED]'));
    assert.ok(raw.includes('connecting with'), 'the rest of the text is kept');
  });
});
