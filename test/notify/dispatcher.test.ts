import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  createSlackNotifier,
  createWebhookNotifier,
  type DeliveringNotifier,
  type DeliveryEvent,
  NotifyDispatcher,
} from '../../src/notify/index.js';
import { notification, PLANTED, secretsIn } from './fixtures.js';
import { downUrl, type Receiver, startReceiver } from './receiver.js';

// Retries in these tests wait about a millisecond; no assertion depends on how long anything takes.
const FAST = { baseDelayMs: 1, maxDelayMs: 5, random: () => 0 };

describe('notification dispatcher', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function receiver(script?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const r = await startReceiver(script);
    cleanup.push(() => r.close());
    return r;
  }

  function dispatcher(notifiers: DeliveringNotifier[], options = {}): { d: NotifyDispatcher; events: DeliveryEvent[] } {
    const events: DeliveryEvent[] = [];
    const onEvent = (e: DeliveryEvent): void => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    };
    const d = new NotifyDispatcher(notifiers, { ...FAST, onEvent, ...options });
    cleanup.push(() => d.stop({ timeoutMs: 0 }));
    return { d, events };
  }

  it('returns before a hanging receiver answers, and that receiver delays no other', async () => {
    const hanging = await receiver([{ hang: true }]);
    const working = await receiver();
    const { d, events } = dispatcher([
      createWebhookNotifier({ url: `${hanging.url}/hook` }),
      createSlackNotifier({ webhookUrl: `${working.url}/slack` }),
    ]);
    const result = await d.send(notification());
    assert.deepEqual(result, { ok: true });
    await working.received(1);
    await hanging.received(1);
    // Delivered to Slack while the webhook request is still open.
    await waitFor(events, (e) => e.type === 'delivered' && e.receiver === 'slack');
    assert.equal(events.filter((e) => e.receiver === 'webhook').length, 0);
    assert.equal(d.pending(), 1);

    const stopped = await d.stop({ timeoutMs: 0 });
    assert.deepEqual(stopped, { cancelled: 1 });
    assert.ok(events.some((e) => e.type === 'cancelled' && e.receiver === 'webhook'));
  });

  it('retries a receiver that is down in the background, and stop() gives up what is left', async () => {
    const { d, events } = dispatcher([createWebhookNotifier({ url: await downUrl() })], { maxAttempts: 1000 });
    assert.deepEqual(await d.send(notification()), { ok: true });
    await waitFor(events, (e) => e.type === 'retrying' && e.attempt >= 3);
    const retry = events.find((e) => e.type === 'retrying');
    assert.ok(retry?.type === 'retrying' && /ECONNREFUSED/.test(retry.error));
    assert.deepEqual(await d.stop({ timeoutMs: 0 }), { cancelled: 1 });
    assert.deepEqual(await d.send(notification()), { ok: false, error: 'notifications are stopped' });
  });

  it('delivers after transient failures, with back-off growing per attempt, and never retries a rejection', async () => {
    const flaky = await receiver([{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200 }]);
    const rejecting = await receiver([{ status: 404, body: 'no_service' }]);
    const { d, events } = dispatcher(
      [
        createWebhookNotifier({ url: `${flaky.url}/hook` }),
        createSlackNotifier({ webhookUrl: `${rejecting.url}/slack` }),
      ],
      { baseDelayMs: 2, maxDelayMs: 1000 },
    );
    await d.send(notification());
    await d.whenIdle();
    assert.equal(flaky.requests.length, 3);
    assert.equal(flaky.requests[0]?.raw, flaky.requests[2]?.raw, 'the same message each attempt');
    const delays = events.filter((e) => e.type === 'retrying').map((e) => (e.type === 'retrying' ? e.delayMs : 0));
    assert.deepEqual(delays, [1, 2]);
    assert.ok(events.some((e) => e.type === 'delivered' && e.receiver === 'webhook' && e.attempts === 3));
    assert.equal(rejecting.requests.length, 1);
    const failed = events.find((e) => e.type === 'failed');
    assert.ok(failed?.type === 'failed' && failed.receiver === 'slack' && failed.attempts === 1);
  });

  it('gives up after maxAttempts', async () => {
    const broken = await receiver([{ status: 500 }]);
    const { d, events } = dispatcher([createWebhookNotifier({ url: `${broken.url}/hook` })], { maxAttempts: 3 });
    await d.send(notification());
    await d.whenIdle();
    assert.equal(broken.requests.length, 3);
    assert.deepEqual(
      events.map((e) => e.type),
      ['retrying', 'retrying', 'failed'],
    );
  });

  it('keeps the queue bounded, dropping the oldest waiting message', async () => {
    const hanging = await receiver([{ hang: true }]);
    const { d, events } = dispatcher([createWebhookNotifier({ url: `${hanging.url}/hook` })], { maxQueue: 2 });
    for (const reason of ['first', 'second', 'third', 'fourth']) await d.send(notification({ reason }));
    const dropped = events.filter((e) => e.type === 'dropped').map((e) => e.n.reason);
    assert.deepEqual(dropped, ['second']);
    assert.equal(d.pending(), 3, 'one in flight and two waiting');
  });

  it('stop() delivers what is queued before returning', async () => {
    const working = await receiver();
    const { d } = dispatcher([createWebhookNotifier({ url: `${working.url}/hook` })]);
    for (const reason of ['a', 'b', 'c']) await d.send(notification({ reason }));
    assert.deepEqual(await d.stop(), { cancelled: 0 });
    assert.deepEqual(
      working.requests.map((r) => (r.json as { reason: string }).reason),
      ['a', 'b', 'c'],
    );
  });

  it('masks the values it is told are secret, on top of the patterns', async () => {
    const working = await receiver();
    const plain = 'plain-looking-cluster-secret';
    const { d } = dispatcher([createWebhookNotifier({ url: `${working.url}/hook` })], { known: [plain] });
    await d.send(notification({ reason: `the value ${plain} leaked into a message` }));
    await d.whenIdle();
    const raw = working.requests[0]?.raw ?? '';
    assert.match(raw, /the value \[REDACTED\] leaked/);
    assert.deepEqual(secretsIn(raw, [plain]), []);
    assert.ok(raw.includes('memory-hog') && !raw.includes(PLANTED.envValue));
  });

  it('says so when no receiver is configured', async () => {
    const { d } = dispatcher([]);
    assert.deepEqual(await d.send(notification()), { ok: false, error: 'no notifier is configured' });
  });
});

const waiters: (() => void)[] = [];

/**
 * Resolves once an event matching `match` has been seen; woken by each event the dispatcher reports. The dispatcher's
 * back-off timers are unref'd (a receiver that stays down must not keep a finished process alive), so the wait holds
 * the event loop open itself.
 */
async function waitFor(events: DeliveryEvent[], match: (e: DeliveryEvent) => boolean): Promise<void> {
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    while (!events.some(match)) await new Promise<void>((resolve) => waiters.push(resolve));
  } finally {
    clearInterval(keepAlive);
  }
}
