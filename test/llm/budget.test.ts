import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capToolResult, compact, estimatePromptTokens, estimateTokens, redactMessages } from '../../src/llm/budget.js';
import type { ChatMessage } from '../../src/llm/chat-model.js';

describe('estimateTokens', () => {
  it('counts about four ASCII characters per token and a token per CJK character', () => {
    assert.equal(estimateTokens('abcdefgh'), 2);
    assert.equal(estimateTokens('容器内存不足'), 6);
  });
});

describe('capToolResult', () => {
  it('returns a result that fits unchanged', () => {
    assert.equal(capToolResult('NAME READY\nweb-1 1/1', 100), 'NAME READY\nweb-1 1/1');
  });

  it('keeps the head and the tail of a big result and tells the model how to narrow the query', () => {
    const lines = [
      'NAME STATUS',
      ...Array.from({ length: 2000 }, (_, i) => `pod-${i} Running`),
      'FATAL: out of memory',
    ];
    const capped = capToolResult(lines.join('\n'), 300, { narrow: 'pass a label selector' });
    assert.ok(estimateTokens(capped) <= 300, 'within budget');
    assert.ok(capped.startsWith('NAME STATUS'), 'the header survives');
    assert.ok(capped.endsWith('FATAL: out of memory'), 'the last line (where logs fail) survives');
    assert.match(capped, /line\(s\), about \d+ tokens, omitted/);
    assert.match(capped, /pass a label selector/);
  });

  it('cuts a single enormous line rather than dropping it', () => {
    const capped = capToolResult(`{"items":[${'{"a":1},'.repeat(5000)}]}`, 200);
    assert.ok(capped.startsWith('{"items":['));
    assert.ok(estimateTokens(capped) <= 200);
    assert.match(capped, /narrow the query/);
  });
});

function conversation(turns: number): ChatMessage[] {
  const out: ChatMessage[] = [
    { role: 'system', content: 'You are kubemend.' },
    { role: 'user', content: 'Why is deployment web failing in shop?' },
  ];
  for (let i = 0; i < turns; i++) {
    out.push({
      role: 'assistant',
      content: `step ${i}`,
      toolCalls: [
        { id: `a${i}`, name: 'get_logs', arguments: `{"pod":"web-${i}"}` },
        { id: `b${i}`, name: 'get_events', arguments: '{}' },
      ],
    });
    out.push({ role: 'tool', toolCallId: `a${i}`, name: 'get_logs', content: `log line ${i} `.repeat(40) });
    out.push({ role: 'tool', toolCallId: `b${i}`, name: 'get_events', content: `event ${i} `.repeat(40) });
  }
  out.push({ role: 'assistant', content: 'The pods are OOMKilled.' });
  out.push({ role: 'user', content: 'and what should I change?' });
  return out;
}

function assertNoOrphans(messages: readonly ChatMessage[]): void {
  const called = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m.role === 'assistant') {
      const ids = (m.toolCalls ?? []).map((c) => c.id);
      for (const id of ids) called.add(id);
      const answered = messages.slice(i + 1, i + 1 + ids.length).map((r) => (r.role === 'tool' ? r.toolCallId : ''));
      assert.deepEqual(answered.sort(), [...ids].sort(), 'every tool call is followed by its results');
    }
    if (m.role === 'tool') assert.ok(called.has(m.toolCallId), `tool result ${m.toolCallId} has its call`);
  }
}

describe('compact', () => {
  it('leaves a conversation that fits alone', () => {
    const messages = conversation(1);
    const r = compact(messages, { maxTokens: 10_000 });
    assert.equal(r.messages, messages);
    assert.equal(r.droppedMessages, 0);
  });

  it('keeps system, first user and recent turns, summarises the middle and never orphans a tool result', () => {
    const messages = conversation(30);
    const before = estimatePromptTokens(messages);
    for (const maxTokens of [400, 700, 1500]) {
      const r = compact(messages, { maxTokens });
      assert.ok(r.estimatedTokens <= maxTokens, `fits ${maxTokens}`);
      assert.ok(r.estimatedTokens < before);
      assert.equal(r.overBudget, false);
      assert.deepEqual(r.messages.slice(0, 2), messages.slice(0, 2));
      assert.deepEqual(r.messages[r.messages.length - 1], messages[messages.length - 1]);
      assert.match(r.messages[2]?.content ?? '', /compacted/);
      assert.match(r.messages[2]?.content ?? '', /called get_logs/);
      assertNoOrphans(r.messages);
    }
  });

  it('says so when even the last turn does not fit', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'task' },
      { role: 'assistant', content: 'x'.repeat(4000) },
    ];
    const r = compact(messages, { maxTokens: 100 });
    assert.equal(r.overBudget, true);
    assert.deepEqual(r.messages[r.messages.length - 1], messages[2]);
  });
});

describe('redactMessages', () => {
  it('masks secrets in content and tool-call arguments and counts them', () => {
    const r = redactMessages(
      [
        { role: 'user', content: 'password=correct-horse-battery' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: '1', name: 'x', arguments: '{"apiKey":"sk-abcdefghijklmnopqrstuvwx"}' }],
        },
        { role: 'tool', toolCallId: '1', name: 'x', content: 'the value is s3cr3t-value' },
      ],
      ['s3cr3t-value'],
    );
    const text = JSON.stringify(r.messages);
    assert.ok(!text.includes('correct-horse-battery'));
    assert.ok(!text.includes('sk-abcdefghijklmnopqrstuvwx'));
    assert.ok(!text.includes('s3cr3t-value'));
    assert.ok(r.count >= 3);
  });
});
