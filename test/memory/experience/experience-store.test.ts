import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ExperienceStore, type FixAttemptInput, type MemoryManager } from '../../../src/memory/index.js';
import { ManualClock, makeTempDir, openTestMemory, removeDir, T0 } from '../spaces/temp-memory.js';

const HOG = 'oom-killed:default/Deployment/memory-hog/memory-hog';
const HOG_EVIDENCE =
  'container memory-hog OOMKilled, exit code 137, memory limit 100Mi, stress --vm-bytes 200M, 4 restarts';

function attempt(overrides: Partial<FixAttemptInput> & Pick<FixAttemptInput, 'fixId' | 'outcome'>): FixAttemptInput {
  return {
    fingerprint: HOG,
    failureClass: 'oom-killed',
    action: 'raise the memory limit',
    change: { op: 'set-resources', container: 'memory-hog', limits: { memory: '256Mi' } },
    evidence: HOG_EVIDENCE,
    actor: 'fixer',
    ...overrides,
  };
}

describe('experience', () => {
  let dir: string;
  let clock: ManualClock;
  let memory: MemoryManager;
  let experience: ExperienceStore;

  beforeEach(async () => {
    dir = makeTempDir();
    clock = new ManualClock();
    memory = await openTestMemory(dir, clock);
    experience = new ExperienceStore(memory);
  });

  afterEach(async () => {
    await memory.close();
    removeDir(dir);
  });

  async function record(input: FixAttemptInput) {
    clock.advance(60_000);
    return experience.record(input);
  }

  it('records attempts per fingerprint with their outcome, evidence, time and actor, and keeps them across a reopen', async () => {
    const stored = await record(attempt({ fixId: 'fix-1', outcome: 'failed', actor: 'alice' }));
    assert.deepEqual(stored, { ...attempt({ fixId: 'fix-1', outcome: 'failed', actor: 'alice' }), time: T0 + 60_000 });
    await record(attempt({ fixId: 'fix-2', outcome: 'succeeded' }));
    await record(attempt({ fingerprint: 'other', fixId: 'fix-3', outcome: 'succeeded' }));
    await memory.close();
    memory = await openTestMemory(dir, clock);
    experience = new ExperienceStore(memory);
    assert.deepEqual(
      experience.attempts(HOG).map((a) => [a.fixId, a.outcome, a.actor]),
      [
        ['fix-1', 'failed', 'alice'],
        ['fix-2', 'succeeded', 'fixer'],
      ],
    );
    assert.deepEqual(experience.attempts('never seen'), []);
  });

  it('refuses an attempt with an unknown outcome', async () => {
    await assert.rejects(experience.record(attempt({ fixId: 'x', outcome: 'maybe' as 'failed' })), {
      name: 'MemoryError',
      code: 'INVALID_RECORD',
    });
    assert.deepEqual(experience.attempts(HOG), []);
  });

  describe('bestFixFor', () => {
    it('prefers the most recent fix that succeeded for the exact fingerprint', async () => {
      await record(attempt({ fixId: 'older-success', outcome: 'succeeded' }));
      await record(attempt({ fixId: 'newer-success', outcome: 'succeeded', change: { limits: { memory: '512Mi' } } }));
      await record(attempt({ fixId: 'latest-failure', outcome: 'failed' }));
      const best = experience.bestFixFor(HOG, { failureClass: 'oom-killed', text: 'anything' });
      assert.equal(best?.match, 'exact');
      assert.equal(best?.attempt.fixId, 'newer-success');
    });

    it('falls back to the succeeded fix of the most similar incident of the same failure class', async () => {
      await record(
        attempt({
          fingerprint: 'oom-killed:shop/api',
          fixId: 'api-oom',
          outcome: 'succeeded',
          evidence: 'container api OOMKilled after a traffic spike, java heap 512Mi',
        }),
      );
      await record(attempt({ fixId: 'hog-oom', outcome: 'succeeded' }));
      await record(
        attempt({
          fingerprint: 'oom-killed:batch/etl',
          fixId: 'etl-oom-failed',
          outcome: 'failed',
          evidence: `${HOG_EVIDENCE} stress`,
        }),
      );
      await record(
        attempt({
          fingerprint: 'image-pull:shop/web',
          failureClass: 'image-pull',
          fixId: 'pull-fix',
          outcome: 'succeeded',
          evidence: 'memory-hog memory-hog stress OOMKilled 137 (an image-pull record whose words match on purpose)',
        }),
      );

      const best = experience.bestFixFor('oom-killed:default/Deployment/memory-hog-2/memory-hog', {
        failureClass: 'oom-killed',
        text: 'container memory-hog OOMKilled with exit code 137 running stress --vm-bytes 300M under a 100Mi limit',
      });
      assert.equal(best?.match, 'similar');
      assert.equal(best?.attempt.fixId, 'hog-oom');
      assert.ok(best?.match === 'similar' && best.score > 0);

      const api = experience.bestFixFor('oom-killed:shop/api-v2', {
        failureClass: 'oom-killed',
        text: 'java heap traffic spike',
      });
      assert.equal(api?.attempt.fixId, 'api-oom');
    });

    it('finds nothing for an unknown failure class or text that matches no evidence', async () => {
      await record(attempt({ fixId: 'hog-oom', outcome: 'succeeded' }));
      assert.equal(experience.bestFixFor('new', { failureClass: 'crash-loop', text: HOG_EVIDENCE }), undefined);
      assert.equal(experience.bestFixFor('new', { failureClass: 'oom-killed', text: '完全无关' }), undefined);
      assert.equal(
        new ExperienceStore(memory, 'empty-space').bestFixFor(HOG, { failureClass: 'oom-killed', text: 'x' }),
        undefined,
      );
    });

    it("does not suggest a similar incident's change that already failed for this fingerprint", async () => {
      const bigger = { limits: { memory: '1Gi' } };
      await record(
        attempt({ fingerprint: 'oom-killed:other', fixId: 'other-1gi', outcome: 'succeeded', change: bigger }),
      );
      await record(attempt({ fixId: 'hog-1gi', outcome: 'rolled-back', change: bigger }));
      const best = experience.bestFixFor(HOG, { failureClass: 'oom-killed', text: HOG_EVIDENCE });
      assert.equal(best, undefined);
    });
  });

  describe('knownFailures', () => {
    it('lists failed and rolled-back fixes newest first, unless the same change later succeeded', async () => {
      const a = { limits: { memory: '128Mi' } };
      const b = { limits: { memory: '150Mi' } };
      const c = { replicas: 0 };
      await record(attempt({ fixId: 'a-failed', outcome: 'failed', change: a }));
      await record(attempt({ fixId: 'b-rolled-back', outcome: 'rolled-back', change: b }));
      await record(attempt({ fixId: 'c-failed', outcome: 'failed', change: c }));
      await record(attempt({ fixId: 'c-succeeded', outcome: 'succeeded', change: { replicas: 0 } }));
      await record(attempt({ fingerprint: 'other', fixId: 'other-failed', outcome: 'failed' }));

      assert.deepEqual(
        experience.knownFailures(HOG).map((f) => f.fixId),
        ['b-rolled-back', 'a-failed'],
      );
      // Key order inside the change does not matter.
      assert.equal(experience.isKnownFailure(HOG, { limits: { memory: '150Mi' } }), true);
      assert.equal(experience.isKnownFailure(HOG, { replicas: 0 }), false);
      assert.equal(experience.isKnownFailure('other', a), false);
    });
  });
});
