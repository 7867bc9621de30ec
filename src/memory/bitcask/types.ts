import type { BitcaskError } from './errors.js';

/**
 * When a write's promise resolves:
 * - 'none': after the bytes are handed to the OS (written at the end of the event-loop turn); a crash of the process
 *   loses nothing, a crash of the machine may.
 * - 'group' (default): after an fdatasync that covers it; all writes issued in one event-loop turn share one fdatasync.
 * - 'always': the record is written and fdatasync'd synchronously inside put() itself, one fdatasync per write.
 * - { intervalMs }: like 'none', plus an fdatasync every intervalMs while there are unsynced writes.
 */
export type SyncPolicy = 'none' | 'always' | 'group' | { readonly intervalMs: number };

export interface AutoMergeOptions {
  /** Merge when dead bytes / (live + dead bytes) reaches this ratio... */
  readonly deadRatio: number;
  /** ...and there are at least this many dead bytes. */
  readonly minDeadBytes: number;
}

export interface BitcaskOptions {
  readonly dir: string;
  /** Default 64 MiB; at the threshold the active file is closed (immutable) and a new one started. */
  readonly maxFileSize?: number;
  readonly sync?: SyncPolicy;
  /** No lock taken; writes and merges reject with code READ_ONLY. Sees the store as it was at open. */
  readonly readOnly?: boolean;
  /** Default { deadRatio: 0.5, minDeadBytes: 64 MiB }. */
  readonly autoMerge?: false | AutoMergeOptions;
  /** Default 65,535 bytes (64 KiB - 1: the record's key length is a u16). */
  readonly maxKeySize?: number;
  /** Default 64 MiB. */
  readonly maxValueSize?: number;
  /**
   * Bytes of data-file blocks kept in memory for reads (LRU of 32 KiB blocks); default 32 MiB, 0 turns it off.
   * Every get still checks the CRC of the record it returns.
   */
  readonly readCacheBytes?: number;
  /** Clock for timestamps and TTLs (ms since the epoch); default Date.now. Tests use it to move time. */
  readonly clock?: () => number;
  /** Receives errors of merges the engine started by itself (autoMerge); they leave the store in its pre-merge state. */
  readonly onBackgroundError?: (error: BitcaskError) => void;
}

export interface BatchOp {
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly value?: Buffer | string;
  readonly ttlMs?: number;
}

export interface BitcaskStats {
  /** Live keys (expired ones excluded). */
  keys: number;
  /** Bytes of the records the keydir points at. */
  liveBytes: number;
  /** Bytes of overwritten, deleted, expired, torn or corrupt records and tombstones: what a merge can reclaim. */
  deadBytes: number;
  /** Data files, the active one included. */
  files: number;
  /** Id of the file that takes (or, before the first write, will take) the next write. */
  activeFileId: number;
  /** Damaged records skipped when the store was opened (torn tails not counted; see verify()). */
  corruptRecords: number;
}

export interface CorruptRecord {
  file: string;
  offset: number;
  /** Present when the record's framing was intact, so its key bytes could be read. */
  key?: string;
  reason: string;
}

export interface TornTail {
  file: string;
  offset: number;
  bytes: number;
}

export interface VerifyReport {
  /** False when any record is corrupt. Torn tails and damaged hints alone do not make a store bad. */
  ok: boolean;
  /** Records whose CRC checked out. */
  records: number;
  corrupt: CorruptRecord[];
  /** Incomplete last writes of a crashed process: tolerated, never appended to, dropped at the next merge. */
  tornTails: TornTail[];
  /** Hint files that failed their checks; open falls back to scanning the data file, so no data is at risk. */
  damagedHints: string[];
}

export interface MergeOptions {
  /**
   * Merge only closed files whose dead-byte ratio is at least this (0..1). Default 0: every closed file. Tombstones
   * are kept while an older file that is not part of the merge may still hold the key.
   */
  readonly minDeadRatio?: number;
}

export interface MergeResult {
  filesBefore: number;
  filesAfter: number;
  bytesReclaimed: number;
}

export interface Bitcask {
  /** Synchronous positioned read; the CRC is checked on every read; a mismatch throws CORRUPT naming the key. */
  get(key: string): Buffer | undefined;
  has(key: string): boolean;
  /** Resolves when durable per the sync policy. */
  put(key: string, value: Buffer | string, opts?: { readonly ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomic: after a crash all or none of the ops are visible. */
  batch(ops: readonly BatchOp[]): Promise<void>;
  /** Live keys with the prefix, in key order (JavaScript string order); expired keys hidden. */
  keys(prefix?: string): string[];
  /** Key order; values are read (and CRC-checked) lazily as the iteration reaches them. */
  scan(prefix?: string): Iterable<[string, Buffer]>;
  /** Folds over every live key in key order. */
  fold<T>(fn: (acc: T, key: string, value: Buffer) => T, init: T): T;
  merge(options?: MergeOptions): Promise<MergeResult>;
  /** Resolves when every write issued so far is on disk (fdatasync), whatever the policy. */
  sync(): Promise<void>;
  stats(): BitcaskStats;
  /** Reads and checks every record of every data file (and every hint file). */
  verify(): VerifyReport;
  close(): Promise<void>;
}
