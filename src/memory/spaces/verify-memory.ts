import type { Bitcask } from '../bitcask/index.js';
import { RECORD_PREFIX, REGISTRY_PREFIX } from './keys.js';
import type { CorruptEntry, MemoryVerifyReport } from './memory-types.js';
import { decodeRecord } from './record.js';
import { decodeSpaceConfig } from './space-config.js';

/**
 * The engine's check of every stored record (CRC, framing), plus what only the memory layer can tell: that every record and
 * registry entry with a sound CRC also decodes to its shape.
 */
export function verifyMemory(store: Bitcask): MemoryVerifyReport {
  const engine = store.verify();
  const corrupt: CorruptEntry[] = [...engine.corrupt];
  const reported = new Set(engine.corrupt.map((c) => c.key));
  for (const key of [...store.keys(RECORD_PREFIX), ...store.keys(REGISTRY_PREFIX)]) {
    if (reported.has(key)) continue;
    try {
      const value = store.get(key);
      if (!value) continue;
      if (key.startsWith(RECORD_PREFIX)) decodeRecord(key, value);
      else decodeSpaceConfig(key, value);
    } catch (error) {
      corrupt.push({ key, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    ok: corrupt.length === 0,
    records: engine.records,
    corrupt,
    tornTails: engine.tornTails,
    damagedHints: engine.damagedHints,
  };
}
