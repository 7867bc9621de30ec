import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLedger, withAccounting } from '../../src/llm/accounting.js';
import type { ChatModel } from '../../src/llm/chat-model.js';
import { collect } from '../../src/llm/collect.js';
import type { ModelConfig, ModelEntry } from '../../src/llm/config.js';
import { createModelPool, type FallbackEvent, withFallback } from '../../src/llm/pool.js';
import { registerProvider } from '../../src/llm/providers.js';
import { createScriptedModel, type ScriptTurn } from '../../src/llm/scripted.js';

const ask = { messages: [{ role: 'user' as const, content: 'status of shop?' }] };
const err = (
  code: 'UNREACHABLE' | 'AUTH' | 'TIMEOUT' | 'RATE_LIMITED' | 'SERVER_ERROR' | 'BAD_REQUEST',
): ScriptTurn => ({
  error: { code, message: `${code} scripted` },
});

describe('withFallback', () => {
  for (const code of ['UNREACHABLE', 'SERVER_ERROR', 'RATE_LIMITED', 'TIMEOUT'] as const) {
    it(`moves to the next model on ${code}`, async () => {
      const events: FallbackEvent[] = [];
      const a = createScriptedModel([err(code)], { name: 'deepseek' });
      const b = createScriptedModel([{ text: 'from ollama' }], { name: 'ollama' });
      const r = await collect(withFallback([a, b], { onFallback: (e) => events.push(e) }), ask);
      assert.ok(r.ok && r.text === 'from ollama');
      assert.deepEqual(
        events.map((e) => [e.from, e.to, e.error.code]),
        [['deepseek', 'ollama', code]],
      );
    });
  }

  for (const code of ['AUTH', 'BAD_REQUEST'] as const) {
    it(`reports ${code} instead of hiding it behind a fallback`, async () => {
      const b = createScriptedModel([{ text: 'never' }], { name: 'ollama' });
      const r = await collect(withFallback([createScriptedModel([err(code)], { name: 'deepseek' }), b]), ask);
      assert.ok(!r.ok && r.error.code === code);
      assert.equal(b.requests.length, 0);
    });
  }

  it('passes the last model error through when every model fails', async () => {
    const r = await collect(
      withFallback([createScriptedModel([err('TIMEOUT')]), createScriptedModel([err('UNREACHABLE')])]),
      ask,
    );
    assert.ok(!r.ok && r.error.code === 'UNREACHABLE');
  });

  it('does not splice a second answer onto text already streamed', async () => {
    const failsLate: ChatModel = {
      ...createScriptedModel([]),
      async *stream() {
        yield { type: 'text', text: 'partial' };
        yield { type: 'error', error: { code: 'TIMEOUT', message: 'late' } };
      },
    };
    const b = createScriptedModel([{ text: 'other' }]);
    const r = await collect(withFallback([failsLate, b]), ask);
    assert.ok(!r.ok && r.error.code === 'TIMEOUT' && r.text === 'partial');
    assert.equal(b.requests.length, 0);
  });
});

