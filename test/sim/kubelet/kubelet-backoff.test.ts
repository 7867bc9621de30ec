import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../../src/sim/kubelet/backoff.js';

describe('crash-loop back-off', () => {
  it('doubles from 10s to a 5 minute cap', () => {
    const b = new Backoff(10_000, 300_000);
    let t = 0;
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.next('pod_app', t, t);
      seen.push(b.get('pod_app') / 1000);
      t += b.get('pod_app') + 1_000;
    }
    assert.deepEqual(seen, [10, 20, 40, 80, 160, 300, 300]);
  });

  it('holds a restart until the back-off since the crash has passed', () => {
    const b = new Backoff(10_000, 300_000);
    b.next('k', 0, 0);
    assert.equal(b.isInBackOffSince('k', 5_000, 6_000), true);
    assert.equal(b.isInBackOffSince('k', 5_000, 15_001), false);
    assert.equal(b.isInBackOffSince('other', 5_000, 6_000), false);
  });

  it('starts over at 10s after a container ran for more than 10 minutes', () => {
    const b = new Backoff(10_000, 300_000);
    b.next('k', 0, 0);
    b.next('k', 11_000, 11_000);
    assert.equal(b.get('k'), 20_000);
    // The next crash comes 11 minutes after the last restart: the entry is stale.
    const crash = 11_000 + 11 * 60_000;
    assert.equal(b.isInBackOffSince('k', crash, crash + 1), false);
    b.next('k', crash, crash + 1);
    assert.equal(b.get('k'), 10_000);
  });

  it('forgets every entry of a deleted pod', () => {
    const b = new Backoff(10_000, 300_000);
    b.next('uid1_app', 0, 0);
    b.next('uid1_sidecar', 0, 0);
    b.next('uid2_app', 0, 0);
    b.forget('uid1_');
    assert.deepEqual([b.get('uid1_app'), b.get('uid1_sidecar'), b.get('uid2_app')], [0, 0, 10_000]);
  });
});
