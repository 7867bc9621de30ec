import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crashPoint } from './crash-points.js';
import { hintFileName } from './data-file.js';
import { BitcaskError, ioError } from './errors.js';

/**
 * The merge commit point. A merge writes its output as `*.merging` files; once they and the directory are durable it
 * writes MERGEFIN (to a temporary name, fdatasync, rename, fsync the directory), naming the inputs it replaces and
 * the outputs that replace them. Before MERGEFIN exists the merge never happened (open deletes `*.merging`); once it
 * exists the merge has happened, and whoever gets there first (the merge itself, or the next open after a crash)
 * finishes it idempotently: rename outputs into place, delete inputs, delete MERGEFIN.
 */
const MERGE_MARKER = 'MERGEFIN';
const MARKER_TMP = 'MERGEFIN.tmp';
export const MERGING_SUFFIX = '.merging';

export interface MergeMarker {
  /** Data file names the merge replaces. */
  readonly inputs: readonly string[];
  /** Final data file names of the output (on disk with MERGING_SUFFIX until renamed). */
  readonly outputs: readonly string[];
}

export function writeMergeMarker(dir: string, dirFd: number, marker: MergeMarker): void {
  const tmp = join(dir, MARKER_TMP);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify({ version: 1, inputs: marker.inputs, outputs: marker.outputs }));
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, MERGE_MARKER));
  fsyncSync(dirFd);
}

/** The committed-but-unfinished merge recorded in dir, if any. */
export function readMergeMarker(dir: string): MergeMarker | undefined {
  const path = join(dir, MERGE_MARKER);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`cannot read ${path}`, err, path);
  }
  try {
    const v = JSON.parse(text) as { inputs?: unknown; outputs?: unknown };
    if (isNames(v.inputs) && isNames(v.outputs)) return { inputs: v.inputs, outputs: v.outputs };
  } catch {
    // Falls through: unreadable.
  }
  // Written via tmp + rename, so only media damage gets here; guessing which side of the merge is live could lose
  // data, so the store refuses to open and says where to look.
  throw new BitcaskError('CORRUPT', `merge commit marker ${path} is unreadable; inspect the directory by hand`, {
    file: path,
  });
}

function isNames(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && !x.includes('/') && !x.includes('..'));
}

/** Completes a committed merge on disk. Idempotent: safe to repeat after a crash part-way through. */
export function finishMerge(dir: string, dirFd: number, marker: MergeMarker): void {
  for (const out of marker.outputs) {
    for (const name of [out, hintFileName(out)]) {
      const from = join(dir, name + MERGING_SUFFIX);
      if (existsSync(from)) renameSync(from, join(dir, name));
    }
  }
  crashPoint('merge:after-rename');
  for (const input of marker.inputs) {
    unlinkIfPresent(join(dir, input));
    unlinkIfPresent(join(dir, hintFileName(input)));
  }
  fsyncSync(dirFd);
  crashPoint('merge:after-delete');
  unlinkIfPresent(join(dir, MERGE_MARKER));
  fsyncSync(dirFd);
}

/** Removes what an uncommitted merge (or an interrupted marker write) left behind. */
export function discardUncommittedMerge(dir: string, names: readonly string[]): void {
  for (const name of names) if (name.endsWith(MERGING_SUFFIX) || name === MARKER_TMP) unlinkIfPresent(join(dir, name));
}

export function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
