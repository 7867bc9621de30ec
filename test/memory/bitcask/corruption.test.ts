// Failure modes 1-4 of the reference: torn tails in four shapes, bit flips, corrupted length fields, damaged hints.
// Decision (documented in scanner.ts / loader.ts): a torn tail is tolerated silently (the store opens, the torn
// write is dropped, the key keeps its previous value, the file is never appended to); a damaged record in the middle
// of a file makes its key read as absent after reopen (never an older value), is counted in stats().corruptRecords
// and reported by verify(); damage found while open makes get() throw CORRUPT naming the key.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { BitcaskError, openBitcask } from '../../../src/memory/bitcask/index.js';
import { contents, dataFiles, editFile, flipBit, lastDataFile, prng, recordOffsets, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const key = (i: number) => `k/${String(i).padStart(3, '0')}`;
const val = (i: number, gen = 0) => `value-${i}-${gen}-`.repeat(4);

/** A closed store of n keys in one data file; returns the dir and the expected contents. */
async function store(
  n: number,
  opts: { maxFileSize?: number } = {},
): Promise<{ dir: string; model: Map<string, string> }> {
  const dir = tempDir();
  const db = await openBitcask({ dir, sync: 'none', autoMerge: false, ...opts });
  const model = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    await db.put(key(i), val(i));
    model.set(key(i), val(i));
  }
  await db.close();
  return { dir, model };
}

describe('torn tail (four shapes)', () => {
  const shapes: [string, (b: Buffer, off: number) => Buffer][] = [
    ['partial header', (b, off) => b.subarray(0, off + 10)],
    ['header only', (b, off) => b.subarray(0, off + 23)],
    ['header and part of the body', (b, off) => b.subarray(0, off + 30)],
    [
      'full-length garbage',
      (b, off) => {
        const rand = prng(off);
        for (let i = off; i < b.length; i++) b[i] = Math.floor(rand() * 256);
        return b;
      },
    ],
  ];
  for (const [name, tear] of shapes) {
    test(name, async () => {
      const { dir, model } = await store(5);
      // The torn write is an overwrite of k/003: after reopen it must keep its previous value, not vanish.
      const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
      await db.put(key(3), 'the write that is torn');
      await db.close();
      const file = lastDataFile(dir);
      editFile(file, (b) => tear(b, recordOffsets(b).at(-1)!));
      const tornSize = statSync(file).size;

      const again = await openBitcask({ dir, sync: 'none', autoMerge: false });
      assert.deepEqual(contents(again), model);
      assert.equal(again.stats().corruptRecords, 0, 'a torn tail is not corruption');
      const report = again.verify();
      assert.equal(report.ok, true);
      assert.equal(report.tornTails.length, 1);
      assert.equal(report.tornTails[0]!.file, file.split('/').at(-1));
      await again.put('k/next', 'after the tear');
      await again.close();

      assert.equal(statSync(file).size, tornSize, 'the torn file is never appended to');
      const third = await openBitcask({ dir, readOnly: true });
      assert.equal(third.get('k/next')?.toString(), 'after the tear');
      assert.equal(third.get(key(3))?.toString(), val(3));
      await third.close();
    });
  }
});

