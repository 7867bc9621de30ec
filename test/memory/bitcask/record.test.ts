import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../../../src/memory/bitcask/crc32.js';
import { openBitcask } from '../../../src/memory/bitcask/index.js';
import { lastDataFile, prng, recordOffsets, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const T0 = 1_760_000_000_000; // a fixed clock: 2025-10-09

describe('record format', () => {
  test('fields sit where the layout comment says, big-endian, CRC over everything after it', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', clock: () => T0 });
    await db.put('space/task/1', 'hello', { ttlMs: 5000 });
    await db.delete('space/task/1');
    await db.close();
    const b = readFileSync(lastDataFile(dir));
    const [put, del] = recordOffsets(b) as [number, number];
    assert.equal(b.readUInt32BE(put), zlibCrc32(b.subarray(put + 4, del)), 'crc32 covers bytes [4, end)');
    assert.equal(b.readUIntBE(put + 4, 6), T0, 'tstamp: u48 ms');
    assert.equal(b[put + 10], 0, 'flags: plain put');
    assert.equal(b.readUIntBE(put + 11, 6), T0 + 5000, 'expiry: u48 ms');
    assert.equal(b.readUInt16BE(put + 17), 12, 'ksz');
    assert.equal(b.readUInt32BE(put + 19), 5, 'vsz');
    assert.equal(b.toString('utf8', put + 23, put + 35), 'space/task/1');
    assert.equal(b.toString('utf8', put + 35, put + 40), 'hello');
    assert.equal(b[del + 10], 1, 'tombstone flag');
    assert.equal(b.readUInt32BE(del + 19), 0, 'tombstone has no value');
    assert.equal(del + 23 + 12, b.length);
  });

  test('a batch is member records flagged 2 followed by a commit record (flag 4) holding the member count', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', clock: () => T0 });
    await db.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'delete', key: 'b' },
    ]);
    await db.close();
    const b = readFileSync(lastDataFile(dir));
    const offs = recordOffsets(b);
    assert.deepEqual(
      offs.map((p) => b[p + 10]),
      [2, 3, 4],
    );
    const commit = offs[2]!;
    assert.equal(b.readUInt16BE(commit + 17), 0, 'commit record has an empty key');
    assert.equal(b.readUInt32BE(commit + 23), 2, 'member count');
  });

  test('the JS CRC-32 equals zlib.crc32 for every length around the native cut-over', () => {
    const rand = prng(7);
    const buf = Buffer.alloc(2048);
    for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rand() * 256);
    for (let len = 0; len <= 1100; len += len < 40 ? 1 : 37) {
      const start = Math.floor(rand() * 900);
      assert.equal(crc32(buf, start, start + len), zlibCrc32(buf.subarray(start, start + len)), `length ${len}`);
    }
  });
});
