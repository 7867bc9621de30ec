// The memory module's public surface: what the rest of kubemend imports. Anything exported here is public API; keep it named.

export {
  type BatchOp,
  type Bitcask,
  BitcaskError,
  type BitcaskErrorCode,
  type BitcaskOptions,
  type BitcaskStats,
  openBitcask,
  type SyncPolicy,
  type TornTail,
  type VerifyReport,
} from './bitcask/index.js';
export type { BestFix } from './experience/experience-store.js';
export { EXPERIENCE_SPACE, ExperienceStore } from './experience/experience-store.js';
export { FIX_OUTCOMES, type FixAttempt, type FixAttemptInput, type FixOutcome } from './experience/fix-attempt.js';
export type { CorpusStats } from './search/bm25.js';
export type { CorruptHandler } from './search/inverted-index.js';
export { tokenize } from './search/tokenizer.js';
export { MemoryError, type MemoryErrorCode } from './spaces/memory-error.js';
export { MemoryManager } from './spaces/memory-manager.js';
export type {
  AppendInput,
  CompactResult,
  CorruptEntry,
  KeywordHits,
  KeywordQuery,
  ListQuery,
  MemoryOptions,
  MemoryStats,
  MemoryVerifyReport,
  MergeInput,
  SearchHit,
  SearchQuery,
  SpaceSummary,
} from './spaces/memory-types.js';
export { type OpenMemoryOptions, openMemory } from './spaces/open-memory.js';
export { isRecordKind, type MemoryRecord, RECORD_KINDS, type RecordKind, type RecordRef } from './spaces/record.js';
export type { SpaceConfig } from './spaces/space-config.js';
export { DEFAULT_STATE_DIR, memoryDir, resolveStateDir } from './state-dir.js';
