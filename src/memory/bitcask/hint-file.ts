/*
 * Hint file: one entry per record of the merge output file it sits beside, so startup can rebuild the keydir
 * without reading values. Big-endian:
 *
 *   entry    flags u8 | expiry u48 | ksz u16 | len u32 (whole record) | offset u32 | key (ksz bytes)
 *   trailer  magic "BKH1" | entry count u32 | crc32 u32 of every byte before this field
 *
 * Entries are sorted by key (see HintWriter), not by offset.
 *
 * A hint that fails any check (size, magic, CRC, count, an entry running past the data file) is ignored as a whole
 * and the data file is scanned instead; hints are an optimisation, never the only copy of anything.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from './crc32.js';
import { HEADER_SIZE, readU48, writeU48 } from './record.js';

const ENTRY_FIXED = 17;
const TRAILER = 12;
const MAGIC = 0x424b4831; // "BKH1"

/**
 * Collects the entries of one output file and writes them sorted by key (stable, so two entries for one key keep
 * their file order). Order does not matter for correctness; it matters for speed: a store opened from sorted hints
 * hands the keydir's key index a few long sorted runs, which makes the first prefix query after open cheap.
 */
export class HintWriter {
  private readonly keys: string[] = [];
  private readonly nums: number[] = [];

  add(key: string, flags: number, expiry: number, len: number, offset: number): void {
    this.keys.push(key);
    this.nums.push(flags, expiry, len, offset);
  }

  /** The complete file content. */
  finish(): Buffer {
    const keys = this.keys;
    const n = keys.length;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    let size = TRAILER;
    const keyBytes = keys.map((k) => Buffer.byteLength(k));
    for (const kb of keyBytes) size += ENTRY_FIXED + kb;
    const b = Buffer.allocUnsafe(size);
    let p = 0;
    for (const i of order) {
      const ksz = keyBytes[i]!;
      b[p] = this.nums[i * 4]!;
      writeU48(b, p + 1, this.nums[i * 4 + 1]!);
      b.writeUInt16BE(ksz, p + 7);
      b.writeUInt32BE(this.nums[i * 4 + 2]!, p + 9);
      b.writeUInt32BE(this.nums[i * 4 + 3]!, p + 13);
      b.write(keys[i]!, p + ENTRY_FIXED, ksz, 'utf8');
      p += ENTRY_FIXED + ksz;
    }
    b.writeUInt32BE(MAGIC, p);
    b.writeUInt32BE(n, p + 4);
    b.writeUInt32BE(crc32(b, 0, p + 8), p + 8);
    return b;
  }
}

export type HintVisit = (key: string, flags: number, expiry: number, offset: number, len: number) => void;

/**
 * Validates the hint file at path against a data file of dataSize bytes; only if every check passes are its entries
 * handed to visit, in file order. Returns whether the hint was used, and why not when it was not.
 */
export function readHintFile(
  path: string,
  dataSize: number,
  visit: HintVisit,
): { ok: true } | { ok: false; reason: string } {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (err) {
    return { ok: false, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  const bad = checkHint(b, dataSize);
  if (bad !== undefined) return { ok: false, reason: bad };
  const end = b.length - TRAILER;
  for (let p = 0; p < end; ) {
    const ksz = b.readUInt16BE(p + 7);
    const start = p + ENTRY_FIXED;
    visit(
      b.toString('utf8', start, start + ksz),
      b[p]!,
      readU48(b, p + 1),
      b.readUInt32BE(p + 13),
      b.readUInt32BE(p + 9),
    );
    p = start + ksz;
  }
  return { ok: true };
}

/** Why the hint content b cannot describe a data file of dataSize bytes, or undefined if it can. */
export function checkHint(b: Buffer, dataSize: number): string | undefined {
  if (b.length < TRAILER) return 'too short';
  const end = b.length - TRAILER;
  if (b.readUInt32BE(end) !== MAGIC) return 'bad magic';
  if (b.readUInt32BE(end + 8) !== crc32(b, 0, end + 8)) return 'crc mismatch';
  let count = 0;
  let p = 0;
  while (p < end) {
    if (p + ENTRY_FIXED > end) return 'entry runs past the trailer';
    const ksz = b.readUInt16BE(p + 7);
    const len = b.readUInt32BE(p + 9);
    const off = b.readUInt32BE(p + 13);
    if (p + ENTRY_FIXED + ksz > end) return 'entry runs past the trailer';
    if (len < HEADER_SIZE + ksz || off + len > dataSize) return 'entry points past the data file';
    p += ENTRY_FIXED + ksz;
    count++;
  }
  if (count !== b.readUInt32BE(end + 4)) return 'entry count mismatch';
  return undefined;
}
