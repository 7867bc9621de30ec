import { resolve } from 'node:path';
import type { BitcaskError } from './errors.js';
import { MAX_KEY_BYTES } from './record.js';
import type { AutoMergeOptions, BitcaskOptions, SyncPolicy } from './types.js';

const MiB = 1024 * 1024;

export interface ResolvedOptions {
  readonly dir: string;
  readonly maxFileSize: number;
  readonly sync: SyncPolicy;
  readonly readOnly: boolean;
  readonly autoMerge: false | AutoMergeOptions;
  readonly maxKeySize: number;
  readonly maxValueSize: number;
  readonly readCacheBytes: number;
  readonly clock: () => number;
  readonly onBackgroundError: ((error: BitcaskError) => void) | undefined;
}

/** Applies defaults and rejects options that cannot work (RangeError: these are programming errors). */
export function resolveOptions(o: BitcaskOptions): ResolvedOptions {
  if (typeof o.dir !== 'string' || o.dir === '') throw new RangeError('bitcask: dir must be a non-empty path');
  const sync = o.sync ?? 'group';
  if (typeof sync === 'object') {
    if (!(sync.intervalMs > 0) || !Number.isFinite(sync.intervalMs)) {
      throw new RangeError('bitcask: sync.intervalMs must be a positive number');
    }
  } else if (sync !== 'none' && sync !== 'always' && sync !== 'group') {
    throw new RangeError(`bitcask: unknown sync policy ${String(sync)}`);
  }
  const autoMerge = o.autoMerge ?? { deadRatio: 0.5, minDeadBytes: 64 * MiB };
  if (autoMerge !== false && !(autoMerge.deadRatio > 0 && autoMerge.deadRatio <= 1 && autoMerge.minDeadBytes >= 0)) {
    throw new RangeError('bitcask: autoMerge needs 0 < deadRatio <= 1 and minDeadBytes >= 0');
  }
  return {
    dir: resolve(o.dir),
    maxFileSize: int('maxFileSize', o.maxFileSize, 64 * MiB, 1, 0xffff_ffff),
    sync,
    readOnly: o.readOnly === true,
    autoMerge,
    maxKeySize: int('maxKeySize', o.maxKeySize, MAX_KEY_BYTES, 0, MAX_KEY_BYTES),
    maxValueSize: int('maxValueSize', o.maxValueSize, 64 * MiB, 0, 1024 * MiB),
    readCacheBytes: int('readCacheBytes', o.readCacheBytes, 32 * MiB, 0, Number.MAX_SAFE_INTEGER),
    clock: o.clock ?? Date.now,
    onBackgroundError: o.onBackgroundError,
  };
}

function int(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`bitcask: ${name} must be an integer in ${min}..${max}`);
  return v;
}
