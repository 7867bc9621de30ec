import { readSync } from 'node:fs';
import type { DataFile } from './data-file.js';

export const BLOCK_SIZE = 32 * 1024;
// Block keys are idx * 2^17 + block number: files never exceed 4 GiB (2^17 blocks of 32 KiB).
const BLOCKS_PER_FILE = 2 ** 17;

/**
 * An LRU cache of 32 KiB blocks of data files, so a hot get costs a hash lookup and a CRC check instead of a pread
 * system call (which is most of the cost of a read here). It caches only bytes that can never change: closed files
 * are immutable, and of the active file only whole blocks below what has been written. The caller still checks the
 * CRC of every record it hands out; damage to the disk copy of a block that is already cached goes unnoticed by
 * get() until the block is evicted (verify() always reads the disk).
 */
export class BlockCache {
  private readonly blocks = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly capacity: number) {}

  /**
   * The block holding file bytes [off, off + len), loaded on a miss, or undefined when the record is not cacheable
   * (cache off, record straddles two blocks, or the block is not yet immutable). `immutableEnd` is the offset below
   * which the file's bytes are final (its size; for the active file, the start of its unfinished last block).
   * The record starts at off % BLOCK_SIZE in the returned block; a block shorter than that record means the file
   * was cut short.
   */
  block(file: DataFile, off: number, len: number, immutableEnd: number): Buffer | undefined {
    if (this.capacity === 0) return undefined;
    const n = Math.floor(off / BLOCK_SIZE);
    const start = n * BLOCK_SIZE;
    if (off + len > start + BLOCK_SIZE || start >= immutableEnd) return undefined;
    const key = file.idx * BLOCKS_PER_FILE + n;
    const hit = this.blocks.get(key);
    if (hit !== undefined) {
      this.blocks.delete(key);
      this.blocks.set(key, hit);
      return hit;
    }
    const want = Math.min(BLOCK_SIZE, immutableEnd - start);
    const b = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const r = readSync(file.fd, b, got, want - got, start + got);
      if (r === 0) break;
      got += r;
    }
    if (got < want) return b.subarray(0, got); // truncated file: not cached, the caller reports the record
    this.blocks.set(key, b);
    this.bytes += want;
    for (const [k, v] of this.blocks) {
      if (this.bytes <= this.capacity) break;
      this.blocks.delete(k);
      this.bytes -= v.length;
    }
    return b;
  }

  /** Forgets blocks of files that are gone (merged away). */
  retain(keep: (fileIdx: number) => boolean): void {
    for (const [k, v] of this.blocks) {
      if (keep(Math.floor(k / BLOCKS_PER_FILE))) continue;
      this.blocks.delete(k);
      this.bytes -= v.length;
    }
  }
}
