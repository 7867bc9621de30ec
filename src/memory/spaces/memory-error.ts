// Errors of the memory layer, kept apart from the engine's BitcaskError (which still surfaces for I/O, lock and corruption
// problems): these are the mistakes a caller of the memory API can make, each with a string code to branch on.

export type MemoryErrorCode =
  | 'UNKNOWN_SPACE'
  | 'INVALID_NAME'
  | 'INVALID_RECORD'
  | 'NOT_FOUND'
  | 'READ_ONLY'
  | 'CORRUPT';

export class MemoryError extends Error {
  constructor(
    readonly code: MemoryErrorCode,
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'MemoryError';
  }
}
