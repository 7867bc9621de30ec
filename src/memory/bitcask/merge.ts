import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ActiveLog } from './active-log.js';
import { crashPoint } from './crash-points.js';
import { compareFiles, type DataFile, dataFileName, type FileTable, hintFileName } from './data-file.js';
import { BitcaskError, ioError } from './errors.js';
import { HintWriter } from './hint-file.js';
import type { Keydir } from './keydir.js';
import { finishMerge, MERGING_SUFFIX, unlinkIfPresent, writeMergeMarker } from './merge-commit.js';
import {
  FLAG_BATCH,
  FLAG_COMMIT,
  FLAG_TOMBSTONE,
  HEADER_SIZE,
  recordExpiry,
  recordFlags,
  recordKey,
  sealRecord,
  writeHeader,
  writeKey,
} from './record.js';
import { RecordScanner, type ScanVisitor } from './scanner.js';
import type { MergeResult } from './types.js';

const fdatasyncAsync = promisify(fdatasync);
// Input bytes handled between yields to the event loop, so reads and writes keep flowing during a long merge.
const STEP_BYTES = 1024 * 1024;
const OUT_BUFFER = 1024 * 1024;
const MAX_OFFSET = 0xffff_ffff;

export interface MergeContext {
  readonly dir: string;
  readonly dirFd: number;
  readonly files: FileTable;
  readonly keydir: Keydir;
  readonly log: ActiveLog;
  readonly maxFileSize: number;
  readonly clock: () => number;
  isClosing(): boolean;
}

export interface MergeOutcome extends MergeResult {
  /** Keys lost because their record turned out damaged when the merge read it. */
  readonly lostKeys: number;
}

/**
 * Rewrites closed files keeping only what the keydir points at, then swaps the output in at the commit point (see
 * merge-commit.ts). The active file is sealed first, so writes during the merge go to a newer file; keydir entries
 * are moved to the copies only if they still point at the copied record, so a write or delete that happened while
 * the merge ran keeps the newest value. Tombstones (and absent keys' records) become tombstones in the output only
 * while an older file that is not part of this merge could still hold the key.
 */
export async function runMerge(ctx: MergeContext, minDeadRatio: number): Promise<MergeOutcome> {
  const { files, keydir, log } = ctx;
  log.seal();
  // Every file that exists now is closed; files created by writes from here on are newer than the merge output and
  // stay out of it. The inputs are made durable first, since they are about to become the only copy's source.
  const closed = files.list();
  await log.sync();
  const filesBefore = files.size;
  const inputs = closed.filter((f) => deadRatio(f) >= minDeadRatio);
  if (inputs.length === 0) return { filesBefore, filesAfter: filesBefore, bytesReclaimed: 0, lostKeys: 0 };
  const inputIdx = new Set(inputs.map((f) => f.idx));
  const oldestKept = closed.find((f) => !inputIdx.has(f.idx));
  const last = closed[closed.length - 1]!;
  const firstMinor = Math.max(...closed.filter((f) => f.major === last.major).map((f) => f.minor)) + 1;
  const out = new MergeOutput(ctx.dir, last.major, firstMinor, ctx.maxFileSize);
  const moves = new Moves();
  const tombstoned = new Set<string>();
  try {
    for (const [i, input] of inputs.entries()) {
      const keep = oldestKept !== undefined && compareFiles(oldestKept, input) < 0;
      const visitor = new MergeVisitor(input, keydir, out, moves, tombstoned, keep, ctx.clock());
      const scanner = new RecordScanner(input.fd, input.size);
      while (!scanner.step(visitor, STEP_BYTES)) {
        await new Promise((r) => setImmediate(r));
        if (ctx.isClosing()) throw new BitcaskError('CLOSED', `bitcask store ${ctx.dir} closed during merge`);
      }
      if (i < inputs.length - 1 && out.names().length > 0) {
        out.flush();
        crashPoint('merge:mid-output');
      }
    }
    out.flush();
    crashPoint('merge:before-output-sync');
    await out.syncAll();
    out.writeHints();
    fsyncSync(ctx.dirFd);
    crashPoint('merge:after-output');
    if (ctx.isClosing()) throw new BitcaskError('CLOSED', `bitcask store ${ctx.dir} closed during merge`);
    writeMergeMarker(ctx.dir, ctx.dirFd, { inputs: inputs.map((f) => f.name), outputs: out.names() });
  } catch (err) {
    out.discard();
    throw ioError('merge failed', err);
  }
  crashPoint('merge:after-commit');

  // Committed: from here on the new state is the truth, on disk and (synchronously, below) in memory.
  const registered = out.register(files);
  for (let i = 0; i < moves.length; i++) {
    const to = registered[moves.out[i]!]!;
    keydir.repoint(moves.keys[i]!, moves.srcFile[i]!, moves.srcOff[i]!, to.idx, moves.outOff[i]!);
  }
  let lost = 0;
  const now = ctx.clock();
  const gone: string[] = [];
  for (const [key, slot] of keydir.map) {
    if (!inputIdx.has(keydir.fileOf(slot))) continue;
    gone.push(key);
    if (!keydir.isExpired(key, now)) lost++;
  }
  for (const key of gone) keydir.remove(key);
  for (const f of registered) keydir.addDead(f.idx, f.size - f.live);
  let inputBytes = 0;
  for (const f of inputs) {
    inputBytes += f.size;
    keydir.dropFile(f.idx);
    files.remove(f.idx);
  }
  try {
    finishMerge(ctx.dir, ctx.dirFd, { inputs: inputs.map((f) => f.name), outputs: out.names() });
  } catch (err) {
    // The merge is committed; the next open completes the renames and deletes. Until then names on disk and in
    // memory disagree, so this handle takes no more writes.
    const e = ioError('merge committed but could not be finished (reopen the store to complete it)', err);
    log.poison(e);
    throw e;
  }
  for (const f of registered) f.name = f.name.slice(0, -MERGING_SUFFIX.length);
  return {
    filesBefore,
    filesAfter: files.size,
    bytesReclaimed: inputBytes - registered.reduce((n, f) => n + f.size, 0),
    lostKeys: lost,
  };
}

