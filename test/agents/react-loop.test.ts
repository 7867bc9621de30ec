import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { runReact } from '../../src/agents/react-loop.js';
import { createToolHost } from '../../src/agents/tool-host.js';
import { estimatePromptTokens } from '../../src/llm/budget.js';
import type { Tool } from '../../src/tools/tool.js';
import { scriptModel } from './script-model.js';

/** A read tool whose calls overlap in time only if the loop runs them in parallel. */
function tools(log: string[]) {
  let running = 0;
  let maxRunning = 0;
  const read: Tool = {
    name: 'look',
    description: 'reads',
    parameters: z.object({ what: z.string() }),
    effect: 'read',
    async run(args) {
      const { what } = args as { what: string };
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      running--;
      log.push(`look ${what}`);
      return { ok: true, content: `saw ${what}` };
    },
  };
  const write: Tool = {
    name: 'change',
    description: 'writes',
    parameters: z.object({ to: z.string() }),
    effect: 'write',
    async run(args) {
      log.push(`change ${(args as { to: string }).to}`);
      return { ok: true, content: 'changed' };
    },
  };
  return { list: [read, write], maxRunning: () => maxRunning };
}

describe('the ReAct loop', () => {
  it('runs reads of one turn in parallel, then answers', async () => {
    const log: string[] = [];
    const t = tools(log);
    const model = scriptModel([
      {
        calls: [
          { name: 'look', args: { what: 'a' } },
          { name: 'look', args: { what: 'b' } },
        ],
      },
      { text: 'done: a and b' },
    ]);
    const r = await runReact({
      model,
      role: 'researcher',
      messages: [{ role: 'user', content: 'q' }],
      host: createToolHost(t.list),
    });
    assert.equal(r.text, 'done: a and b');
    assert.equal(t.maxRunning(), 2);
    assert.deepEqual(log.sort(), ['look a', 'look b']);
    assert.equal(r.trace[0]?.toolCalls.length, 2);
    assert.deepEqual(r.usage, { promptTokens: 20, completionTokens: 10 });
    const toolMsgs = r.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    assert.deepEqual(toolMsgs, ['saw a', 'saw b']);
  });

  it('refuses an identical repeated call and a write without an approver', async () => {
    const log: string[] = [];
    const model = scriptModel([
      { calls: [{ name: 'look', args: { what: 'a' } }] },
      {
        calls: [
          { name: 'look', args: '{ "what" : "a" }' },
          { name: 'change', args: { to: 'x' } },
        ],
      },
      { text: 'ok' },
    ]);
    const r = await runReact({
      model,
      role: 'r',
      messages: [{ role: 'user', content: 'q' }],
      host: createToolHost(tools(log).list),
    });
    assert.deepEqual(log, ['look a']);
    const second = r.trace[1]?.toolCalls ?? [];
    assert.equal(second[0]?.code, 'DUPLICATE_CALL');
    assert.equal(second[1]?.code, 'REFUSED_BY_POLICY');
    assert.match(second[1]?.result ?? '', /approval/);
  });

  it('sends malformed arguments back with the raw text and the parse error', async () => {
    const model = scriptModel([{ calls: [{ name: 'look', args: '{"what": "a"' }] }, { text: 'sorry' }]);
    const r = await runReact({
      model,
      role: 'r',
      messages: [{ role: 'user', content: 'q' }],
      host: createToolHost(tools([]).list),
    });
    const back = r.messages.find((m) => m.role === 'tool');
    assert.ok(back);
    assert.match(back.content, /not valid JSON/);
    assert.ok(back.content.includes('{"what": "a"'));
  });

  it('withholds tools on the last step and ignores calls made anyway', async () => {
    const log: string[] = [];
    const model = scriptModel([
      { calls: [{ name: 'look', args: { what: 'a' } }] },
      { text: 'forced', calls: [{ name: 'look', args: { what: 'b' } }] },
    ]);
    const r = await runReact({
      model,
      role: 'r',
      maxSteps: 2,
      messages: [{ role: 'user', content: 'q' }],
      host: createToolHost(tools(log).list),
    });
    assert.equal(model.requests[1]?.toolChoice, 'none');
    assert.equal(model.requests[0]?.toolChoice, 'auto');
    assert.deepEqual(log, ['look a']);
    assert.equal(r.text, 'forced');
    assert.equal(r.trace.at(-1)?.forcedAnswer, true);
  });

  it('stops when cancelled and streams text deltas', async () => {
    const ac = new AbortController();
    ac.abort();
    const model = scriptModel([{ text: 'never' }]);
    const r = await runReact({
      model,
      role: 'r',
      signal: ac.signal,
      messages: [{ role: 'user', content: 'q' }],
      host: createToolHost([]),
    });
    assert.equal(r.stop, 'cancelled');
    assert.equal(model.requests.length, 0);
    let streamed = '';
    await runReact({
      model: scriptModel([{ text: 'hello' }]),
      role: 'r',
      messages: [],
      host: createToolHost([]),
      onText: (t) => (streamed += t),
    });
    assert.equal(streamed, 'hello');
  });

  /** A read tool printing many log lines, with credentials in them, the way a noisy pod does. */
  const noisyLogs: Tool = {
    name: 'logs',
    description: 'pod logs',
    parameters: z.object({ pod: z.string() }),
    effect: 'read',
    async run(args) {
      const { pod } = args as { pod: string };
      const lines = Array.from({ length: 2000 }, (_, i) => `${pod} line ${i}: processed batch ${i} in 12ms`);
      lines.splice(
        1000,
        0,
        `${pod} debug AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY token=hunter2-known`,
      );
      lines.push(`${pod} FATAL: QUEUE_URL is not set`);
      return { ok: true, content: lines.join('\n') };
    },
  };

  it('redacts and caps every tool result before the model sees it, telling it how to narrow', async () => {
    const model = scriptModel([{ calls: [{ name: 'logs', args: { pod: 'worker' } }] }, { text: 'QUEUE_URL is unset' }]);
    const r = await runReact({
      model,
      role: 'researcher',
      messages: [{ role: 'user', content: 'why does worker crash' }],
      host: createToolHost([noisyLogs]),
      contextTokens: 6_000,
      knownSecrets: ['hunter2-known'],
    });
    const sent = model.requests[1]?.messages.find((m) => m.role === 'tool')?.content ?? '';
    assert.ok(sent.length < 6_000 * 4, `a tool result takes a share of the budget, got ${sent.length} chars`);
    assert.match(sent, /line\(s\), about \d+ tokens, omitted: .* pass a smaller tail, the container name/);
    assert.match(sent, /FATAL: QUEUE_URL is not set$/, 'the tail, where a crash is, is kept');
    assert.doesNotMatch(JSON.stringify(model.requests), /wJalrXUtnFEMI|hunter2-known/);
    assert.doesNotMatch(JSON.stringify(r.trace), /wJalrXUtnFEMI|hunter2-known/, 'traces hold no secret either');
  });

  it('compacts old turns before a call would overflow the budget, keeping the task and the latest evidence', async () => {
    const pods = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const model = scriptModel([
      ...pods.map((pod) => ({ calls: [{ name: 'logs', args: { pod } }] })),
      { text: 'pod h lacks QUEUE_URL' },
    ]);
    const budget = 4_000;
    const r = await runReact({
      model,
      role: 'researcher',
      messages: [
        { role: 'system', content: 'you are a researcher' },
        { role: 'user', content: 'which pod lacks QUEUE_URL' },
      ],
      host: createToolHost([noisyLogs]),
      contextTokens: budget,
      maxSteps: 10,
    });
    assert.equal(r.text, 'pod h lacks QUEUE_URL');
    for (const req of model.requests) assert.ok(estimatePromptTokens(req.messages, req.tools) <= budget);
    const last = model.requests.at(-1)?.messages ?? [];
    assert.equal(last[1]?.content, 'which pod lacks QUEUE_URL', 'the task is kept');
    const summary = last[2]?.content ?? '';
    assert.match(summary, /^\[kubemend: earlier turns were compacted/);
    assert.ok(summary.includes('- called logs({"pod":"a"})'), summary);
    assert.match(
      last.at(-1)?.content ?? '',
      /^h line 0:[\s\S]*h FATAL: QUEUE_URL is not set$/,
      'the latest result is kept',
    );
    assert.ok(r.trace.some((s) => (s.compactedMessages ?? 0) > 0));
    assert.equal(r.messages.filter((m) => m.role === 'tool').length, 8, 'the run itself keeps the whole conversation');
  });
});
