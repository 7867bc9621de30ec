import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNotifiers, loadNotifyConfig, parseNotifyConfig } from '../../src/notify/index.js';
import { notification, secretsIn } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

describe('notify configuration', () => {
  let dir: string;
  let receiver: Receiver;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemend-notify-'));
    receiver = await startReceiver();
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await receiver.close();
  });

  it('reads the notify section of kubemend.yaml next to the models', () => {
    writeFileSync(
      join(dir, 'kubemend.yaml'),
      [
        'models:',
        '  local: { provider: builtin }',
        'notify:',
        '  feishu: { webhookEnv: FEISHU_WEBHOOK, secretEnv: FEISHU_SECRET }',
        '  slack: { webhookEnv: SLACK_WEBHOOK }',
        '  webhook: { url: "http://127.0.0.1:9/hook" }',
      ].join('\n'),
    );
    const loaded = loadNotifyConfig({ cwd: dir, home: dir });
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.config, {
      feishu: { webhookEnv: 'FEISHU_WEBHOOK', secretEnv: 'FEISHU_SECRET' },
      slack: { webhookEnv: 'SLACK_WEBHOOK' },
      webhook: { url: 'http://127.0.0.1:9/hook' },
    });
  });

  it('rejects a secret written into the file and says where', () => {
    const parsed = parseNotifyConfig({ slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' } });
    assert.ok(!parsed.ok);
    assert.match(parsed.error.message, /notify\.slack/);
    const both = parseNotifyConfig({ webhook: { url: 'http://a/', urlEnv: 'HOOK' } });
    assert.ok(!both.ok && /exactly one of url and urlEnv/.test(both.error.message));
  });

  it('builds the receivers whose variables are set and warns about the others', async () => {
    const parsed = parseNotifyConfig({
      feishu: { webhookEnv: 'FEISHU_WEBHOOK', secretEnv: 'FEISHU_SECRET' },
      slack: { webhookEnv: 'SLACK_WEBHOOK' },
      webhook: { urlEnv: 'HOOK_URL' },
    });
    assert.ok(parsed.ok);
    const env = { FEISHU_WEBHOOK: `${receiver.url}/feishu`, HOOK_URL: `${receiver.url}/hook` };
    const created = createNotifiers(parsed.config, env);
    assert.deepEqual(
      created.notifiers.map((n) => n.name),
      ['webhook'],
      'feishu without its secret and slack without its URL are off',
    );
    assert.deepEqual(created.warnings, [
      'notify.feishu: $FEISHU_SECRET is not set; feishu notifications are off',
      'notify.slack: $SLACK_WEBHOOK is not set; slack notifications are off',
    ]);

    const [webhook] = created.notifiers;
    assert.deepEqual(await webhook?.send(notification({ kind: 'escalation' })), { ok: true });
    const body = receiver.requests[0]?.json as Record<string, unknown>;
    assert.equal(body.source, 'kubemend');
    assert.equal(body.kind, 'escalation');
    assert.equal((body.incident as { fingerprint: string }).fingerprint, '3f9a1c2e7b6d5a40');
    assert.match(String(body.diff), /\+ {2}memory: 200Mi/);
    assert.deepEqual(secretsIn(receiver.requests[0]?.raw ?? ''), []);
  });
});
