import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ActiveLog } from './active-log.js';
import { BLOCK_SIZE, BlockCache } from './block-cache.js';
import { asError, checkKey, checkValue, corrupt, expiryOf, invalidKey, isWellFormed, tooLarge } from './checks.js';
import { FileTable, hintFileName } from './data-file.js';
import { BitcaskError, closedError, ioError } from './errors.js';
import { checkHint } from './hint-file.js';
import { Keydir } from './keydir.js';
import { loadStore } from './loader.js';
import { acquireLock, type StoreLock } from './lock.js';
import { runMerge } from './merge.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import {
  FLAG_BATCH,
  FLAG_COMMIT,
  FLAG_TOMBSTONE,
  HEADER_SIZE,
  recordCrcOk,
  recordKeySize,
  recordValueSize,
  sealRecord,
  valueBound,
  writeHeader,
  writeKey,
  writeValue,
} from './record.js';
import { RecordScanner } from './scanner.js';
import type {
  BatchOp,
  Bitcask,
  BitcaskOptions,
  BitcaskStats,
  MergeOptions,
  MergeResult,
  VerifyReport,
} from './types.js';

const RESOLVED = Promise.resolve();
const MAX_BATCH_BYTES = 0xffff_ffff;
const SLAB_SIZE = 8 * 1024;
const SLAB_RECORD_MAX = 1024;

