import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClock } from '../../../src/sim/clock.js';
import { type Controller, runControllers } from '../../../src/sim/controllers/controller.js';
import { createEventRecorder } from '../../../src/sim/controllers/event-recorder.js';
import { LogStore } from '../../../src/sim/store/log-store.js';
import { ObjectStore } from '../../../src/sim/store/object-store.js';
import { eventually } from '../../helpers/kubectl.js';

function context() {
  const clock = createClock(100);
  const store = new ObjectStore({ now: () => clock.now() });
  return { store, logs: new LogStore(), clock, events: createEventRecorder(store, clock) };
}

describe('the controller work queue', () => {
  it('counts reconciles and errors per controller, and retries a failing key', async () => {
    let calls = 0;
    const flaky: Controller = {
      name: 'flaky',
      keysFor: () => [],
      initialKeys: () => ['a'],
      reconcile() {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
      },
    };
    const running = runControllers(context(), [flaky]);
    await eventually(() => calls >= 2, 5_000, 'the retry');
    const [stats] = running.stats();
    assert.equal(stats?.name, 'flaky');
    assert.equal(stats?.errors, 1);
    assert.ok((stats?.reconciles ?? 0) >= 2);
    running.stop();
  });

  it('yields to other work when a drain runs long, so the API server keeps answering', async () => {
    const order: string[] = [];
    const slow: Controller = {
      name: 'slow',
      keysFor: () => [],
      initialKeys: () => ['k1', 'k2', 'k3'],
      reconcile(key) {
        order.push(key);
        if (key === 'k1') {
          // Something else (a request handler) becomes ready while this reconcile hogs the loop past the budget.
          setImmediate(() => order.push('other work'));
          const until = performance.now() + 25;
          while (performance.now() < until) {
            // busy: a reconcile that takes longer than the drain's time budget
          }
        }
      },
    };
    const running = runControllers(context(), [slow]);
    await eventually(() => order.length === 4, 5_000, 'all keys and the other work');
    assert.deepEqual(order.slice(0, 2), ['k1', 'other work'], 'the queued work runs before the next key');
    running.stop();
  });
});
