import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createFeishuNotifier } from '../../src/notify/index.js';
import { incident, notification, secretsIn } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

const SECRET = 'feishu-signing-secret-7Qx';
const NOW = Date.UTC(2025, 0, 15, 8, 5, 0);

// Feishu's documented algorithm, written out independently of src: HMAC-SHA256 keyed with `timestamp + "\n" + secret`
// over an empty message, Base64-encoded.
function documentedSign(timestamp: string, secret: string): string {
  const key = Buffer.from(`${timestamp}\n${secret}`, 'utf8');
  return createHmac('sha256', key).update(Buffer.alloc(0)).digest('base64');
}

interface FeishuBody {
  timestamp?: string;
  sign?: string;
  msg_type: string;
  card: { header: { title: { content: string }; template: string }; elements: Record<string, unknown>[] };
}

describe('feishu custom bot', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver([
      { status: 200, body: '{"code":0,"data":{},"msg":"success"}' },
      {
        status: 200,
        body: '{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}',
      },
      { status: 200, body: '{"code":0,"msg":"success"}' },
    ]);
  });
  after(() => receiver.close());

  it('signs the card as Feishu specifies and carries the evidence and the diff, with no secret in it', async () => {
    const url = `${receiver.url}/open-apis/bot/v2/hook/hook-id-123`;
    const feishu = createFeishuNotifier({ webhookUrl: url, secret: SECRET, clock: () => NOW });
    assert.deepEqual(await feishu.send(notification()), { ok: true });

    const request = receiver.requests[0];
    assert.ok(request);
    assert.equal(request.path, '/open-apis/bot/v2/hook/hook-id-123');
    assert.match(String(request.headers['content-type']), /^application\/json/);
    const body = request.json as FeishuBody;
    assert.equal(body.timestamp, String(NOW / 1000), 'seconds, as a string');
    assert.equal(body.sign, documentedSign(String(NOW / 1000), SECRET));
    assert.equal(body.msg_type, 'interactive');
    assert.equal(body.card.header.template, 'orange');
    assert.match(body.card.header.title.content, /Approval requested: default\/Deployment\/memory-hog OOMKilled/);

    const text = JSON.stringify(body.card.elements);
    assert.match(text, /exitCode: 137/);
    assert.match(text, /memoryLimit: 100Mi/);
    assert.match(text, /event BackOff ×7 on Pod\/memory-hog-5d8f/);
    assert.match(text, /```diff\\n--- Deployment default\/memory-hog/);
    assert.match(text, /\+ {2}memory: 200Mi/);
    assert.match(text, /kubemend approve inc-20250115-0001/);
    assert.ok(text.includes(incident.fingerprint));
    assert.deepEqual(secretsIn(request.raw, [SECRET, 'hook-id-123']), []);
    assert.ok(!request.raw.includes('<at id=all>'), 'incident text cannot mention everyone');
  });

  it('reports a signature Feishu rejects as a failure that is not retried', async () => {
    const feishu = createFeishuNotifier({ webhookUrl: `${receiver.url}/hook`, secret: 'wrong', clock: () => NOW });
    const result = await feishu.send(notification({ kind: 'escalation' }));
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.retryable === false && /code 19021/.test(result.error));
  });

  it('sends no signature fields when the bot has no secret', async () => {
    const feishu = createFeishuNotifier({ webhookUrl: `${receiver.url}/hook`, clock: () => NOW });
    assert.deepEqual(await feishu.send(notification({ kind: 'resolved', fix: undefined, diff: undefined })), {
      ok: true,
    });
    const body = receiver.requests[2]?.json as FeishuBody;
    assert.equal(body.sign, undefined);
    assert.equal(body.timestamp, undefined);
    assert.equal(body.card.header.template, 'green');
  });
});
