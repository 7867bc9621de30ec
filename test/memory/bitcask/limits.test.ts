// Failure mode 9 of the reference: size limits, the empty key, and a value larger than the file size limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openBitcask } from '../../../src/memory/bitcask/index.js';
import { dataFiles, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

describe('size limits', () => {
  test('a key of exactly maxKeySize bytes is accepted, one byte more is TOO_LARGE (bytes, not characters)', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none', maxKeySize: 12 });
    await db.put('k'.repeat(12), 'v');
    await assert.rejects(db.put('k'.repeat(13), 'v'), { code: 'TOO_LARGE', key: 'k'.repeat(13) });
    await db.put('键'.repeat(4), 'v'); // 12 bytes in UTF-8
    await assert.rejects(db.put(`${'键'.repeat(4)}x`, 'v'), { code: 'TOO_LARGE' });
    assert.deepEqual(db.keys(), ['k'.repeat(12), '键'.repeat(4)]);
    await db.close();
  });

  test('the default key limit is 65,535 bytes, what the u16 length field can say', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    await db.put('a'.repeat(65_535), 'v');
    await assert.rejects(db.put('a'.repeat(65_536), 'v'), { code: 'TOO_LARGE' });
    assert.equal(db.get('a'.repeat(65_535))?.toString(), 'v');
    await db.close();
  });

  test('a value of exactly maxValueSize bytes is accepted, one byte more is TOO_LARGE', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none', maxValueSize: 1000 });
    await db.put('b', Buffer.alloc(1000, 1));
    await assert.rejects(db.put('b2', Buffer.alloc(1001)), { code: 'TOO_LARGE' });
    await db.put('s', 'é'.repeat(500)); // 1000 bytes
    await assert.rejects(db.put('s2', 'é'.repeat(501)), { code: 'TOO_LARGE' });
    await assert.rejects(
      db.batch([
        { type: 'put', key: 'fine', value: 'x' },
        { type: 'put', key: 'big', value: Buffer.alloc(2000) },
      ]),
      { code: 'TOO_LARGE' },
    );
    assert.deepEqual(db.keys(), ['b', 's']);
    assert.equal(db.get('b')?.length, 1000);
    await db.close();
  });

  test('the empty key is an ordinary key: stored, listed first, deleted, kept through merge and reopen', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none' });
    await db.put('', 'empty key');
    await db.put('a', '1');
    assert.deepEqual(db.keys(), ['', 'a']);
    assert.equal(db.get('')?.toString(), 'empty key');
    await db.batch([{ type: 'put', key: '', value: 'in a batch' }]);
    await db.merge();
    await db.close();
    const again = await openBitcask({ dir, sync: 'none' });
    assert.equal(again.get('')?.toString(), 'in a batch');
    await again.delete('');
    assert.equal(again.has(''), false);
    await again.close();
    const third = await openBitcask({ dir, readOnly: true });
    assert.deepEqual(third.keys(), ['a']);
    await third.close();
  });

  test('a value larger than maxFileSize gets a file of its own and survives reopen and merge', async () => {
    const dir = tempDir();
    const big = Buffer.alloc(50_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const db = await openBitcask({ dir, sync: 'none', maxFileSize: 4096 });
    await db.put('before', 'small');
    await db.put('big', big);
    await db.put('after', 'small');
    assert.deepEqual(db.get('big'), big);
    assert.ok(dataFiles(dir).length >= 2);
    await db.close();
    const again = await openBitcask({ dir, sync: 'none', maxFileSize: 4096 });
    assert.deepEqual(again.get('big'), big);
    await again.put('before', 'overwritten');
    await again.merge();
    assert.deepEqual(again.get('big'), big);
    assert.equal(again.verify().ok, true);
    await again.close();
    const third = await openBitcask({ dir, readOnly: true });
    assert.deepEqual(third.get('big'), big);
    assert.deepEqual(third.keys(), ['after', 'before', 'big']);
    await third.close();
  });

  test('options outside their range are refused at open', async () => {
    const dir = tempDir();
    await assert.rejects(openBitcask({ dir, maxKeySize: 65_536 }), RangeError);
    await assert.rejects(openBitcask({ dir, maxFileSize: 0 }), RangeError);
    await assert.rejects(openBitcask({ dir, sync: { intervalMs: 0 } }), RangeError);
    await assert.rejects(openBitcask({ dir, autoMerge: { deadRatio: 2, minDeadBytes: 0 } }), RangeError);
  });
});
