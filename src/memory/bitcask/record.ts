/*
 * On-disk record layout (all integers big-endian; 23-byte header, then key and value):
 *
 *   offset  size  field
 *   0       4     crc32    CRC-32 (IEEE) of every byte after this field: bytes [4, 23 + ksz + vsz)
 *   4       6     tstamp   write time, ms since the Unix epoch (u48)
 *   10      1     flags    bit 0 tombstone, bit 1 batch member, bit 2 batch commit (the last record of a batch);
 *                          the other bits are always 0
 *   11      6     expiry   ms since the epoch after which the key reads as absent (u48); 0 = never
 *   17      2     ksz      key length in bytes (u16, so a key holds at most 65,535 bytes)
 *   19      4     vsz      value length in bytes (u32; 0 for tombstones)
 *   23      ksz   key      UTF-8
 *   23+ksz  vsz   value    raw bytes
 *
 * A batch is written as consecutive records flagged "batch member", the last one also "batch commit"; a reader that
 * meets the end of a file (a torn tail) before the commit record drops the whole batch. A batch of one op is written
 * as a plain record. Merge output never carries batch flags.
 */
import { crc32 } from './crc32.js';

export const HEADER_SIZE = 23;
export const FLAG_TOMBSTONE = 1;
export const FLAG_BATCH = 2;
export const FLAG_COMMIT = 4;
const KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_BATCH | FLAG_COMMIT;
export const MAX_KEY_BYTES = 0xffff;

// Plausibility window for the u48 timestamps, used to tell a record header from garbage when re-synchronising after
// damage: the high 16 bits of a ms timestamp between 2000-01-01 and 2109 lie in [0x00dc, 0x0400]. Zero-filled
// regions (what a crash often leaves behind) therefore never look like a record.
const TSTAMP_HI_MIN = 0x00dc;
const TSTAMP_HI_MAX = 0x0400;

const TWO_32 = 0x1_0000_0000;

export function writeU48(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value >>> 0;
  buf[pos] = hi >>> 8;
  buf[pos + 1] = hi;
  buf[pos + 2] = lo >>> 24;
  buf[pos + 3] = lo >>> 16;
  buf[pos + 4] = lo >>> 8;
  buf[pos + 5] = lo;
}

export function readU48(buf: Buffer, pos: number): number {
  return ((buf[pos]! << 8) | buf[pos + 1]!) * TWO_32 + buf.readUInt32BE(pos + 2);
}

export const recordFlags = (buf: Buffer, pos: number): number => buf[pos + 10]!;
export const recordExpiry = (buf: Buffer, pos: number): number => readU48(buf, pos + 11);
export const recordKeySize = (buf: Buffer, pos: number): number => (buf[pos + 17]! << 8) | buf[pos + 18]!;
export const recordValueSize = (buf: Buffer, pos: number): number => buf.readUInt32BE(pos + 19);

/** Total length of the record whose header starts at pos (header + key + value). */
export function recordLength(buf: Buffer, pos: number): number {
  return HEADER_SIZE + recordKeySize(buf, pos) + recordValueSize(buf, pos);
}

export function recordKey(buf: Buffer, pos: number): string {
  const start = pos + HEADER_SIZE;
  return buf.toString('utf8', start, start + recordKeySize(buf, pos));
}

/** True when the CRC stored in the record at buf[pos, pos+len) matches its content. */
export function recordCrcOk(buf: Buffer, pos: number, len: number): boolean {
  return buf.readUInt32BE(pos) === crc32(buf, pos + 4, pos + len);
}

/** Computes and stores the CRC of a record whose other fields are already in place. */
export function sealRecord(buf: Buffer, pos: number, len: number): void {
  buf.writeUInt32BE(crc32(buf, pos + 4, pos + len), pos);
}

/**
 * Whether the 23 bytes at pos could be a header this engine wrote, given that at most `room` bytes remain in the
 * file from pos. Cheap checks only; the CRC decides.
 */
export function plausibleHeader(buf: Buffer, pos: number, room: number): boolean {
  if ((buf[pos + 10]! & ~KNOWN_FLAGS) !== 0) return false;
  const tsHi = (buf[pos + 4]! << 8) | buf[pos + 5]!;
  if (tsHi < TSTAMP_HI_MIN || tsHi > TSTAMP_HI_MAX) return false;
  const exHi = (buf[pos + 11]! << 8) | buf[pos + 12]!;
  if (exHi !== 0 && (exHi < TSTAMP_HI_MIN || exHi > TSTAMP_HI_MAX)) return false;
  if (exHi === 0 && buf.readUInt32BE(pos + 13) !== 0) return false;
  return recordLength(buf, pos) <= room;
}

/**
 * Writes the key at pos as UTF-8 and returns its byte length. The caller guarantees key.length * 3 bytes of room.
 * ASCII keys (the common `space/kind/id` shape) take a JS loop that is cheaper than a native call for short strings.
 */
export function writeKey(buf: Buffer, pos: number, key: string): number {
  const n = key.length;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return buf.write(key, pos, 'utf8');
    buf[pos + i] = c;
  }
  return n;
}

/** Writes a header (without CRC) at pos. */
export function writeHeader(
  buf: Buffer,
  pos: number,
  tstamp: number,
  flags: number,
  expiry: number,
  ksz: number,
  vsz: number,
): void {
  writeU48(buf, pos + 4, tstamp);
  buf[pos + 10] = flags;
  writeU48(buf, pos + 11, expiry);
  buf[pos + 17] = ksz >>> 8;
  buf[pos + 18] = ksz;
  buf.writeUInt32BE(vsz, pos + 19);
}

/** Upper bound of the encoded size of a value, cheap to compute before encoding. */
export function valueBound(value: Buffer | string): number {
  if (typeof value !== 'string') return value.length;
  return value.length <= 4096 ? value.length * 3 : Buffer.byteLength(value);
}

/** Writes a value at pos and returns its byte length (room: valueBound(value)). */
export function writeValue(buf: Buffer, pos: number, value: Buffer | string): number {
  if (typeof value === 'string') return value.length === 0 ? 0 : buf.write(value, pos, 'utf8');
  const n = value.length;
  if (n <= 64) {
    for (let i = 0; i < n; i++) buf[pos + i] = value[i]!;
    return n;
  }
  buf.set(value, pos);
  return n;
}
