// The engines bench:memory compares against, each driven through the shared Workload: lmdb, classic-level
// (LevelDB), better-sqlite3, and raw fs calls as the physical limit. Only the bench imports these packages.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb } from 'lmdb';
import { now, perSec, type Throughput, type Workload } from './kv-workload.js';

/** lmdb's default batched put(): all puts issued, the last awaited. */
export async function lmdbBatched(w: Workload, noSync: boolean): Promise<Throughput> {
  const db = openLmdb<Buffer, string>({ path: w.tmp('lmdb'), encoding: 'binary', noSync });
  const t = now();
  let last: Promise<boolean> = Promise.resolve(true);
  for (let i = 0; i < w.n; i++) last = db.put(w.keys[i]!, w.value(i));
  await last;
  const puts = perSec(w.n, now() - t);
  const gets = w.timeGets((k) => db.get(k));
  await db.close();
  return { puts, gets };
}

/** classic-level puts one at a time (batch 1) or in db.batch() chunks; gets with getSync. */
export async function classicLevel(w: Workload, batch: number): Promise<Throughput> {
  const db = new ClassicLevel<string, Buffer>(w.tmp('level'), { valueEncoding: 'buffer' });
  await db.open();
  const t = now();
  if (batch === 1) {
    for (let i = 0; i < w.n; i++) await db.put(w.keys[i]!, w.value(i));
  } else {
    for (let i = 0; i < w.n; i += batch) {
      const ops = w.keys.slice(i, i + batch).map((key, j) => ({ type: 'put' as const, key, value: w.value(i + j) }));
      await db.batch(ops);
    }
  }
  const puts = perSec(w.n, now() - t);
  const gets = w.timeGets((k) => db.getSync(k));
  await db.close();
  return { puts, gets };
}

/** better-sqlite3 autocommit inserts: WAL + synchronous NORMAL, or its default (DELETE journal, FULL sync). */
export function sqlite(w: Workload, wal: boolean, ops: number): Throughput {
  const db = new Database(join(w.tmp('sqlite'), 'kv.db'));
  if (wal) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID');
  const put = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
  const get = db.prepare<[string], { v: Buffer }>('SELECT v FROM kv WHERE k = ?');
  const keys = w.keys.slice(0, ops);
  const t = now();
  for (let i = 0; i < ops; i++) put.run(keys[i]!, w.value(i));
  const puts = perSec(ops, now() - t);
  const gets = w.timeGets((k) => get.get(k)?.v, keys);
  db.close();
  return { puts, gets };
}

/** One fs.writeSync per record of this engine's size, then one pread per get: the physical limit. */
export function rawFs(w: Workload): Throughput {
  const fd = openSync(join(w.tmp('raw'), 'log'), 'w+');
  const rec = Buffer.alloc(23 + 16 + w.valueBytes, 1);
  let t = now();
  for (let i = 0; i < w.n; i++) writeSync(fd, rec);
  const puts = perSec(w.n, now() - t);
  const buf = Buffer.allocUnsafe(rec.length);
  let got = 0;
  t = now();
  for (let i = 0; i < w.n; i++) got += readSync(fd, buf, 0, rec.length, w.order(i) * rec.length);
  const gets = perSec(w.n, now() - t);
  closeSync(fd);
  if (got === 0) throw new Error('raw reads returned nothing');
  return { puts, gets };
}

/** lmdb with overlappingSync off: a put's promise resolves only once its transaction is flushed to disk. */
export async function durableLmdb(w: Workload, perWriter: number): Promise<number> {
  const db = openLmdb<Buffer, string>({ path: w.tmp('lmdb-durable'), encoding: 'binary', overlappingSync: false });
  const r = await w.concurrentPuts(perWriter, (k, i) => db.put(k, w.value(i)));
  await db.close();
  return r;
}

export async function durableLevel(w: Workload, perWriter: number): Promise<number> {
  const db = new ClassicLevel<string, Buffer>(w.tmp('level-durable'), { valueEncoding: 'buffer' });
  await db.open();
  const r = await w.concurrentPuts(perWriter, (k, i) => db.put(k, w.value(i), { sync: true }));
  await db.close();
  return r;
}

/** Context for the per-op figure: one writer, so LevelDB cannot fold concurrent sync writes into one log sync. */
export async function durableLevelOneWriter(w: Workload, ops: number): Promise<number> {
  const db = new ClassicLevel<string, Buffer>(w.tmp('level-durable-1'), { valueEncoding: 'buffer' });
  await db.open();
  const t = now();
  for (let i = 0; i < ops; i++) await db.put(w.keys[i]!, w.value(i), { sync: true });
  const r = perSec(ops, now() - t);
  await db.close();
  return r;
}

/** better-sqlite3's API is synchronous: concurrent writers would still run one statement at a time. */
export function durableSqlite(w: Workload, ops: number): number {
  return sqlite(w, false, ops).puts;
}
