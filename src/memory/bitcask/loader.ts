import { existsSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DataFile, type FileTable, hintFileName, parseDataFileName } from './data-file.js';
import { readHintFile } from './hint-file.js';
import type { Keydir } from './keydir.js';
import {
  discardUncommittedMerge,
  finishMerge,
  MERGING_SUFFIX,
  type MergeMarker,
  readMergeMarker,
  unlinkIfPresent,
} from './merge-commit.js';
import {
  FLAG_BATCH,
  FLAG_COMMIT,
  FLAG_TOMBSTONE,
  recordExpiry,
  recordFlags,
  recordKey,
  recordValueSize,
} from './record.js';
import { RecordScanner, type ScanVisitor } from './scanner.js';

export interface LoadResult {
  /** Largest file major seen; the next active file takes a larger one. */
  readonly maxMajor: number;
  /** Damaged records skipped (torn tails not counted). */
  readonly corruptRecords: number;
}

interface FileEntry {
  readonly major: number;
  readonly minor: number;
  /** Final data file name. */
  readonly name: string;
  /** Names as they are on disk right now (a committed merge's output may still carry MERGING_SUFFIX). */
  readonly dataPath: string;
  readonly hintPath: string;
}

/**
 * Rebuilds the keydir from the directory. A writer first settles merge leftovers (finishing a committed merge,
 * deleting an uncommitted one's output, removing empty files a crash left right after creating them); a read-only
 * opener changes nothing and reads a committed-but-unfinished merge's output in place of its inputs.
 */
export function loadStore(
  dir: string,
  dirFd: number,
  readOnly: boolean,
  files: FileTable,
  keydir: Keydir,
  now: number,
): LoadResult {
  const marker = readMergeMarker(dir);
  if (!readOnly) {
    if (marker !== undefined) finishMerge(dir, dirFd, marker);
    discardUncommittedMerge(dir, readdirSync(dir));
  }
  const entries = listDataFiles(dir, readOnly ? marker : undefined);
  let maxMajor = 0;
  let corrupt = 0;
  for (const e of entries) {
    maxMajor = Math.max(maxMajor, e.major);
    const fd = openSync(e.dataPath, 'r');
    const size = fstatSync(fd).size;
    if (size === 0 && !readOnly) {
      // An active file created just before a crash, never written: nothing to keep.
      unlinkIfPresent(e.dataPath);
      unlinkIfPresent(e.hintPath);
      continue;
    }
    const file = files.add(e.major, e.minor, e.name, fd, size);
    if (existsSync(e.hintPath) && loadFromHint(e.hintPath, file, keydir, now)) continue;
    const v = new LoadVisitor(file, keydir, now);
    new RecordScanner(fd, size).step(v);
    v.end();
    corrupt += v.corruptCount;
  }
  return { maxMajor, corruptRecords: corrupt };
}

function listDataFiles(dir: string, marker: MergeMarker | undefined): FileEntry[] {
  const names = readdirSync(dir);
  const inputs = new Set(marker?.inputs ?? []);
  const out: FileEntry[] = [];
  const seen = new Set<string>();
  const add = (name: string, onDisk: string): void => {
    const id = parseDataFileName(name);
    if (id === undefined || inputs.has(name) || seen.has(name)) return;
    seen.add(name);
    const hint = hintFileName(name);
    const hintOnDisk = onDisk === name ? hint : hint + MERGING_SUFFIX;
    const hintPath = existsSync(join(dir, hint)) ? join(dir, hint) : join(dir, hintOnDisk);
    out.push({ ...id, name, dataPath: join(dir, onDisk), hintPath });
  };
  for (const name of names) add(name, name);
  for (const name of marker?.outputs ?? []) {
    if (!seen.has(name) && names.includes(name + MERGING_SUFFIX)) add(name, name + MERGING_SUFFIX);
  }
  return out.sort((a, b) => a.major - b.major || a.minor - b.minor);
}

function loadFromHint(path: string, file: DataFile, keydir: Keydir, now: number): boolean {
  // Validated in full before the first entry is applied, so a bad hint leaves nothing behind to undo.
  return readHintFile(path, file.size, (key, flags, expiry, offset, len) => {
    if ((flags & FLAG_TOMBSTONE) !== 0 || (expiry !== 0 && expiry <= now)) {
      keydir.remove(key);
      keydir.addDead(file.idx, len);
    } else {
      keydir.set(key, file.idx, offset, len, expiry);
    }
  }).ok;
}

interface PendingOp {
  readonly key: string;
  readonly flags: number;
  readonly expiry: number;
  readonly offset: number;
  readonly len: number;
}

/**
 * Applies scanned records to the keydir. Batch members are held back until their commit record confirms the whole
 * batch arrived intact (the commit record's value is the member count); a batch cut short by a torn tail, broken by
 * a damaged record, or interrupted by a non-member is dropped whole. A damaged record whose key is readable acts as
 * a tombstone for that key: the key reads as absent rather than silently falling back to an older value.
 */
class LoadVisitor implements ScanVisitor {
  corruptCount = 0;
  private batch: PendingOp[] = [];
  private batchBytes = 0;

  constructor(
    private readonly file: DataFile,
    private readonly keydir: Keydir,
    private readonly now: number,
  ) {}

  record(buf: Buffer, pos: number, offset: number, len: number): void {
    const flags = recordFlags(buf, pos);
    if ((flags & FLAG_COMMIT) !== 0) {
      const members = recordValueSize(buf, pos) === 4 ? buf.readUInt32BE(pos + len - 4) : -1;
      const complete = members === this.batch.length;
      const ops = this.batch;
      this.dropBatch(!complete);
      if (complete) for (const op of ops) this.apply(op.key, op.flags, op.expiry, op.offset, op.len);
      this.keydir.addDead(this.file.idx, len);
      return;
    }
    const key = recordKey(buf, pos);
    const expiry = recordExpiry(buf, pos);
    if ((flags & FLAG_BATCH) !== 0) {
      this.batch.push({ key, flags, expiry, offset, len });
      this.batchBytes += len;
      return;
    }
    this.dropBatch(true);
    this.apply(key, flags, expiry, offset, len);
  }

  corrupt(_offset: number, length: number, key: string | undefined): void {
    this.corruptCount++;
    this.dropBatch(true);
    this.keydir.addDead(this.file.idx, length);
    if (key !== undefined) this.keydir.remove(key);
  }

  torn(_offset: number, length: number): void {
    this.dropBatch(true);
    this.keydir.addDead(this.file.idx, length);
  }

  /** End of file: a batch still open never committed. */
  end(): void {
    this.dropBatch(true);
  }

  private dropBatch(countDead: boolean): void {
    if (countDead && this.batchBytes > 0) this.keydir.addDead(this.file.idx, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
  }

  private apply(key: string, flags: number, expiry: number, offset: number, len: number): void {
    if ((flags & FLAG_TOMBSTONE) !== 0 || (expiry !== 0 && expiry <= this.now)) {
      this.keydir.remove(key);
      this.keydir.addDead(this.file.idx, len);
    } else {
      this.keydir.set(key, this.file.idx, offset, len, expiry);
    }
  }
}
