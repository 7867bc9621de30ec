import { closeSync } from 'node:fs';

/**
 * A data file. Files are ordered by (major, minor): every active file gets the next major with minor 0; merge output
 * takes the largest major among the merged files with fresh minors, so it sorts after every file it replaces and
 * before any file written after the merge started. Later files win when the keydir is rebuilt.
 */
export interface DataFile {
  /** In-memory handle used by the keydir; never reused within one open store. */
  readonly idx: number;
  readonly major: number;
  readonly minor: number;
  /** Current name in the store directory (merge output carries a `.merging` suffix until the merge commits). */
  name: string;
  readonly fd: number;
  /** Bytes on disk; for the active file, bytes written so far (records still staged in memory come after). */
  size: number;
  /** Bytes of records the keydir points at. */
  live: number;
  /** Bytes nothing points at any more. */
  dead: number;
}

const DATA_RE = /^(\d{10})-(\d{6})\.data$/;

export function dataFileName(major: number, minor: number): string {
  return `${String(major).padStart(10, '0')}-${String(minor).padStart(6, '0')}.data`;
}

export function parseDataFileName(name: string): { major: number; minor: number } | undefined {
  const m = DATA_RE.exec(name);
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]) };
}

export function hintFileName(dataName: string): string {
  return dataName.replace(/\.data$/, '.hint');
}

export function compareFiles(a: { major: number; minor: number }, b: { major: number; minor: number }): number {
  return a.major - b.major || a.minor - b.minor;
}

/** The open data files, addressable by idx. */
export class FileTable {
  private readonly byIdx: (DataFile | undefined)[] = [];
  private count = 0;

  add(major: number, minor: number, name: string, fd: number, size: number): DataFile {
    const file: DataFile = { idx: this.byIdx.length, major, minor, name, fd, size, live: 0, dead: 0 };
    this.byIdx.push(file);
    this.count++;
    return file;
  }

  at(idx: number): DataFile {
    const f = this.byIdx[idx];
    if (f === undefined) throw new Error(`bitcask: no data file with idx ${idx}`);
    return f;
  }

  has(idx: number): boolean {
    return this.byIdx[idx] !== undefined;
  }

  /** Forgets the file and closes its descriptor. */
  remove(idx: number): void {
    const f = this.byIdx[idx];
    if (f === undefined) return;
    this.byIdx[idx] = undefined;
    this.count--;
    closeSync(f.fd);
  }

  get size(): number {
    return this.count;
  }

  /** All files in (major, minor) order. */
  list(): DataFile[] {
    return this.byIdx.filter((f): f is DataFile => f !== undefined).sort(compareFiles);
  }

  closeAll(): void {
    for (const f of this.byIdx) if (f !== undefined) this.remove(f.idx);
  }
}
