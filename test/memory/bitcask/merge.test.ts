// Merge: reclaiming space, hints, failure modes 6 (delete + partial merge + reopen), 7 (writes during a merge) and
// 10 (many cycles of puts + merge + close, then verify everything).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type Bitcask, openBitcask } from '../../../src/memory/bitcask/index.js';
import { contents, dataFiles, prng, sortedModel, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const key = (i: number) => `k/${String(i).padStart(5, '0')}`;

async function reopen(db: Bitcask, dir: string, maxFileSize = 4096): Promise<Bitcask> {
  await db.close();
  return openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize });
}

describe('merge', () => {
  test('keeps exactly the live data, drops dead bytes and tombstones, writes hints, survives reopen', async () => {
    const dir = tempDir();
    let db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 4096 });
    const model = new Map<string, string>();
    for (let gen = 0; gen < 3; gen++) {
      for (let i = 0; i < 300; i++) {
        await db.put(key(i), `gen${gen}-${i}`);
        model.set(key(i), `gen${gen}-${i}`);
      }
    }
    for (let i = 0; i < 300; i += 4) {
      await db.delete(key(i));
      model.delete(key(i));
    }
    const before = db.stats();
    const r = await db.merge();
    const after = db.stats();
    assert.equal(r.filesBefore, before.files);
    assert.equal(r.filesAfter, after.files);
    assert.ok(r.filesAfter < r.filesBefore);
    assert.equal(r.bytesReclaimed, before.deadBytes, 'everything dead is reclaimed');
    assert.equal(after.deadBytes, 0);
    assert.equal(after.liveBytes, before.liveBytes);
    assert.deepEqual(contents(db), sortedModel(model));
    const v = db.verify();
    assert.equal(v.records, model.size, 'no tombstones left once every file was merged');
    const names = readdirSync(dir);
    assert.equal(names.filter((n) => n.endsWith('.hint')).length, dataFiles(dir).length);
    assert.deepEqual(
      names.filter((n) => n.includes('merging') || n.startsWith('MERGEFIN')),
      [],
    );
    db = await reopen(db, dir);
    assert.deepEqual(contents(db), sortedModel(model));
    assert.equal(db.stats().deadBytes, 0);
    await db.close();
  });

  test('writes, overwrites and deletes issued while a merge runs keep the newest value', async () => {
    const dir = tempDir();
    let db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 64 * 1024 });
    const model = new Map<string, string>();
    for (let i = 0; i < 30_000; i++) {
      db.put(key(i), `old-${i}`.padEnd(80, '.'));
      model.set(key(i), `old-${i}`.padEnd(80, '.'));
    }
    for (let i = 0; i < 30_000; i += 2) {
      db.put(key(i), `older-overwritten-${i}`);
      model.set(key(i), `older-overwritten-${i}`);
    }
    await db.sync();
    const merging = db.merge();
    let done = false;
    merging.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    let during = 0;
    for (let round = 0; !done; round++) {
      for (let j = 0; j < 50; j++) {
        const i = (round * 50 + j) % 30_000;
        if (j % 5 === 0) {
          await db.delete(key(i));
          model.delete(key(i));
        } else {
          await db.put(key(i), `new-${round}-${j}`);
          model.set(key(i), `new-${round}-${j}`);
        }
        during++;
      }
      await db.put(`fresh/${round}`, 'born during the merge');
      model.set(`fresh/${round}`, 'born during the merge');
    }
    await merging;
    assert.ok(during >= 100, `the merge yielded to ${during} concurrent writes`);
    assert.deepEqual(contents(db), sortedModel(model));
    db = await reopen(db, dir, 64 * 1024);
    assert.deepEqual(contents(db), sortedModel(model));
    assert.equal(db.verify().ok, true);
    await db.close();
  });

  test('delete, partial merge, reopen: the deleted key does not come back', async () => {
    const dir = tempDir();
    let db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 1024 });
    // File 1: the victim plus live neighbours (mostly live, so a ratio-filtered merge skips it).
    await db.put('victim', 'must stay deleted');
    for (let i = 0; i < 8; i++) await db.put(key(i), 'x'.repeat(120));
    // Later files: churn that is all dead, and the tombstone.
    for (let i = 0; i < 30; i++) await db.put('churn', `y${i}`.repeat(40));
    await db.delete('victim');
    for (let i = 0; i < 30; i++) await db.put('churn', `z${i}`.repeat(40));
    const first = dataFiles(dir)[0]!;
    const r = await db.merge({ minDeadRatio: 0.9 });
    assert.ok(dataFiles(dir).includes(first), 'the file holding the old victim was not merged');
    assert.ok(r.bytesReclaimed > 0);
    assert.equal(db.has('victim'), false);
    db = await reopen(db, dir, 1024);
    assert.equal(db.has('victim'), false, 'not resurrected by the partial merge');
    await db.merge({ minDeadRatio: 0.9 });
    db = await reopen(db, dir, 1024);
    assert.equal(db.has('victim'), false);
    await db.merge();
    db = await reopen(db, dir, 1024);
    assert.equal(db.has('victim'), false);
    assert.equal(db.keys().length, 9);
    await db.close();
  });

  test('concurrent merge() calls share one merge; merge of an empty store is a no-op', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none', autoMerge: false });
    assert.deepEqual(await db.merge(), { filesBefore: 0, filesAfter: 0, bytesReclaimed: 0 });
    await db.put('a', '1');
    await db.put('a', '2');
    const [x, y] = await Promise.all([db.merge(), db.merge()]);
    assert.deepEqual(x, y);
    await db.close();
  });

  test('closing during a merge abandons it cleanly', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 64 * 1024 });
    for (let i = 0; i < 30_000; i++) db.put(key(i % 10_000), `v${i}`.padEnd(100, '-'));
    await db.sync();
    const merging = db.merge();
    await db.close();
    await assert.rejects(merging, { code: 'CLOSED' });
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('merging') || n.startsWith('MERGEFIN')),
      [],
    );
    const again = await openBitcask({ dir, readOnly: true });
    assert.equal(again.keys().length, 10_000);
    assert.equal(again.get(key(42))?.toString(), 'v20042'.padEnd(100, '-'));
    await again.close();
  });

  test('autoMerge starts a merge once dead bytes pass both thresholds', async () => {
    const errors: unknown[] = [];
    const db = await openBitcask({
      dir: tempDir(),
      sync: 'none',
      maxFileSize: 4096,
      autoMerge: { deadRatio: 0.5, minDeadBytes: 20_000 },
      onBackgroundError: (e) => errors.push(e),
    });
    for (let i = 0; i < 100; i++) await db.put(key(i), 'v'.repeat(100));
    assert.equal(db.stats().deadBytes, 0);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 100; i++) await db.put(key(i), `r${round}`.repeat(50));
    // Waits for the background merge; the bound only stops a hang, it is not a speed requirement.
    for (let i = 0; i < 3000 && db.stats().deadBytes > 20_000; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(db.stats().deadBytes < 20_000, `dead bytes now ${db.stats().deadBytes}`);
    assert.deepEqual(errors, []);
    assert.equal(db.get(key(5))?.toString(), 'r2'.repeat(50));
    await db.close();
  });
});

