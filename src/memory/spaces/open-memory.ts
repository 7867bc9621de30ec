import { openBitcask, type SyncPolicy } from '../bitcask/index.js';
import { MemoryManager } from './memory-manager.js';
import type { MemoryOptions } from './memory-types.js';

export interface OpenMemoryOptions extends MemoryOptions {
  /** The store's directory: `<state dir>/memory` (see `memoryDir`). */
  readonly dir: string;
  /** Default: the engine's durable group commit. */
  readonly sync?: SyncPolicy;
}

/** Opens (creating if needed, unless read-only) the memory store in `dir`. A second writer fails with BitcaskError LOCKED. */
export async function openMemory(options: OpenMemoryOptions): Promise<MemoryManager> {
  const { dir, sync, ...memoryOptions } = options;
  const store = await openBitcask({
    dir,
    readOnly: options.readOnly ?? false,
    ...(sync === undefined ? {} : { sync }),
  });
  try {
    return MemoryManager.open(store, memoryOptions);
  } catch (error) {
    await store.close();
    throw error;
  }
}
