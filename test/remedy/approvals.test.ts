import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MemoryManager } from '../../src/memory/index.js';
import { ApprovalStore } from '../../src/remedy/approvals.js';
import { ManualClock, makeTempDir, openTestMemory, removeDir, T0 } from '../memory/spaces/temp-memory.js';
import { fix } from '../notify/fixtures.js';

const MINUTE = 60_000;
const in15 = (): string => new Date(T0 + 15 * MINUTE).toISOString();

describe('approval store', () => {
  let dir: string;
  let clock: ManualClock;
  let memory: MemoryManager;
  let approvals: ApprovalStore;

  beforeEach(async () => {
    dir = makeTempDir();
    clock = new ManualClock();
    memory = await openTestMemory(dir, clock);
    approvals = new ApprovalStore(memory, { clock: clock.read });
  });
  afterEach(async () => {
    await memory.close();
    removeDir(dir);
  });

  it('holds a request until a person approves it, once', async () => {
    await approvals.request('inc-1', fix, in15(), { workload: 'default/Deployment/memory-hog' });
    assert.deepEqual(
      approvals.pending().map((r) => [r.incidentId, r.workload, r.fix.target.name]),
      [['inc-1', 'default/Deployment/memory-hog', 'memory-hog']],
    );
    assert.equal(approvals.decided('inc-1'), undefined);

    clock.advance(MINUTE);
    const approved = await approvals.approve('inc-1', 'alice');
    assert.ok(approved.ok);
    assert.deepEqual(approved.decision, {
      status: 'approved',
      incidentId: 'inc-1',
      by: 'alice',
      at: new Date(T0 + MINUTE).toISOString(),
    });
    assert.deepEqual(approved.request.fix, fix, 'the fix to apply comes back whole');
    assert.deepEqual(approvals.pending(), []);
    assert.equal(approvals.decided('inc-1')?.status, 'approved');

    const again = await approvals.reject('inc-1', 'bob', 'too late');
    assert.ok(!again.ok && again.code === 'ALREADY_DECIDED' && again.decision?.status === 'approved');
  });

  it('records a rejection with its reason, and knows nothing of incidents never asked about', async () => {
    await approvals.request('inc-2', fix, in15());
    const rejected = await approvals.reject('inc-2', 'carol', 'memory-hog is being decommissioned');
    assert.ok(rejected.ok);
    assert.deepEqual(approvals.decided('inc-2'), {
      status: 'rejected',
      incidentId: 'inc-2',
      by: 'carol',
      at: new Date(T0).toISOString(),
      reason: 'memory-hog is being decommissioned',
    });
    const unknown = await approvals.approve('inc-404', 'alice');
    assert.ok(!unknown.ok && unknown.code === 'NOT_FOUND');
  });

  it('expires requests nobody answered, so the caller can escalate them', async () => {
    await approvals.request('inc-3', fix, in15());
    clock.advance(5 * MINUTE);
    await approvals.request('inc-4', fix, new Date(T0 + 60 * MINUTE));
    clock.advance(11 * MINUTE);
    assert.deepEqual(
      approvals.pending().map((r) => r.incidentId),
      ['inc-4'],
    );

    const due = await approvals.expireDue();
    assert.deepEqual(
      due.map((r) => r.incidentId),
      ['inc-3'],
    );
    assert.equal(approvals.decided('inc-3')?.status, 'expired');
    assert.deepEqual(await approvals.expireDue(), [], 'expired once');

    const late = await approvals.approve('inc-3', 'alice');
    assert.ok(!late.ok && late.code === 'EXPIRED');
  });

  it('refuses an approval that arrives after the deadline even before the expiry sweep', async () => {
    await approvals.request('inc-5', fix, in15());
    clock.advance(16 * MINUTE);
    const late = await approvals.approve('inc-5', 'alice');
    assert.ok(!late.ok && late.code === 'EXPIRED');
    assert.equal(approvals.decided('inc-5')?.status, 'expired');
  });

  it('lets one of two racing decisions win', async () => {
    await approvals.request('inc-6', fix, in15());
    const [a, b] = await Promise.all([approvals.approve('inc-6', 'alice'), approvals.reject('inc-6', 'bob', 'no')]);
    assert.deepEqual([a.ok, b.ok], [true, false]);
    assert.equal(approvals.decided('inc-6')?.status, 'approved');
  });

  it('starts a new round when the same incident asks again after a decision, and survives a restart', async () => {
    await approvals.request('inc-7', fix, in15());
    await approvals.reject('inc-7', 'bob', 'try a smaller raise');
    clock.advance(MINUTE);
    const smaller = { ...fix, expected: 'the container stays up at 150Mi' };
    await approvals.request('inc-7', smaller, new Date(T0 + 30 * MINUTE));
    assert.equal(approvals.decided('inc-7'), undefined);

    await memory.close();
    memory = await openTestMemory(dir, clock);
    const reopened = new ApprovalStore(memory, { clock: clock.read });
    assert.deepEqual(
      reopened.pending().map((r) => r.fix.expected),
      ['the container stays up at 150Mi'],
    );
    const approved = await reopened.approve('inc-7', 'alice');
    assert.ok(approved.ok && approved.request.fix.expected === 'the container stays up at 150Mi');
  });
});