/** Opens (creating it unless read-only) the store in options.dir. */
export async function openBitcask(options: BitcaskOptions): Promise<Bitcask> {
  const o = resolveOptions(options);
  if (o.readOnly) {
    if (!existsSync(o.dir)) throw new BitcaskError('IO', `no bitcask store at ${o.dir}`, { file: o.dir });
  } else {
    try {
      mkdirSync(o.dir, { recursive: true });
    } catch (err) {
      throw ioError(`cannot create ${o.dir}`, err, o.dir);
    }
  }
  const lock = o.readOnly ? undefined : acquireLock(o.dir);
  let dirFd: number | undefined;
  try {
    dirFd = openSync(o.dir, 'r');
    // A read-only opener races the writer's merges (files renamed and deleted under it): start over on ENOENT.
    for (let attempt = 0; ; attempt++) {
      const files = new FileTable();
      const keydir = new Keydir(files);
      try {
        const loaded = loadStore(o.dir, dirFd, o.readOnly, files, keydir, o.clock());
        return new BitcaskStore(o, dirFd, lock, files, keydir, loaded.maxMajor, loaded.corruptRecords);
      } catch (err) {
        files.closeAll();
        if (!o.readOnly || attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  } catch (err) {
    if (dirFd !== undefined) closeSync(dirFd);
    lock?.release();
    throw ioError(`cannot open bitcask store ${o.dir}`, err, o.dir);
  }
}

class BitcaskStore implements Bitcask {
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private merging: Promise<MergeResult> | undefined;
  private autoMergeScheduled = false;
  private readonly log: ActiveLog | undefined;
  private readonly clock: () => number;
  private readonly cache: BlockCache;
  private slab = Buffer.allocUnsafe(SLAB_SIZE);
  private slabPos = 0;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly dirFd: number,
    private readonly lock: StoreLock | undefined,
    private readonly files: FileTable,
    private readonly keydir: Keydir,
    private maxMajor: number,
    private corruptRecords: number,
  ) {
    this.clock = o.clock;
    this.cache = new BlockCache(o.readCacheBytes);
    this.log = o.readOnly
      ? undefined
      : new ActiveLog({
          dir: o.dir,
          dirFd,
          files,
          maxFileSize: o.maxFileSize,
          policy: o.sync,
          nextMajor: () => ++this.maxMajor,
        });
  }

  get(key: string): Buffer | undefined {
    if (this.state === 'closed') throw closedError(this.o.dir);
    if (typeof key !== 'string') throw invalidKey();
    const kd = this.keydir;
    const slot = kd.map.get(key);
    if (slot === undefined) return undefined;
    if (kd.expiries.size !== 0 && kd.isExpired(key, this.clock())) return undefined;
    return this.read(key, slot);
  }

  has(key: string): boolean {
    if (this.state === 'closed') throw closedError(this.o.dir);
    const kd = this.keydir;
    if (typeof key !== 'string' || !kd.map.has(key)) return false;
    return kd.expiries.size === 0 || !kd.isExpired(key, this.clock());
  }

  put(key: string, value: Buffer | string, opts?: { readonly ttlMs?: number }): Promise<void> {
    try {
      const log = this.writer();
      checkKey(key, this.o.maxKeySize);
      checkValue(key, value, this.o.maxValueSize);
      const now = this.clock();
      const expiry = opts?.ttlMs === undefined ? 0 : expiryOf(now, opts.ttlMs);
      const pos = log.reserve(HEADER_SIZE + key.length * 3 + valueBound(value));
      const len = this.encode(log.staging, pos, now, 0, expiry, key, value);
      this.keydir.set(key, log.active!.idx, log.fileOffset(pos), len, expiry);
      const done = log.commit(pos + len);
      this.maybeAutoMerge();
      return done;
    } catch (err) {
      return Promise.reject(asError(err));
    }
  }

  delete(key: string): Promise<void> {
    try {
      const log = this.writer();
      if (typeof key !== 'string') throw invalidKey();
      // Nothing on disk can make an absent key visible again (see merge.ts), so there is nothing to write.
      if (!this.keydir.map.has(key)) return RESOLVED;
      const pos = log.reserve(HEADER_SIZE + key.length * 3);
      const len = this.encode(log.staging, pos, this.clock(), FLAG_TOMBSTONE, 0, key, undefined);
      this.keydir.remove(key);
      this.keydir.addDead(log.active!.idx, len);
      const done = log.commit(pos + len);
      this.maybeAutoMerge();
      return done;
    } catch (err) {
      return Promise.reject(asError(err));
    }
  }

  batch(ops: readonly BatchOp[]): Promise<void> {
    try {
      const log = this.writer();
      if (ops.length === 0) return RESOLVED;
      const now = this.clock();
      let bound = HEADER_SIZE + 4;
      const expiries: number[] = [];
      for (const op of ops) {
        checkKey(op.key, this.o.maxKeySize);
        if (op.type === 'put') {
          if (op.value === undefined) throw new TypeError(`batch put of "${op.key}" has no value`);
          checkValue(op.key, op.value, this.o.maxValueSize);
          bound += valueBound(op.value);
        } else if (op.type !== 'delete') {
          throw new TypeError(`batch op type must be 'put' or 'delete'`);
        }
        expiries.push(op.type === 'put' && op.ttlMs !== undefined ? expiryOf(now, op.ttlMs) : 0);
        bound += HEADER_SIZE + op.key.length * 3;
      }
      if (bound > MAX_BATCH_BYTES) throw new BitcaskError('TOO_LARGE', `batch of ${bound} bytes exceeds 4 GiB`);
      const start = log.reserve(bound);
      const buf = log.staging;
      const lens: number[] = [];
      let pos = start;
      for (const [i, op] of ops.entries()) {
        const isDel = op.type === 'delete';
        const flags = FLAG_BATCH | (isDel ? FLAG_TOMBSTONE : 0);
        const len = this.encode(buf, pos, now, flags, expiries[i]!, op.key, isDel ? undefined : op.value);
        lens.push(len);
        pos += len;
      }
      // Commit record: empty key, flags COMMIT, value = member count (lets a reader tell a damaged batch apart).
      writeHeader(buf, pos, now, FLAG_COMMIT, 0, 0, 4);
      buf.writeUInt32BE(ops.length, pos + HEADER_SIZE);
      sealRecord(buf, pos, HEADER_SIZE + 4);
      const fileIdx = log.active!.idx;
      let off = log.fileOffset(start);
      for (const [i, op] of ops.entries()) {
        const len = lens[i]!;
        if (op.type === 'delete') {
          this.keydir.remove(op.key);
          this.keydir.addDead(fileIdx, len);
        } else {
          this.keydir.set(op.key, fileIdx, off, len, expiries[i]!);
        }
        off += len;
      }
      this.keydir.addDead(fileIdx, HEADER_SIZE + 4);
      const done = log.commit(pos + HEADER_SIZE + 4);
      this.maybeAutoMerge();
      return done;
    } catch (err) {
      return Promise.reject(asError(err));
    }
  }

  keys(prefix = ''): string[] {
    if (this.state === 'closed') throw closedError(this.o.dir);
    return this.keydir.keys(prefix, this.clock());
  }

  *scan(prefix = ''): Iterable<[string, Buffer]> {
    for (const key of this.keys(prefix)) {
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  fold<T>(fn: (acc: T, key: string, value: Buffer) => T, init: T): T {
    let acc = init;
    for (const [key, value] of this.scan()) acc = fn(acc, key, value);
    return acc;
  }

  merge(options: MergeOptions = {}): Promise<MergeResult> {
    try {
      const log = this.writer();
      const ratio = options.minDeadRatio ?? 0;
      if (!(ratio >= 0 && ratio <= 1)) throw new RangeError('minDeadRatio must be within 0..1');
      if (this.merging !== undefined) return this.merging;
      if (log.failure !== undefined) throw log.failure;
      const running = runMerge(
        {
          dir: this.o.dir,
          dirFd: this.dirFd,
          files: this.files,
          keydir: this.keydir,
          log,
          maxFileSize: this.o.maxFileSize,
          clock: this.clock,
          isClosing: () => this.state !== 'open',
        },
        ratio,
      ).then(
        (r) => {
          this.merging = undefined;
          this.corruptRecords += r.lostKeys;
          this.cache.retain((idx) => this.files.has(idx));
          return { filesBefore: r.filesBefore, filesAfter: r.filesAfter, bytesReclaimed: r.bytesReclaimed };
        },
        (err: unknown) => {
          this.merging = undefined;
          throw err;
        },
      );
      this.merging = running;
      return running;
    } catch (err) {
      return Promise.reject(asError(err));
    }
  }

  sync(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(closedError(this.o.dir));
    return this.log === undefined ? RESOLVED : this.log.sync();
  }

  stats(): BitcaskStats {
    if (this.state === 'closed') throw closedError(this.o.dir);
    const kd = this.keydir;
    return {
      keys: kd.liveCount(this.clock()),
      liveBytes: kd.liveBytes,
      deadBytes: kd.deadBytes,
      files: this.files.size,
      activeFileId: this.log?.active?.major ?? this.maxMajor + 1,
      corruptRecords: this.corruptRecords,
    };
  }

  verify(): VerifyReport {
    if (this.state === 'closed') throw closedError(this.o.dir);
    const report: VerifyReport = { ok: true, records: 0, corrupt: [], tornTails: [], damagedHints: [] };
    for (const f of this.files.list()) {
      new RecordScanner(f.fd, f.size).step({
        record: () => {
          report.records++;
        },
        corrupt: (offset, _length, key, reason) => {
          report.corrupt.push(
            key === undefined ? { file: f.name, offset, reason } : { file: f.name, offset, key, reason },
          );
        },
        torn: (offset, bytes) => {
          report.tornTails.push({ file: f.name, offset, bytes });
        },
      });
      const hint = join(this.o.dir, hintFileName(f.name));
      if (existsSync(hint) && checkHint(readFileSync(hint), f.size) !== undefined)
        report.damagedHints.push(hintFileName(f.name));
    }
    report.ok = report.corrupt.length === 0;
    return report;
  }

  close(): Promise<void> {
    if (this.state === 'closed') return RESOLVED;
    if (this.closing !== undefined) return this.closing;
    this.state = 'closing';
    this.closing = (async () => {
      if (this.merging !== undefined) await this.merging.catch(() => undefined);
      let failure: unknown;
      try {
        await this.log?.close();
      } catch (err) {
        failure = err;
      }
      this.files.closeAll();
      closeSync(this.dirFd);
      this.lock?.release();
      this.state = 'closed';
      if (failure !== undefined) throw failure;
    })();
    return this.closing;
  }

  /** The log, if this handle may write now. */
  private writer(): ActiveLog {
    if (this.state !== 'open') throw closedError(this.o.dir);
    if (this.log === undefined) throw new BitcaskError('READ_ONLY', `bitcask store ${this.o.dir} is open read-only`);
    return this.log;
  }

  /** Encodes one record at buf[pos]; checks the limits that need the encoded sizes. Returns its length. */
  private encode(
    buf: Buffer,
    pos: number,
    now: number,
    flags: number,
    expiry: number,
    key: string,
    value: Buffer | string | undefined,
  ): number {
    const ksz = writeKey(buf, pos + HEADER_SIZE, key);
    if (ksz > this.o.maxKeySize) throw tooLarge(key, `key is ${ksz} bytes, limit ${this.o.maxKeySize}`);
    if (ksz !== key.length && !isWellFormed(key)) throw invalidKey(key);
    const vsz = value === undefined ? 0 : writeValue(buf, pos + HEADER_SIZE + ksz, value);
    if (vsz > this.o.maxValueSize) throw tooLarge(key, `value is ${vsz} bytes, limit ${this.o.maxValueSize}`);
    writeHeader(buf, pos, now, flags, expiry, ksz, vsz);
    const len = HEADER_SIZE + ksz + vsz;
    sealRecord(buf, pos, len);
    return len;
  }

  private read(key: string, slot: number): Buffer {
    const kd = this.keydir;
    const file = this.files.at(kd.fileOf(slot));
    const off = kd.offsetOf(slot);
    const len = kd.lengthOf(slot);
    let buf = this.log?.readStaged(file, off, len);
    let pos = 0;
    if (buf === undefined) {
      const immutableEnd = file === this.log?.active ? file.size - (file.size % BLOCK_SIZE) : file.size;
      buf = this.cache.block(file, off, len, immutableEnd);
      pos = off % BLOCK_SIZE;
      if (buf !== undefined && pos + len > buf.length)
        throw corrupt(key, file.name, off, 'record cut short (file truncated?)');
    }
    if (buf === undefined) {
      pos = 0;
      // Small records are read straight into a shared slab and returned as a view of it (like Node's own Buffer
      // pool): one allocation per 8 KiB of reads instead of two per read.
      if (len > SLAB_RECORD_MAX) buf = Buffer.allocUnsafe(len);
      else {
        if (this.slabPos + len > SLAB_SIZE) {
          this.slab = Buffer.allocUnsafe(SLAB_SIZE);
          this.slabPos = 0;
        }
        buf = this.slab;
        pos = this.slabPos;
      }
      let got = 0;
      try {
        while (got < len) {
          const n = readSync(file.fd, buf, pos + got, len - got, off + got);
          if (n === 0) break;
          got += n;
        }
      } catch (err) {
        throw ioError(`read of "${key}" from ${file.name} failed`, err, file.name);
      }
      if (got !== len) throw corrupt(key, file.name, off, 'record cut short (file truncated?)');
      if (buf === this.slab) this.slabPos += len;
    }
    if (!recordCrcOk(buf, pos, len)) throw corrupt(key, file.name, off, 'crc mismatch');
    const ksz = recordKeySize(buf, pos);
    if (HEADER_SIZE + ksz + recordValueSize(buf, pos) !== len) throw corrupt(key, file.name, off, 'length mismatch');
    return buf.subarray(pos + HEADER_SIZE + ksz, pos + len);
  }

  private maybeAutoMerge(): void {
    const am = this.o.autoMerge;
    if (am === false || this.merging !== undefined || this.autoMergeScheduled) return;
    const kd = this.keydir;
    const dead = kd.deadBytes;
    if (dead < am.minDeadBytes || dead < am.deadRatio * (dead + kd.liveBytes)) return;
    this.autoMergeScheduled = true;
    setImmediate(() => {
      this.autoMergeScheduled = false;
      if (this.state !== 'open' || this.merging !== undefined) return;
      this.merge().catch((err: unknown) => this.o.onBackgroundError?.(asError(err) as BitcaskError));
    });
  }
}
