import assert from 'node:assert/strict';
import fs, { readFileSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { describe, test } from 'node:test';
import { type Bitcask, BitcaskError, openBitcask, type SyncPolicy } from '../../../src/memory/bitcask/index.js';
import { contents, dataFiles, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

async function rejectsWith(p: Promise<unknown>, code: string): Promise<BitcaskError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => {
      caught = e;
    },
  );
  assert.ok(caught instanceof BitcaskError, `expected a BitcaskError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

describe('get / put / delete / has', () => {
  test('round-trips strings and buffers, including empty values and non-ASCII keys', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    await db.put('a/string', 'héllo wörld');
    await db.put('a/buffer', Buffer.from([0, 1, 2, 255]));
    await db.put('a/empty', '');
    await db.put('a/uint8array', new Uint8Array(300).fill(9) as Buffer);
    await db.put('空间/任务/1', '内存溢出');
    assert.equal(db.get('a/string')?.toString(), 'héllo wörld');
    assert.deepEqual([...db.get('a/buffer')!], [0, 1, 2, 255]);
    assert.equal(db.get('a/empty')?.length, 0);
    assert.deepEqual(db.get('a/uint8array'), Buffer.alloc(300, 9));
    assert.equal(db.get('空间/任务/1')?.toString(), '内存溢出');
    assert.equal(db.get('missing'), undefined);
    assert.equal(db.has('a/empty'), true);
    assert.equal(db.has('missing'), false);
    await db.delete('a/string');
    assert.equal(db.get('a/string'), undefined);
    assert.equal(db.has('a/string'), false);
    await db.delete('never-there');
    await db.close();
  });

  test('a write is readable at once, before its promise resolves', async () => {
    const db = await openBitcask({ dir: tempDir() });
    const p1 = db.put('k', 'v1');
    assert.equal(db.get('k')?.toString(), 'v1');
    const p2 = db.put('k', 'v2');
    assert.equal(db.get('k')?.toString(), 'v2');
    const p3 = db.delete('k');
    assert.equal(db.get('k'), undefined);
    await Promise.all([p1, p2, p3]);
    await db.close();
  });

  test('rejects keys that are not strings or hold lone surrogates', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    await rejectsWith(db.put(42 as unknown as string, 'v'), 'INVALID_KEY');
    await rejectsWith(db.put('bad\ud800key', 'v'), 'INVALID_KEY');
    assert.throws(() => db.get({} as unknown as string), { code: 'INVALID_KEY' });
    await db.put('ok \u{1f600}', 'emoji keys are fine');
    assert.equal(db.keys().length, 1);
    await db.close();
  });
});

describe('durability across reopen, per sync policy', () => {
  const policies: SyncPolicy[] = ['none', 'group', 'always', { intervalMs: 5 }];
  for (const sync of policies) {
    test(`sync ${JSON.stringify(sync)}`, async () => {
      const dir = tempDir();
      const db = await openBitcask({ dir, sync });
      await Promise.all(Array.from({ length: 50 }, (_, i) => db.put(`k/${i}`, `v${i}`)));
      await db.delete('k/7');
      await db.batch([
        { type: 'put', key: 'k/100', value: 'batched' },
        { type: 'delete', key: 'k/8' },
      ]);
      await db.sync();
      await db.close();
      const again = await openBitcask({ dir, sync });
      assert.equal(again.keys().length, 49);
      assert.equal(again.get('k/3')?.toString(), 'v3');
      assert.equal(again.get('k/100')?.toString(), 'batched');
      assert.equal(again.has('k/7'), false);
      assert.equal(again.has('k/8'), false);
      await again.close();
    });
  }
});

describe('group commit', () => {
  test('all writes issued in one event-loop turn share one fdatasync and resolve together', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'group' });
    await db.put('warm-up', 'creates the active file');
    let calls = 0;
    await withFsPatched(
      'fdatasync',
      (real) =>
        ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
          calls++;
          real(fd, cb);
        }) as typeof fs.fdatasync,
      async () => {
        const order: number[] = [];
        const writes = Array.from({ length: 100 }, (_, i) => db.put(`k/${i}`, 'v').then(() => order.push(i)));
        await Promise.all(writes);
        assert.equal(calls, 1, 'one fdatasync for the whole turn');
        assert.equal(order.length, 100);
        // 64 writers each awaiting its previous write: far fewer syncs than writes.
        calls = 0;
        await Promise.all(
          Array.from({ length: 64 }, async (_, w) => {
            for (let i = 0; i < 10; i++) await db.put(`w/${w}/${i}`, 'v');
          }),
        );
        assert.ok(calls <= 20, `640 writes took ${calls} fdatasyncs`);
      },
    );
    await db.close();
  });
});

/** Runs fn with fs[name] replaced (named ESM imports of node:fs see the swap via syncBuiltinESMExports). */
async function withFsPatched<K extends 'fdatasync' | 'writeSync'>(
  name: K,
  replacement: (real: (typeof fs)[K]) => (typeof fs)[K],
  fn: () => Promise<void>,
): Promise<void> {
  const real = fs[name];
  fs[name] = replacement(real);
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    fs[name] = real;
    syncBuiltinESMExports();
  }
}

describe('sync policies', () => {
  test("'none' resolves without fdatasync, 'interval' syncs on its timer, sync() forces one", async () => {
    let calls = 0;
    await withFsPatched(
      'fdatasync',
      (real) =>
        ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
          calls++;
          real(fd, cb);
        }) as typeof fs.fdatasync,
      async () => {
        const none = await openBitcask({ dir: tempDir(), sync: 'none' });
        await none.put('k', 'v');
        assert.equal(calls, 0);
        await none.sync();
        assert.equal(calls, 1);
        await none.close();

        calls = 0;
        const interval = await openBitcask({ dir: tempDir(), sync: { intervalMs: 20 } });
        await interval.put('k', 'v');
        assert.equal(calls, 0, 'the put resolved before any fdatasync');
        // The bound only stops a hang; it is not a timing requirement.
        for (let i = 0; i < 500 && calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(calls >= 1, 'the interval timer synced the write');
        await interval.close();
      },
    );
  });

  test('after a failed write the handle is poisoned: writes reject with IO, reads and reopen still work', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'group' });
    await db.put('before', 'durable');
    let failing = true;
    await withFsPatched(
      'writeSync',
      (real) =>
        ((...args: Parameters<typeof fs.writeSync>) => {
          if (failing) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
          return (real as (...a: Parameters<typeof fs.writeSync>) => number)(...args);
        }) as typeof fs.writeSync,
      async () => {
        await rejectsWith(db.put('lost', 'x'), 'IO');
        failing = false;
        const err = await rejectsWith(db.put('after', 'y'), 'IO');
        assert.match(err.message, /EIO/);
        await rejectsWith(db.merge(), 'IO');
      },
    );
    assert.equal(db.get('before')?.toString(), 'durable');
    await db.close();
    const again = await openBitcask({ dir, sync: 'group' });
    assert.deepEqual(again.keys(), ['before']);
    await again.put('after', 'works again');
    await again.close();
  });
});

describe('files', () => {
  test('after open the first write goes to a new file; closed files are never written again', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', maxFileSize: 1024 });
    for (let i = 0; i < 40; i++) await db.put(`k/${i}`, 'x'.repeat(100));
    await db.close();
    const before = dataFiles(dir);
    assert.ok(before.length > 3, 'rotation at maxFileSize');
    const snapshot = new Map(before.map((f) => [f, readFileSync(`${dir}/${f}`)]));
    const again = await openBitcask({ dir, sync: 'none', maxFileSize: 1024 });
    await again.put('k/new', 'after reopen');
    for (let i = 0; i < 40; i++) await again.put(`k/${i}`, 'y'.repeat(100));
    await again.close();
    for (const [f, bytes] of snapshot) assert.deepEqual(readFileSync(`${dir}/${f}`), bytes, `${f} unchanged`);
    assert.ok(dataFiles(dir).length > before.length);
  });

  test('files rotate at maxFileSize and stats count them', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', maxFileSize: 2000 });
    for (let i = 0; i < 100; i++) await db.put(`k/${String(i).padStart(3, '0')}`, 'v'.repeat(100));
    const s = db.stats();
    assert.equal(s.files, dataFiles(dir).length);
    for (const f of dataFiles(dir).slice(0, -1)) {
      const size = statSync(`${dir}/${f}`).size;
      assert.ok(size >= 2000 && size < 2000 + 130, `${f}: ${size} bytes`);
    }
    assert.equal(s.activeFileId, Number(dataFiles(dir).at(-1)!.slice(0, 10)));
    await db.close();
  });
});

describe('order, prefixes, scan, fold', () => {
  test('keys come back sorted, filtered by prefix, across inserts, deletes and re-inserts', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    const names = ['b/2', 'a/1', 'b/10', 'b/1', 'c', 'a/0', 'ab', 'b/'];
    for (const k of names) await db.put(k, k);
    assert.deepEqual(db.keys(), [...names].sort());
    assert.deepEqual(db.keys('b/'), ['b/', 'b/1', 'b/10', 'b/2']);
    assert.deepEqual(db.keys('a'), ['a/0', 'a/1', 'ab']);
    assert.deepEqual(db.keys('zzz'), []);
    await db.delete('b/1');
    await db.put('b/0', 'new');
    await db.put('b/1', 'back');
    await db.put('b/1', 'again');
    assert.deepEqual(db.keys('b/'), ['b/', 'b/0', 'b/1', 'b/10', 'b/2']);
    assert.deepEqual(
      [...db.scan('b/1')].map(([k, v]) => [k, v.toString()]),
      [
        ['b/1', 'again'],
        ['b/10', 'b/10'],
      ],
    );
    const total = db.fold((n, _k, v) => n + v.length, 0);
    assert.equal(
      total,
      [...contents(db).values()].reduce((n, v) => n + v.length, 0),
    );
    await db.close();
  });

  test('stays ordered past the point where the unsorted tail is folded in', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const k = `k/${((i * 7919) % 5000).toString(36)}`;
      expected.push(k);
      db.put(k, 'v');
      if (i % 997 === 0) assert.deepEqual(db.keys(), [...expected].sort());
    }
    for (let i = 0; i < 5000; i += 3) db.delete(expected[i]!);
    await db.sync();
    const left = expected.filter((_, i) => i % 3 !== 0).sort();
    assert.deepEqual(db.keys(), left);
    assert.deepEqual(
      db.keys('k/1'),
      left.filter((k) => k.startsWith('k/1')),
    );
    await db.close();
  });
});

describe('batch', () => {
  test('applies all ops at once, in order; an invalid op rejects the whole batch', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    await db.put('x', 'old');
    await db.batch([
      { type: 'put', key: 'x', value: 'first' },
      { type: 'put', key: 'y', value: 'why' },
      { type: 'delete', key: 'x' },
      { type: 'put', key: 'x', value: 'last' },
    ]);
    assert.equal(db.get('x')?.toString(), 'last');
    assert.equal(db.get('y')?.toString(), 'why');
    await rejectsWith(
      db.batch([
        { type: 'put', key: 'z', value: 'fine' },
        { type: 'put', key: 'q\udc00', value: 'bad key' },
      ]),
      'INVALID_KEY',
    );
    assert.equal(db.has('z'), false, 'nothing of a rejected batch is applied');
    await db.batch([]);
    await db.close();
  });
});

describe('TTL', () => {
  test('expired keys read as absent, vanish from keys and stats, and stay gone after reopen', async () => {
    const dir = tempDir();
    let now = 1_760_000_000_000;
    const clock = () => now;
    const db = await openBitcask({ dir, sync: 'none', clock });
    await db.put('t/short', 'v', { ttlMs: 1000 });
    await db.put('t/long', 'v', { ttlMs: 100_000 });
    await db.batch([{ type: 'put', key: 't/batched', value: 'v', ttlMs: 1000 }]);
    await db.put('t/forever', 'v');
    assert.deepEqual(db.keys('t/'), ['t/batched', 't/forever', 't/long', 't/short']);
    now += 1000;
    assert.equal(db.get('t/short'), undefined);
    assert.equal(db.has('t/batched'), false);
    assert.deepEqual(db.keys('t/'), ['t/forever', 't/long']);
    assert.equal(db.stats().keys, 2);
    await db.put('t/short', 'revived');
    assert.equal(db.get('t/short')?.toString(), 'revived', 'a put without ttl clears the expiry');
    await db.close();
    now += 100_000;
    const again = await openBitcask({ dir, sync: 'none', clock });
    assert.deepEqual(again.keys('t/'), ['t/forever', 't/short']);
    await again.merge();
    assert.deepEqual(again.keys('t/'), ['t/forever', 't/short']);
    await assert.rejects(again.put('t/x', 'v', { ttlMs: -1 }), RangeError);
    await again.close();
  });
});

describe('read-only and closed handles', () => {
  test('read-only: sees the data, takes no lock, rejects writes and merges with READ_ONLY', async () => {
    const dir = tempDir();
    const w = await openBitcask({ dir, sync: 'none' });
    await w.put('k', 'v');
    await w.sync();
    const ro = await openBitcask({ dir, readOnly: true });
    assert.equal(ro.get('k')?.toString(), 'v');
    await rejectsWith(ro.put('k', 'x'), 'READ_ONLY');
    await rejectsWith(ro.delete('k'), 'READ_ONLY');
    await rejectsWith(ro.batch([{ type: 'delete', key: 'k' }]), 'READ_ONLY');
    await rejectsWith(ro.merge(), 'READ_ONLY');
    assert.equal(ro.verify().ok, true);
    await ro.close();
    await w.close();
    await assert.rejects(openBitcask({ dir: `${dir}/nope`, readOnly: true }), { code: 'IO' });
  });

  test('a closed handle rejects everything with CLOSED; close is idempotent', async () => {
    const db: Bitcask = await openBitcask({ dir: tempDir(), sync: 'none' });
    await db.put('k', 'v');
    await db.close();
    await db.close();
    assert.throws(() => db.get('k'), { code: 'CLOSED' });
    assert.throws(() => db.keys(), { code: 'CLOSED' });
    assert.throws(() => db.stats(), { code: 'CLOSED' });
    await rejectsWith(db.put('k', 'v'), 'CLOSED');
    await rejectsWith(db.merge(), 'CLOSED');
  });

  test('writes issued before close are flushed by close', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'group' });
    const pending = Array.from({ length: 20 }, (_, i) => db.put(`k/${i}`, 'v'));
    await db.close();
    await Promise.all(pending);
    const again = await openBitcask({ dir, readOnly: true });
    assert.equal(again.keys().length, 20);
    await again.close();
  });
});

describe('stats', () => {
  test('tracks keys, live and dead bytes', async () => {
    const db = await openBitcask({ dir: tempDir(), sync: 'none' });
    await db.put('a', 'x'.repeat(100));
    const one = db.stats();
    assert.equal(one.keys, 1);
    assert.equal(one.liveBytes, 23 + 1 + 100);
    assert.equal(one.deadBytes, 0);
    await db.put('a', 'y'.repeat(100));
    await db.delete('a');
    const s = db.stats();
    assert.equal(s.keys, 0);
    assert.equal(s.liveBytes, 0);
    assert.equal(s.deadBytes, 2 * 124 + 24);
    await db.close();
  });
});
