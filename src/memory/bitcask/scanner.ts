import { readSync } from 'node:fs';
import { HEADER_SIZE, plausibleHeader, recordCrcOk, recordKey, recordLength } from './record.js';

export interface ScanVisitor {
  /** An intact record at file offset `offset`, held in buf[pos, pos + len) until the next call. */
  record(buf: Buffer, pos: number, offset: number, len: number): void;
  /**
   * A damaged stretch followed by an intact record. `key` is given when the damaged record's framing was intact
   * (its length led exactly to the next intact record), so its key bytes sit where the header says.
   */
  corrupt(offset: number, length: number, key: string | undefined, reason: string): void;
  /** Damage that runs to the end of the file: the tail a crash mid-append leaves. */
  torn(offset: number, length: number): void;
}

const CHUNK = 8 * 1024 * 1024;

/** A sliding read window over a file, so records are parsed out of large sequential reads. */
class FileWindow {
  buf: Buffer;
  base = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, HEADER_SIZE)));
  }

  /** Makes file bytes [pos, pos + n) resident; the caller guarantees pos + n <= size. */
  ensure(pos: number, n: number): void {
    if (pos >= this.base && pos + n <= this.end) return;
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    const want = Math.min(this.buf.length, this.size - pos);
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd, this.buf, got, want - got, pos + got);
      if (r === 0) throw new Error(`short read at ${pos + got}: file shrank while being scanned`);
      got += r;
    }
    this.base = pos;
    this.end = pos + got;
  }
}

/**
 * Walks the records of a data file. Damage never stops the walk early and never reads out of bounds: after a bad
 * record the scanner looks for the next offset holding a plausible header with a matching CRC (re-synchronising past
 * a corrupted length field) and reports the stretch in between; if none follows, the rest is a torn tail. Work is
 * linear in the file size: each offset is looked at once, and only plausible headers cost a CRC.
 * Resumable: step() handles about `budget` bytes and returns false until the file is done.
 */
export class RecordScanner {
  private readonly win: FileWindow;
  private off = 0;

  constructor(
    fd: number,
    private readonly size: number,
  ) {
    this.win = new FileWindow(fd, size);
  }

  step(visitor: ScanVisitor, budget = Number.POSITIVE_INFINITY): boolean {
    const size = this.size;
    const w = this.win;
    const stop = this.off + budget;
    while (this.off < size) {
      if (this.off >= stop) return false;
      const off = this.off;
      const room = size - off;
      if (room < HEADER_SIZE) {
        visitor.torn(off, room);
        this.off = size;
        break;
      }
      w.ensure(off, HEADER_SIZE);
      let len = recordLength(w.buf, off - w.base);
      let reason: string;
      if (plausibleHeader(w.buf, off - w.base, room)) {
        w.ensure(off, len);
        if (recordCrcOk(w.buf, off - w.base, len)) {
          visitor.record(w.buf, off - w.base, off, len);
          this.off = off + len;
          continue;
        }
        reason = 'crc mismatch';
      } else {
        reason = len > room ? 'record length runs past the end of the file' : 'implausible header';
        len = -1;
      }
      const next = this.resync(off + 1);
      if (next < 0) {
        visitor.torn(off, room);
        this.off = size;
        break;
      }
      let key: string | undefined;
      if (off + len === next) {
        w.ensure(off, len);
        key = recordKey(w.buf, off - w.base);
      }
      visitor.corrupt(off, next - off, key, reason);
      this.off = next;
    }
    return true;
  }

  private resync(from: number): number {
    const w = this.win;
    for (let q = from; q + HEADER_SIZE <= this.size; q++) {
      w.ensure(q, HEADER_SIZE);
      if (!plausibleHeader(w.buf, q - w.base, this.size - q)) continue;
      const len = recordLength(w.buf, q - w.base);
      w.ensure(q, len);
      if (recordCrcOk(w.buf, q - w.base, len)) return q;
    }
    return -1;
  }
}
