import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildMessage, createSlackNotifier, slackPayload } from '../../src/notify/index.js';
import { diff, notification, secretsIn } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

// Block Kit's documented limits, checked independently of the formatter's own constants.
const BLOCK_TYPES = new Set(['header', 'section', 'divider', 'context']);

function blockProblems(payload: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof payload.text !== 'string' || payload.text.length === 0) problems.push('no fallback text');
  const blocks = payload.blocks as Record<string, unknown>[];
  if (!Array.isArray(blocks) || blocks.length === 0) return [...problems, 'no blocks'];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (max 50)`);
  const textOf = (t: unknown): { type?: unknown; text?: unknown } => (t ?? {}) as { type?: unknown; text?: unknown };
  blocks.forEach((block, i) => {
    if (!BLOCK_TYPES.has(String(block.type))) problems.push(`block ${i}: unexpected type ${String(block.type)}`);
    if (block.type === 'header') {
      const t = textOf(block.text);
      if (t.type !== 'plain_text') problems.push(`block ${i}: header text must be plain_text`);
      if (typeof t.text !== 'string' || t.text.length > 150) problems.push(`block ${i}: header text over 150`);
    }
    if (block.type === 'section') {
      const fields = block.fields as unknown[] | undefined;
      if (block.text === undefined && fields === undefined) problems.push(`block ${i}: section without text or fields`);
      if (block.text !== undefined) {
        const t = textOf(block.text);
        if (t.type !== 'mrkdwn' && t.type !== 'plain_text') problems.push(`block ${i}: bad text type`);
        if (typeof t.text !== 'string' || t.text.length === 0 || t.text.length > 3000) {
          problems.push(`block ${i}: section text length ${String((t.text as string | undefined)?.length)}`);
        }
      }
      if (fields !== undefined) {
        if (fields.length > 10) problems.push(`block ${i}: ${fields.length} fields (max 10)`);
        for (const f of fields) if (String(textOf(f).text).length > 2000) problems.push(`block ${i}: field over 2000`);
      }
    }
    if (block.type === 'context') {
      const elements = block.elements as unknown[];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        problems.push(`block ${i}: context needs 1-10 elements`);
      }
    }
  });
  return problems;
}

describe('slack incoming webhook', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver([
      { status: 200, body: 'ok' },
      { status: 400, body: 'invalid_blocks' },
    ]);
  });
  after(() => receiver.close());

  it('posts valid Block Kit with the evidence and the diff in a code block, and no secret', async () => {
    const url = `${receiver.url}/services/T000/B000/XXXXXXXXXXXXXXXXXXXX`;
    const slack = createSlackNotifier({ webhookUrl: url });
    assert.deepEqual(await slack.send(notification()), { ok: true });
    const request = receiver.requests[0];
    assert.ok(request);
    const payload = request.json as { text: string; blocks: { type: string; text?: { text: string } }[] };
    assert.deepEqual(blockProblems(payload), []);
    assert.equal(payload.blocks[0]?.type, 'header');
    const all = JSON.stringify(payload.blocks);
    assert.match(all, /```\\n--- Deployment default\/memory-hog/);
    assert.match(all, /memoryLimit: 100Mi/);
    assert.match(all, /kubemend approve inc-20250115-0001/);
    assert.ok(!all.includes('<!channel>'), 'incident text cannot notify the channel');
    assert.deepEqual(secretsIn(request.raw, ['XXXXXXXXXXXXXXXXXXXX']), []);
  });

  it('stays within the limits when the evidence and the diff are huge', () => {
    const longDiff = Array.from({ length: 2000 }, (_, i) => `+  line ${i}: ${'x'.repeat(40)}`).join('\n');
    const n = notification({ diff: `${diff}\n${longDiff}`, reason: 'r'.repeat(5000) });
    const payload = slackPayload(buildMessage(n));
    assert.deepEqual(blockProblems(payload), []);
    assert.match(JSON.stringify(payload.blocks), /diff cut \(\d+ more characters\)/);
  });

  it('reports a rejected payload as a failure that is not retried', async () => {
    const slack = createSlackNotifier({ webhookUrl: `${receiver.url}/services/x` });
    const result = await slack.send(notification({ kind: 'escalation' }));
    assert.ok(!result.ok);
    assert.equal(result.retryable, false);
    assert.match(result.error, /HTTP 400: invalid_blocks/);
  });
});