describe('many cycles of puts + merge + close, then verify everything', () => {
  test('40 cycles with random puts, overwrites, deletes and batches', async () => {
    const seed = Number(process.env.BITCASK_SEED ?? 20_251_009);
    const rand = prng(seed);
    const dir = tempDir();
    const model = new Map<string, string>();
    try {
      for (let cycle = 0; cycle < 40; cycle++) {
        const maxFileSize = 512 + Math.floor(rand() * 8192);
        const db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize });
        assert.deepEqual(contents(db), sortedModel(model), `cycle ${cycle}: state after reopen`);
        for (let op = 0; op < 150; op++) {
          const k = `c/${Math.floor(rand() * 200)}`;
          const r = rand();
          if (r < 0.6) {
            const v = `${cycle}:${op}:`.repeat(1 + Math.floor(rand() * 20));
            await db.put(k, v);
            model.set(k, v);
          } else if (r < 0.85) {
            await db.delete(k);
            model.delete(k);
          } else {
            const k2 = `c/${Math.floor(rand() * 200)}`;
            await db.batch([
              { type: 'put', key: k, value: `b${cycle}` },
              { type: 'delete', key: k2 },
            ]);
            model.set(k, `b${cycle}`);
            model.delete(k2);
          }
        }
        await db.merge(rand() < 0.5 ? {} : { minDeadRatio: rand() });
        assert.deepEqual(contents(db), sortedModel(model), `cycle ${cycle}: state after merge`);
        await db.close();
      }
      const db = await openBitcask({ dir, readOnly: true });
      const v = db.verify();
      assert.equal(v.ok, true);
      assert.deepEqual(v.tornTails, []);
      assert.deepEqual(contents(db), sortedModel(model));
      await db.close();
    } catch (err) {
      console.error(`many-cycles test failed with BITCASK_SEED=${seed}`);
      throw err;
    }
  });
});
