import type { BitcaskStats, TornTail } from '../bitcask/index.js';
import type { CorpusStats } from '../search/bm25.js';
import type { CorruptHandler } from '../search/inverted-index.js';
import type { MemoryRecord, RecordKind } from './record.js';
import type { SpaceConfig } from './space-config.js';

// The shapes of the memory API: what goes into MemoryManager's methods and what comes out.

export interface MemoryOptions {
  /** Reject writes up front and never sweep (the store was opened read-only, e.g. while `kubemend run` holds the lock). */
  readonly readOnly?: boolean;
  readonly clock?: () => number;
  /** Hears about unreadable records and index entries, which reads skip instead of failing. */
  readonly onCorrupt?: CorruptHandler;
  /** Appends also delete expired records when the last sweep is older than this (default one minute; the first append always). */
  readonly sweepEveryMs?: number;
}

export interface AppendInput {
  readonly kind: RecordKind;
  readonly text: string;
  readonly tags?: readonly string[];
  readonly data?: unknown;
  readonly subject?: string;
  /** Epoch ms the record is about; defaults to now. */
  readonly time?: number;
}

export interface ListQuery {
  readonly space: string;
  /** Default: every kind. */
  readonly kinds?: readonly RecordKind[];
  /** Inclusive lower bound on `time`. */
  readonly since?: number;
  /** Exclusive upper bound on `time`. */
  readonly until?: number;
  readonly limit?: number;
  /** Default 'asc' (oldest first). */
  readonly order?: 'asc' | 'desc';
}

export interface MergeInput {
  readonly space: string;
  readonly sources: readonly { readonly kind: RecordKind; readonly id: string }[];
  /** Defaults: the sources' common kind and subject, their texts joined in time order, the union of their tags, the newest time. */
  readonly summary?: Partial<AppendInput>;
}

export interface SearchQuery {
  readonly query: string;
  /** Default: every registered space. */
  readonly spaces?: readonly string[];
  /** Default: every kind. */
  readonly kinds?: readonly RecordKind[];
  /** Default 10. */
  readonly limit?: number;
  /** Keeps only the records it accepts; applied before the limit, so the best `limit` accepted records come back. */
  readonly where?: (record: MemoryRecord) => boolean;
}

export interface SearchHit {
  readonly record: MemoryRecord;
  readonly score: number;
}

/** The seed's memory-search form: one keyword list per history (task descriptions, decisions, job executions). */
export interface KeywordQuery {
  readonly task?: readonly string[];
  readonly output?: readonly string[];
  readonly jobs?: readonly string[];
}

export interface KeywordHits {
  readonly task: readonly SearchHit[];
  readonly output: readonly SearchHit[];
  readonly jobs: readonly SearchHit[];
}

export interface SpaceSummary {
  readonly config: SpaceConfig;
  /** Unexpired records per kind. */
  readonly records: Readonly<Record<RecordKind, number>>;
}

export interface MemoryStats {
  readonly store: BitcaskStats;
  readonly index: CorpusStats;
  readonly spaces: readonly SpaceSummary[];
}

export interface CorruptEntry {
  readonly file?: string;
  readonly offset?: number;
  readonly key?: string;
  readonly reason: string;
}

export interface MemoryVerifyReport {
  readonly ok: boolean;
  /** Records checked by the engine (every stored record, index entries included). */
  readonly records: number;
  readonly corrupt: readonly CorruptEntry[];
  /** Incomplete last writes of a crashed process: tolerated and never appended to, so not damage. */
  readonly tornTails: readonly TornTail[];
  /** Hint files that failed their checks; the data files were scanned instead, so no data is at risk. */
  readonly damagedHints: readonly string[];
}

export interface CompactResult {
  readonly expired: number;
  readonly filesBefore: number;
  readonly filesAfter: number;
  readonly bytesReclaimed: number;
}
