import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MemoryError, MemoryManager, openBitcask, openMemory, tokenize } from '../../../src/memory/index.js';
import { corruptValue, ManualClock, makeTempDir, openTestMemory, removeDir, T0 } from './temp-memory.js';

const HOUR = 3_600_000;

function isMemoryError(code: string) {
  return (error: unknown) => error instanceof MemoryError && error.code === code;
}

describe('memory spaces', () => {
  let dir: string;
  let clock: ManualClock;
  let memory: MemoryManager;

  beforeEach(async () => {
    dir = makeTempDir();
    clock = new ManualClock();
    memory = await openTestMemory(dir, clock);
    await memory.registerSpace('fixer');
  });

  afterEach(async () => {
    await memory.close().catch(() => {});
    removeDir(dir);
  });

  async function reopen(): Promise<MemoryManager> {
    await memory.close();
    memory = await openTestMemory(dir, clock);
    return memory;
  }

  describe('append and get', () => {
    it('stores a record with its fields and returns it by space, kind and id', async () => {
      const record = await memory.append('fixer', {
        kind: 'fix',
        text: 'raised the memory limit',
        tags: ['oom'],
        data: { patch: { limits: { memory: '256Mi' } } },
        subject: 'oom:default/memory-hog',
      });
      assert.equal(record.space, 'fixer');
      assert.equal(record.kind, 'fix');
      assert.equal(record.time, T0);
      assert.match(record.id, /^\d{13}-[0-9a-z]{4}$/);
      assert.ok(record.id.startsWith(String(T0)));
      assert.deepEqual(memory.get(record), record);
      await reopen();
      assert.deepEqual(memory.get({ space: 'fixer', kind: 'fix', id: record.id }), record);
    });

    it('returns undefined for an absent record and refuses unknown spaces, kinds and bad names', async () => {
      assert.equal(memory.get({ space: 'fixer', kind: 'task', id: '0001736928000000-0000' }), undefined);
      await assert.rejects(memory.append('nobody', { kind: 'task', text: 'x' }), isMemoryError('UNKNOWN_SPACE'));
      await assert.rejects(
        memory.append('fixer', { kind: 'memo' as 'task', text: 'x' }),
        isMemoryError('INVALID_RECORD'),
      );
      await assert.rejects(
        memory.append('fixer', { kind: 'task', text: 'x', time: -5 }),
        isMemoryError('INVALID_RECORD'),
      );
      await assert.rejects(memory.registerSpace('a/b'), isMemoryError('INVALID_NAME'));
      await assert.rejects(memory.registerSpace(''), isMemoryError('INVALID_NAME'));
    });

    it('gives records of the same millisecond increasing ids, also after a reopen, and never overwrites', async () => {
      const first = await Promise.all(
        ['a', 'b', 'c'].map((text) => memory.append('fixer', { kind: 'job', text, time: T0 })),
      );
      await reopen();
      const later = await memory.append('fixer', { kind: 'job', text: 'd', time: T0 });
      const ids = [...first, later].map((r) => r.id);
      assert.deepEqual([...ids].sort(), ids);
      assert.equal(new Set(ids).size, 4);
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => r.text),
        ['a', 'b', 'c', 'd'],
      );
    });
  });

  describe('list', () => {
    it('lists a kind in time order, within [since, until), newest first on request, with a limit', async () => {
      // Appended out of order on purpose: the key layout, not the append order, decides.
      for (const hour of [3, 0, 2, 1, 4]) {
        await memory.append('fixer', { kind: 'job', text: `job at ${hour}h`, time: T0 + hour * HOUR });
      }
      await memory.append('fixer', { kind: 'task', text: 'task at 2h', time: T0 + 2 * HOUR });
      const texts = (q: Parameters<MemoryManager['list']>[0]) => memory.list(q).map((r) => r.text);

      assert.deepEqual(texts({ space: 'fixer', kinds: ['job'] }), [
        'job at 0h',
        'job at 1h',
        'job at 2h',
        'job at 3h',
        'job at 4h',
      ]);
      assert.deepEqual(texts({ space: 'fixer', kinds: ['job'], since: T0 + HOUR, until: T0 + 3 * HOUR }), [
        'job at 1h',
        'job at 2h',
      ]);
      assert.deepEqual(texts({ space: 'fixer', kinds: ['job'], order: 'desc', limit: 2 }), ['job at 4h', 'job at 3h']);
      assert.deepEqual(texts({ space: 'fixer', since: T0 + 2 * HOUR, until: T0 + 2 * HOUR + 1 }), [
        'job at 2h',
        'task at 2h',
      ]);
      assert.deepEqual(texts({ space: 'fixer', kinds: ['incident'] }), []);
    });

    it('lists the records about one subject across kinds, oldest first', async () => {
      await memory.append('fixer', { kind: 'fix', text: 'second fix', subject: 'fp/a', time: T0 + 2 });
      await memory.append('fixer', { kind: 'incident', text: 'the incident', subject: 'fp/a', time: T0 + 1 });
      await memory.append('fixer', { kind: 'fix', text: 'other incident', subject: 'fp/b', time: T0 + 3 });
      assert.deepEqual(
        memory.listBySubject('fixer', 'fp/a').map((r) => r.text),
        ['the incident', 'second fix'],
      );
      assert.deepEqual(
        memory.listBySubject('fixer', 'fp/a', ['fix']).map((r) => r.text),
        ['second fix'],
      );
    });
  });

  describe('delete and merge', () => {
    it('deletes a record with its search postings and subject entry', async () => {
      const kept = await memory.append('fixer', { kind: 'incident', text: 'OOMKilled memory-hog', subject: 's' });
      const gone = await memory.append('fixer', { kind: 'incident', text: 'OOMKilled api pod', subject: 's' });
      assert.equal(memory.stats().index.docs, 2);
      assert.equal(await memory.delete(gone), true);
      assert.equal(await memory.delete(gone), false);
      assert.equal(memory.get(gone), undefined);
      assert.deepEqual(
        memory.search({ query: 'oomkilled' }).map((h) => h.record.id),
        [kept.id],
      );
      assert.deepEqual(
        memory.listBySubject('fixer', 's').map((r) => r.id),
        [kept.id],
      );
      assert.equal(memory.stats().index.docs, 1);
      assert.equal(memory.getRaw(`ix/p/api/fixer/incident/${gone.id}`), undefined);
    });

    it('folds records into one summary and deletes the sources in the same batch', async () => {
      const sources = [];
      for (let i = 0; i < 3; i++) {
        sources.push(
          await memory.append('fixer', {
            kind: 'output',
            text: `step ${i}: checked the pod logs`,
            tags: [`t${i}`],
            time: T0 + i,
          }),
        );
      }
      const other = await memory.append('fixer', { kind: 'output', text: 'unrelated decision', time: T0 + 10 });
      const summary = await memory.merge({ space: 'fixer', sources: sources.map(({ kind, id }) => ({ kind, id })) });

      assert.equal(summary.kind, 'output');
      assert.equal(summary.time, T0 + 2);
      assert.equal(
        summary.text,
        'step 0: checked the pod logs\nstep 1: checked the pod logs\nstep 2: checked the pod logs',
      );
      assert.deepEqual(summary.tags, ['t0', 't1', 't2']);
      assert.deepEqual(
        summary.mergedFrom,
        sources.map((s) => s.id),
      );
      for (const source of sources) assert.equal(memory.get(source), undefined);
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => r.id),
        [summary.id, other.id],
      );
      assert.deepEqual(
        memory.search({ query: 'pod logs' }).map((h) => h.record.id),
        [summary.id],
      );
      assert.equal(memory.stats().index.docs, 2);

      const custom = await memory.merge({
        space: 'fixer',
        sources: [summary, other].map(({ kind, id }) => ({ kind, id })),
        summary: { kind: 'audit', text: 'all of today in one line', time: T0 + 99 },
      });
      await reopen();
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => [r.kind, r.text, r.time]),
        [['audit', 'all of today in one line', T0 + 99]],
      );
      assert.deepEqual(memory.get(custom)?.mergedFrom, [summary.id, other.id]);
    });

    it('changes nothing when a merge source is missing or the kinds disagree', async () => {
      const a = await memory.append('fixer', { kind: 'task', text: 'alpha' });
      const b = await memory.append('fixer', { kind: 'job', text: 'beta' });
      await assert.rejects(
        memory.merge({
          space: 'fixer',
          sources: [
            { kind: 'task', id: a.id },
            { kind: 'task', id: '0000000000001-0000' },
          ],
        }),
        isMemoryError('NOT_FOUND'),
      );
      await assert.rejects(memory.merge({ space: 'fixer', sources: [a, b] }), isMemoryError('INVALID_RECORD'));
      assert.equal(memory.list({ space: 'fixer' }).length, 2);
      assert.equal(memory.stats().index.docs, 2);
    });
  });

  describe('concurrent writers', () => {
    it('keeps ids unique and the corpus totals exact under concurrent appends, deletes and merges', async () => {
      const records = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          memory.append('fixer', {
            kind: 'job',
            text: `agent ${i % 3} ran job ${i}: ${i % 2 ? 'ok' : 'failed'}`,
            time: T0,
          }),
        ),
      );
      assert.equal(new Set(records.map((r) => r.id)).size, 60);
      await Promise.all([
        ...records.slice(0, 10).map((r) => memory.delete(r)),
        memory.merge({ space: 'fixer', sources: records.slice(10, 20) }),
        memory.append('fixer', { kind: 'output', text: 'retry the failed jobs', time: T0 }),
      ]);
      const live = memory.list({ space: 'fixer' });
      assert.equal(live.length, 60 - 20 + 1 + 1);
      const tokens = live.reduce((n, r) => n + tokenize(r.text).length, 0);
      assert.deepEqual(memory.stats().index, { docs: live.length, tokens });
      assert.equal(memory.search({ query: 'job 15' })[0]?.record.mergedFrom?.length, 10);
    });
  });

  describe('time to live', () => {
    it('hides records older than the space TTL at once and deletes them at the next sweep', async () => {
      await memory.registerSpace('jobs', { ttlMs: 24 * HOUR });
      const old = await memory.append('jobs', { kind: 'job', text: 'nightly backup finished', time: T0 - 23 * HOUR });
      const fresh = await memory.append('jobs', { kind: 'job', text: 'hourly backup finished', time: T0 });
      const forever = await memory.append('fixer', { kind: 'job', text: 'backup of the fixer', time: T0 - 30 * HOUR });

      clock.advance(2 * HOUR);
      assert.equal(memory.get(old), undefined);
      assert.deepEqual(
        memory.list({ space: 'jobs' }).map((r) => r.id),
        [fresh.id],
      );
      assert.deepEqual(
        memory.search({ query: 'backup', spaces: ['jobs'] }).map((h) => h.record.id),
        [fresh.id],
      );
      assert.equal(memory.stats().spaces.find((s) => s.config.name === 'jobs')?.records.job, 1);
      // Hidden but still stored until a sweep: the index still counts it.
      assert.equal(memory.stats().index.docs, 3);

      assert.equal(await memory.sweepExpired(), 1);
      assert.equal(memory.stats().index.docs, 2);
      assert.equal(memory.getRaw(`sp/jobs/job/${old.id}`), undefined);
      assert.equal(memory.getRaw(`ix/p/nightly/jobs/job/${old.id}`), undefined);

      clock.advance(24 * HOUR);
      await reopen();
      assert.ok(memory.getRaw(`sp/jobs/job/${fresh.id}`), 'opening writes nothing');
      assert.equal(memory.get(fresh), undefined);
      await memory.append('fixer', { kind: 'task', text: 'the first write after a restart sweeps' });
      assert.equal(memory.getRaw(`sp/jobs/job/${fresh.id}`), undefined);
      assert.deepEqual(memory.get(forever)?.text, 'backup of the fixer');
      assert.equal(memory.stats().index.docs, 2);
    });

    it('sweeps from append once the sweep interval has passed', async () => {
      await memory.registerSpace('short', { ttlMs: 1000 });
      const doomed = await memory.append('short', { kind: 'output', text: 'soon gone' });
      clock.advance(61_000);
      await memory.append('fixer', { kind: 'output', text: 'any write' });
      assert.equal(memory.getRaw(`sp/short/output/${doomed.id}`), undefined);
    });
  });

  describe('registry', () => {
    it('persists spaces, their TTL and description across a reopen; updating keeps the creation time', async () => {
      await memory.registerSpace('researcher', { ttlMs: 7 * 24 * HOUR, description: 'evidence gathering' });
      clock.advance(HOUR);
      await memory.registerSpace('researcher', { description: 'gathers evidence' });
      await reopen();
      assert.deepEqual(
        memory.spaces().map((s) => s.name),
        ['fixer', 'researcher'],
      );
      assert.deepEqual(memory.space('researcher'), {
        name: 'researcher',
        createdAt: T0,
        ttlMs: 7 * 24 * HOUR,
        description: 'gathers evidence',
      });
      assert.equal(memory.hasSpace('supervisor'), false);
    });

    it('drops a space with all its records, so the agent no longer exists after a reopen', async () => {
      await memory.registerSpace('coder');
      await memory.append('coder', { kind: 'task', text: 'write a script', subject: 'job-1' });
      await memory.append('coder', { kind: 'job', text: 'script ran', subject: 'job-1' });
      const keep = await memory.append('fixer', { kind: 'task', text: 'write a patch' });
      assert.equal(await memory.dropSpace('coder'), 2);
      await reopen();
      assert.equal(memory.hasSpace('coder'), false);
      assert.deepEqual(memory.getRaw('reg/coder'), undefined);
      assert.deepEqual(
        memory.search({ query: 'write' }).map((h) => h.record.id),
        [keep.id],
      );
      assert.equal(memory.stats().index.docs, 1);
      assert.throws(() => memory.list({ space: 'coder' }), isMemoryError('UNKNOWN_SPACE'));
    });
  });

  describe('failures', () => {
    it('leaves records, postings and totals untouched when the engine rejects a batch', async () => {
      await memory.close();
      const store = await openBitcask({ dir, sync: 'none', maxValueSize: 2048 });
      memory = MemoryManager.open(store, { clock: clock.read });
      const ok = await memory.append('fixer', { kind: 'incident', text: 'small incident' });
      const before = memory.stats().index;
      await assert.rejects(memory.append('fixer', { kind: 'incident', text: `huge ${'x'.repeat(4096)}` }), {
        code: 'TOO_LARGE',
      });
      assert.deepEqual(memory.stats().index, before);
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => r.id),
        [ok.id],
      );
      assert.deepEqual(memory.search({ query: 'huge' }), []);
      // The write queue is not stuck behind the failure.
      await memory.append('fixer', { kind: 'incident', text: 'another small one' });
      assert.equal(memory.list({ space: 'fixer' }).length, 2);
    });

    it('loses a record damaged on disk together with its postings (one batch); verify names it', async () => {
      const bad = await memory.append('fixer', { kind: 'job', text: 'payload-to-damage in the job log' });
      const good = await memory.append('fixer', { kind: 'job', text: 'a healthy job log' });
      await memory.close();
      corruptValue(dir, 'payload-to-damage');
      const damaged: string[] = [];
      memory = await openTestMemory(dir, clock, { onCorrupt: (key) => damaged.push(key) });
      const key = `sp/fixer/job/${bad.id}`;

      // The engine drops a batch with a damaged member whole, so no posting is left pointing at the lost record.
      assert.equal(memory.get(bad), undefined);
      assert.equal(memory.getRaw(`ix/d/fixer/job/${bad.id}`), undefined);
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => r.id),
        [good.id],
      );
      assert.deepEqual(
        memory.search({ query: 'job log' }).map((h) => h.record.id),
        [good.id],
      );
      assert.deepEqual(damaged, []);
      assert.equal(memory.stats().index.docs, 1, 'corpus totals recounted without the lost document');
      const report = memory.verify();
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.corrupt.map((c) => c.key),
        [key],
      );
      assert.equal(await memory.delete(bad), false);
    });

    it('reports index entries whose record is gone, and delete cleans them', async () => {
      const lost = await memory.append('fixer', { kind: 'job', text: 'the lost job log', subject: 'run-1' });
      const kept = await memory.append('fixer', { kind: 'job', text: 'the kept job log', subject: 'run-1' });
      await memory.close();
      // Only a bug or foreign writer could do this: remove the record behind the index's back.
      const raw = await openBitcask({ dir, sync: 'none' });
      await raw.delete(`sp/fixer/job/${lost.id}`);
      await raw.close();
      const damaged: string[] = [];
      memory = await openTestMemory(dir, clock, { onCorrupt: (key) => damaged.push(key) });
      const key = `sp/fixer/job/${lost.id}`;

      assert.deepEqual(
        memory.search({ query: 'job log' }).map((h) => h.record.id),
        [kept.id],
      );
      assert.deepEqual(
        memory.listBySubject('fixer', 'run-1').map((r) => r.id),
        [kept.id],
      );
      assert.deepEqual(damaged, [key, key]);
      assert.equal(await memory.delete(lost), true);
      assert.equal(memory.getRaw(`ix/p/lost/fixer/job/${lost.id}`), undefined);
      assert.equal(memory.stats().index.docs, 1);
      memory.search({ query: 'job log' });
      memory.listBySubject('fixer', 'run-1');
      assert.equal(damaged.length, 2, 'nothing left to report');
    });

    it('skips a record that fails its check when read, reporting it, while get throws CORRUPT', async () => {
      const bad = await memory.append('fixer', { kind: 'job', text: 'payload-to-damage in the job log' });
      const good = await memory.append('fixer', { kind: 'job', text: 'a healthy job log' });
      // Merged files come with hint files, so the next open trusts the hints and meets the damage only on read.
      await reopen();
      await memory.compact();
      await memory.close();
      corruptValue(dir, 'payload-to-damage');
      const damaged: string[] = [];
      memory = await openTestMemory(dir, clock, { onCorrupt: (key) => damaged.push(key) });
      const key = `sp/fixer/job/${bad.id}`;

      assert.throws(() => memory.get(bad), { code: 'CORRUPT' });
      assert.deepEqual(
        memory.list({ space: 'fixer' }).map((r) => r.id),
        [good.id],
      );
      assert.deepEqual(
        memory.search({ query: 'job log' }).map((h) => h.record.id),
        [good.id],
      );
      assert.deepEqual(damaged, [key, key]);
      assert.ok(memory.verify().corrupt.some((c) => c.key === key));
    });

    it('refuses writes when opened read-only, and reads while another opener holds the lock', async () => {
      const record = await memory.append('fixer', { kind: 'task', text: 'check the pods' });
      const reader = await openMemory({ dir, readOnly: true, clock: clock.read });
      try {
        assert.deepEqual(reader.get(record), record);
        await assert.rejects(reader.append('fixer', { kind: 'task', text: 'x' }), isMemoryError('READ_ONLY'));
        await assert.rejects(reader.registerSpace('other'), isMemoryError('READ_ONLY'));
        await assert.rejects(openMemory({ dir, clock: clock.read }), { code: 'LOCKED' });
      } finally {
        await reader.close();
      }
    });
  });
});
