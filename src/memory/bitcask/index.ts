// Public surface of the Bitcask engine. Anything exported here is API: named exports only.
export { openBitcask } from './bitcask.js';
export { CRASH_ENV, CRASH_POINTS, type CrashPoint } from './crash-points.js';
export { BitcaskError, type BitcaskErrorCode } from './errors.js';
export type {
  AutoMergeOptions,
  BatchOp,
  Bitcask,
  BitcaskOptions,
  BitcaskStats,
  CorruptRecord,
  MergeOptions,
  MergeResult,
  SyncPolicy,
  TornTail,
  VerifyReport,
} from './types.js';