describe('bit flip in the middle of a file', () => {
  test('that key reads as absent after reopen, every other key intact, verify names it', async () => {
    const { dir, model } = await store(100);
    const file = lastDataFile(dir);
    let at = 0;
    editFile(file, (b) => {
      at = recordOffsets(b)[50]!;
      flipBit(b, at + 23 + 5 + 3, 0x10); // a bit inside the value
      return b;
    });
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
    model.delete(key(50));
    assert.deepEqual(contents(db), model);
    assert.equal(db.has(key(50)), false);
    assert.equal(db.stats().corruptRecords, 1);
    const report = db.verify();
    assert.equal(report.ok, false);
    assert.deepEqual(report.corrupt, [
      { file: file.split('/').at(-1), offset: at, key: key(50), reason: 'crc mismatch' },
    ]);
    await db.close();
  });

  test('a damaged newest record does not resurrect the older value from an earlier file', async () => {
    const { dir } = await store(10);
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
    await db.put(key(4), 'newer value');
    await db.put(key(5), 'keeps the damaged record mid-file');
    await db.close();
    editFile(lastDataFile(dir), (b) => {
      flipBit(b, recordOffsets(b)[0]! + 30, 1);
      return b;
    });
    const again = await openBitcask({ dir, sync: 'none', autoMerge: false });
    assert.equal(again.get(key(4)), undefined, 'absent, not the old value');
    assert.equal(again.get(key(5))?.toString(), 'keeps the damaged record mid-file');
    // A partial merge of only the damaged file must keep the key absent: it leaves a tombstone behind.
    const first = dataFiles(dir)[0]!;
    await again.merge({ minDeadRatio: 0.3 });
    assert.ok(dataFiles(dir).includes(first), 'the older file was not part of the merge');
    await again.close();
    const third = await openBitcask({ dir, readOnly: true });
    assert.equal(third.get(key(4)), undefined);
    await third.close();
  });

  test('damage appearing while open makes get and scan throw CORRUPT naming the key; other keys still read', async () => {
    const { dir } = await store(20);
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
    const file = lastDataFile(dir);
    editFile(file, (b) => {
      flipBit(b, recordOffsets(b)[7]! + 40, 0x80);
      return b;
    });
    let err: unknown;
    try {
      db.get(key(7));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BitcaskError);
    assert.equal(err.code, 'CORRUPT');
    assert.equal(err.key, key(7));
    assert.equal(err.file, file.split('/').at(-1));
    assert.match(err.message, /k\/007/);
    assert.equal(db.get(key(8))?.toString(), val(8));
    assert.throws(() => [...db.scan()], { code: 'CORRUPT', key: key(7) });
    await db.close();
    const again = await openBitcask({ dir, sync: 'none', autoMerge: false });
    truncateSync(file, recordOffsets(readFileSync(file))[19]! + 10);
    assert.throws(() => again.get(key(19)), { code: 'CORRUPT', key: key(19), message: /cut short/ });
    assert.equal(again.get(key(3))?.toString(), val(3));
    await again.close();
  });

  test('the read cache serves blocks it already holds; with readCacheBytes 0 every get reads the disk', async () => {
    for (const readCacheBytes of [0, undefined]) {
      const { dir } = await store(20);
      const db = await openBitcask({ dir, sync: 'none', autoMerge: false, readCacheBytes });
      assert.equal(db.get(key(8))?.toString(), val(8));
      editFile(lastDataFile(dir), (b) => {
        flipBit(b, recordOffsets(b)[8]! + 40, 1);
        return b;
      });
      if (readCacheBytes === 0) assert.throws(() => db.get(key(8)), { code: 'CORRUPT', key: key(8) });
      else assert.equal(db.get(key(8))?.toString(), val(8), 'served from the cached block read before the damage');
      assert.equal(db.verify().corrupt[0]?.key, key(8), 'verify reads the disk either way');
      await db.close();
    }
  });
});

describe('corrupted length field', () => {
  const cases: [string, (b: Buffer, off: number) => void][] = [
    ['value length far past the end', (b, off) => b.writeUInt32BE(0x7fff_ffff, off + 19)],
    ['value length a little short', (b, off) => b.writeUInt32BE(b.readUInt32BE(off + 19) - 7, off + 19)],
    ['value length a little long', (b, off) => b.writeUInt32BE(b.readUInt32BE(off + 19) + 9, off + 19)],
    ['key length at its maximum', (b, off) => b.writeUInt16BE(0xffff, off + 17)],
    ['key length zero', (b, off) => b.writeUInt16BE(0, off + 17)],
  ];
  for (const [name, damage] of cases) {
    test(`${name}: no out-of-bounds read, no endless loop, the records after it are found again`, async () => {
      const { dir, model } = await store(60);
      editFile(lastDataFile(dir), (b) => {
        damage(b, recordOffsets(b)[30]!);
        return b;
      });
      const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
      model.delete(key(30));
      assert.deepEqual(contents(db), model);
      const report = db.verify();
      assert.equal(report.corrupt.length, 1);
      assert.equal(report.records, 59);
      assert.equal(report.tornTails.length, 0);
      await db.close();
    });
  }

  test('a data file of pure garbage or zeros opens, reported as one torn tail, other files intact', async () => {
    const { dir, model } = await store(10);
    const rand = prng(99);
    const garbage = Buffer.alloc(300_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rand() * 256);
    writeFileSync(join(dir, '0000000007-000000.data'), garbage);
    writeFileSync(join(dir, '0000000008-000000.data'), Buffer.alloc(100_000));
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
    assert.deepEqual(contents(db), model);
    const report = db.verify();
    assert.deepEqual(
      report.tornTails.map((t) => [t.file, t.offset, t.bytes]),
      [
        ['0000000007-000000.data', 0, 300_000],
        ['0000000008-000000.data', 0, 100_000],
      ],
    );
    await db.put('still', 'writable');
    await db.merge();
    assert.deepEqual(dataFiles(dir).includes('0000000007-000000.data'), false, 'merge drops the garbage file');
    await db.close();
  });
});

