import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect } from '../../src/llm/collect.js';
import { createScriptedModel } from '../../src/llm/scripted.js';

const ask = { messages: [{ role: 'user' as const, content: 'what is wrong with web-1?' }] };

describe('scripted model', () => {
  it('replays text, tool calls (raw or encoded) and errors in order, recording each request', async () => {
    const model = createScriptedModel([
      {
        toolCalls: [
          { name: 'get_logs', arguments: { pod: 'web-1' } },
          { id: 'raw', name: 'x', arguments: '{bad' },
        ],
      },
      (request) => ({ text: `saw ${request.messages.length} message(s)` }),
      { error: { code: 'RATE_LIMITED', message: 'scripted 429' } },
    ]);
    const first = await collect(model, ask);
    assert.ok(first.ok);
    assert.equal(first.reason, 'tool-calls');
    assert.deepEqual(first.toolCalls, [
      { id: 'call_0_0', name: 'get_logs', arguments: '{"pod":"web-1"}' },
      { id: 'raw', name: 'x', arguments: '{bad' },
    ]);
    assert.equal(first.usage.estimated, true);
    const second = await collect(model, ask);
    assert.ok(second.ok && second.text === 'saw 1 message(s)');
    const third = await collect(model, ask);
    assert.ok(!third.ok && third.error.code === 'RATE_LIMITED');
    const fourth = await collect(model, ask);
    assert.ok(!fourth.ok && fourth.error.code === 'BAD_RESPONSE' && /ran out after 3/.test(fourth.error.message));
    assert.equal(model.requests.length, 4);
    assert.equal(model.kind, 'scripted');
  });
});