function deadRatio(f: DataFile): number {
  const total = f.live + f.dead;
  return total === 0 ? 1 : f.dead / total;
}

/** Copies planned for the keydir, applied only after the commit point. Parallel arrays keep it compact. */
class Moves {
  readonly keys: string[] = [];
  readonly srcFile: number[] = [];
  readonly srcOff: number[] = [];
  readonly out: number[] = [];
  readonly outOff: number[] = [];

  push(key: string, srcFile: number, srcOff: number, out: number, outOff: number): void {
    this.keys.push(key);
    this.srcFile.push(srcFile);
    this.srcOff.push(srcOff);
    this.out.push(out);
    this.outOff.push(outOff);
  }

  get length(): number {
    return this.keys.length;
  }
}

class MergeVisitor implements ScanVisitor {
  constructor(
    private readonly input: DataFile,
    private readonly keydir: Keydir,
    private readonly out: MergeOutput,
    private readonly moves: Moves,
    private readonly tombstoned: Set<string>,
    private readonly keepTombstones: boolean,
    private readonly now: number,
  ) {}

  record(buf: Buffer, pos: number, offset: number, len: number): void {
    const flags = recordFlags(buf, pos);
    if ((flags & FLAG_COMMIT) !== 0) return;
    const key = recordKey(buf, pos);
    const kd = this.keydir;
    const slot = kd.map.get(key);
    if (slot === undefined) {
      this.absent(key);
      return;
    }
    if (!kd.pointsAt(slot, this.input.idx, offset)) return; // superseded
    const expiry = recordExpiry(buf, pos);
    if (expiry !== 0 && expiry <= this.now) {
      this.absent(key);
      return;
    }
    const [outIdx, outOff] = this.out.copy(key, buf, pos, len);
    this.moves.push(key, this.input.idx, offset, outIdx, outOff);
  }

  corrupt(offset: number, _length: number, key: string | undefined): void {
    if (key === undefined) return;
    const kd = this.keydir;
    const slot = kd.map.get(key);
    if (slot === undefined || kd.pointsAt(slot, this.input.idx, offset)) this.absent(key);
  }

  torn(): void {}