describe('damaged hint files fall back to scanning the data file', () => {
  /** A merged store (hint files present) whose data differs from what any stale hint could claim. */
  async function merged(): Promise<{ dir: string; model: Map<string, string> }> {
    const { dir, model } = await store(200, { maxFileSize: 4096 });
    const db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 4096 });
    for (let i = 0; i < 200; i += 3) {
      await db.put(key(i), val(i, 1));
      model.set(key(i), val(i, 1));
    }
    for (let i = 1; i < 200; i += 10) {
      await db.delete(key(i));
      model.delete(key(i));
    }
    await db.merge();
    await db.close();
    assert.ok(hints(dir).length > 2, 'merge wrote hint files');
    return { dir, model };
  }
  const hints = (dir: string) =>
    readdirSync(dir)
      .filter((n) => n.endsWith('.hint'))
      .sort();

  const damages: [string, (dir: string, hint: string) => void, boolean][] = [
    ['truncated', (dir, h) => truncateSync(join(dir, h), Math.floor(statSync(join(dir, h)).size / 2)), true],
    [
      'garbage',
      (dir, h) =>
        editFile(join(dir, h), (b) => {
          const rand = prng(5);
          for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
          return b;
        }),
      true,
    ],
    [
      'pointing past the data file (with a valid CRC)',
      (dir, h) =>
        editFile(join(dir, h), (b) => {
          b.writeUInt32BE(statSync(join(dir, h.replace('.hint', '.data'))).size + 100, 13);
          b.writeUInt32BE(zlibCrc32(b.subarray(0, b.length - 4)), b.length - 4);
          return b;
        }),
      true,
    ],
    ['missing', (dir, h) => unlinkSync(join(dir, h)), false],
  ];
  for (const [name, damage, reported] of damages) {
    test(name, async () => {
      const { dir, model } = await merged();
      const victim = hints(dir)[1]!;
      damage(dir, victim);
      const db = await openBitcask({ dir, sync: 'none', autoMerge: false });
      assert.deepEqual(contents(db), model);
      const report = db.verify();
      assert.equal(report.ok, true);
      assert.deepEqual(report.damagedHints, reported ? [victim] : []);
      await db.close();
    });
  }

  test('an intact hint is what open uses (it does not read the values)', async () => {
    const { dir } = await merged();
    const data = dataFiles(dir)[0]!;
    let victim = '';
    editFile(join(dir, data), (b) => {
      const off = recordOffsets(b)[0]!;
      victim = b.toString('utf8', off + 23, off + 23 + b.readUInt16BE(off + 17));
      flipBit(b, off + 40, 4);
      return b;
    });
    const withHint = await openBitcask({ dir, sync: 'none', autoMerge: false });
    assert.equal(withHint.has(victim), true, 'the hint still lists the key');
    assert.throws(() => withHint.get(victim), { code: 'CORRUPT', key: victim });
    await withHint.close();
    unlinkSync(join(dir, data.replace('.data', '.hint')));
    const scanned = await openBitcask({ dir, sync: 'none', autoMerge: false });
    assert.equal(scanned.has(victim), false, 'the scan finds the damage and drops the key');
    await scanned.close();
  });
});