describe('model pool', () => {
  const scripts = new Map<string, ScriptTurn[]>();
  registerProvider('test-scripted', (entry) => ({
    ok: true,
    model: createScriptedModel(scripts.get(entry.name) ?? [], { name: entry.name, modelId: entry.model ?? 'x' }),
  }));
  const entry = (name: string, extra: Partial<ModelEntry> = {}): ModelEntry => ({
    name,
    provider: 'test-scripted' as ModelEntry['provider'],
    origin: 'test',
    ...extra,
  });
  const config: ModelConfig = {
    models: {
      cheap: entry('cheap', { pricing: { inputPerMTok: 1, outputPerMTok: 2 } }),
      big: entry('big', { pricing: { inputPerMTok: 10, outputPerMTok: 20 } }),
      local: entry('local'),
      nokey: { name: 'nokey', provider: 'openai-compatible', origin: 'test', baseURL: 'http://127.0.0.1:1/v1' },
    },
    defaultModel: 'cheap',
    roles: { fixer: 'big' },
    fallback: ['nokey', 'local'],
    warnings: [],
  };

  it('resolves a model per role, falls back, and accounts each call to the model that served it', async () => {
    scripts.set('big', [err('SERVER_ERROR')]);
    scripts.set('local', [{ text: 'patched', usage: { promptTokens: 1000, completionTokens: 50 } }]);
    const ledger = createLedger();
    const pool = createModelPool(config, { context: { env: {} }, ledger });
    assert.equal(pool.nameFor('fixer'), 'big');
    assert.equal(pool.nameFor('supervisor'), 'cheap');
    const fixer = pool.forRole('fixer', { incident: 'inc-1' });
    assert.ok(fixer.ok);
    assert.match(fixer.notes.join('\n'), /"nokey" has no model id/);
    const r = await collect(fixer.model, ask);
    assert.ok(r.ok && r.text === 'patched');
    assert.deepEqual(
      ledger.calls.map((c) => [c.model, c.role, c.incident, c.outcome]),
      [
        ['big', 'fixer', 'inc-1', 'SERVER_ERROR'],
        ['local', 'fixer', 'inc-1', 'ok'],
      ],
    );
  });

  it('fails clearly when the chosen model cannot be built', () => {
    const pool = createModelPool(config, { context: { env: {} } });
    const r = pool.forRole('any', { model: 'nokey' });
    assert.ok(!r.ok);
    assert.match(r.error.message, /no model id/);
  });
});

describe('accounting', () => {
  it('totals tokens and cost per call, role, incident and model, and prints a table', async () => {
    const ledger = createLedger();
    const big = createScriptedModel(
      [
        { text: 'a', usage: { promptTokens: 1_000_000, completionTokens: 100_000 } },
        { text: 'b', usage: { promptTokens: 500_000, completionTokens: 0 } },
      ],
      { name: 'big' },
    );
    const asLlm: ChatModel = { ...big, kind: 'llm', stream: (r) => big.stream(r) };
    const pricing = { inputPerMTok: 2, outputPerMTok: 10 };
    await collect(withAccounting(asLlm, ledger, { role: 'fixer', incident: 'oom-1' }, { pricing }), ask);
    await collect(withAccounting(asLlm, ledger, { role: 'supervisor', incident: 'oom-2' }, { pricing }), ask);
    const unpriced = createScriptedModel([{ text: 'c' }], { name: 'cheap' });
    await collect(
      withAccounting({ ...unpriced, kind: 'llm', stream: (r) => unpriced.stream(r) }, ledger, { role: 'supervisor' }),
      ask,
    );

    assert.equal(ledger.calls[0]?.costUsd, 3);
    assert.equal(ledger.calls[1]?.costUsd, 1);
    const total = ledger.totals();
    assert.equal(total.calls, 3);
    assert.equal(total.costUsd, 4);
    assert.equal(total.unpricedCalls, 1);
    assert.equal(total.estimated, true);
    assert.equal(ledger.by('role').get('supervisor')?.calls, 2);
    assert.equal(ledger.by('incident').get('oom-1')?.promptTokens, 1_000_000);
    const table = ledger.summary();
    assert.match(table, /role fixer\s+1\s+1000000\s+100000\s+3\.0000/);
    assert.match(table, /total\s+3/);
    assert.match(table, /~ estimated/);
  });

  it('records a call the caller stopped reading', async () => {
    const ledger = createLedger();
    const m = createScriptedModel([{ text: 'long answer', toolCalls: [{ name: 'x', arguments: '{}' }] }]);
    for await (const c of withAccounting(m, ledger).stream(ask)) if (c.type === 'text') break;
    assert.equal(ledger.calls[0]?.outcome, 'CANCELLED');
  });
});