  private absent(key: string): void {
    if (!this.keepTombstones || this.tombstoned.has(key)) return;
    this.tombstoned.add(key);
    this.out.tombstone(key, this.now);
  }
}

interface OutFile {
  readonly major: number;
  readonly minor: number;
  readonly name: string;
  readonly fd: number;
  size: number;
  readonly hint: HintWriter;
}

/** The merge's output files, written through one buffer, rotated at maxFileSize like the active file. */
class MergeOutput {
  private readonly outs: OutFile[] = [];
  private buf = Buffer.allocUnsafe(OUT_BUFFER);
  private len = 0;

  constructor(
    private readonly dir: string,
    private readonly major: number,
    private readonly firstMinor: number,
    private readonly maxFileSize: number,
  ) {}

  /** Copies a record (clearing batch flags, which only mean something in the file they were written to). */
  copy(key: string, src: Buffer, pos: number, len: number): [number, number] {
    const p = this.reserve(len);
    src.copy(this.buf, p, pos, pos + len);
    const flags = this.buf[p + 10]!;
    if ((flags & FLAG_BATCH) !== 0) {
      this.buf[p + 10] = flags & ~FLAG_BATCH;
      sealRecord(this.buf, p, len);
    }
    return this.commit(key, p, len);
  }

  tombstone(key: string, now: number): void {
    const p = this.reserve(HEADER_SIZE + key.length * 3);
    const ksz = writeKey(this.buf, p + HEADER_SIZE, key);
    writeHeader(this.buf, p, now, FLAG_TOMBSTONE, 0, ksz, 0);
    sealRecord(this.buf, p, HEADER_SIZE + ksz);
    this.commit(key, p, HEADER_SIZE + ksz);
  }

  flush(): void {
    const cur = this.outs[this.outs.length - 1];
    if (cur === undefined || this.len === 0) return;
    let done = 0;
    while (done < this.len) done += writeSync(cur.fd, this.buf, done, this.len - done, cur.size + done);
    cur.size += this.len;
    this.len = 0;
  }

  async syncAll(): Promise<void> {
    for (const o of this.outs) await fdatasyncAsync(o.fd);
  }

  writeHints(): void {
    for (const o of this.outs) {
      const fd = openSync(join(this.dir, hintFileName(o.name) + MERGING_SUFFIX), 'wx');
      try {
        const content = o.hint.finish();
        let done = 0;
        while (done < content.length) done += writeSync(fd, content, done, content.length - done);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }

  names(): string[] {
    return this.outs.map((o) => o.name);
  }

  /** Hands the output files to the file table (still under their `.merging` names). */
  register(files: FileTable): DataFile[] {
    return this.outs.map((o) => files.add(o.major, o.minor, o.name + MERGING_SUFFIX, o.fd, o.size));
  }

  /** Before the commit point: the merge did not happen; remove every trace. */
  discard(): void {
    for (const o of this.outs) {
      try {
        closeSync(o.fd);
      } catch {
        // Already closed.
      }
      unlinkIfPresent(join(this.dir, o.name + MERGING_SUFFIX));
      unlinkIfPresent(join(this.dir, hintFileName(o.name) + MERGING_SUFFIX));
    }
  }

  private reserve(n: number): number {
    let cur = this.outs[this.outs.length - 1];
    const used = cur === undefined ? 0 : cur.size + this.len;
    if (cur === undefined || used >= this.maxFileSize || used + n > MAX_OFFSET) {
      this.flush();
      cur = this.open();
    }
    if (this.len + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    return this.len;
  }

  private commit(key: string, p: number, len: number): [number, number] {
    const i = this.outs.length - 1;
    const cur = this.outs[i]!;
    const off = cur.size + p;
    cur.hint.add(key, recordFlags(this.buf, p), recordExpiry(this.buf, p), len, off);
    this.len = p + len;
    return [i, off];
  }

  private open(): OutFile {
    const minor = this.firstMinor + this.outs.length;
    const name = dataFileName(this.major, minor);
    const fd = openSync(join(this.dir, name + MERGING_SUFFIX), 'wx+');
    const o: OutFile = { major: this.major, minor, name, fd, size: 0, hint: new HintWriter() };
    this.outs.push(o);
    return o;
  }
}
