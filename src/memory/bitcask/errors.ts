export type BitcaskErrorCode = 'LOCKED' | 'CORRUPT' | 'IO' | 'TOO_LARGE' | 'CLOSED' | 'READ_ONLY' | 'INVALID_KEY';

export interface BitcaskErrorDetails {
  readonly key?: string;
  readonly file?: string;
  readonly cause?: unknown;
}

/** The one error type of the engine; `code` is what callers branch on, the message is for people. */
export class BitcaskError extends Error {
  readonly code: BitcaskErrorCode;
  readonly key?: string;
  readonly file?: string;

  constructor(code: BitcaskErrorCode, message: string, details: BitcaskErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BitcaskError';
    this.code = code;
    if (details.key !== undefined) this.key = details.key;
    if (details.file !== undefined) this.file = details.file;
  }
}

/** Wraps a Node fs error as an IO BitcaskError; a BitcaskError passes through unchanged. */
export function ioError(what: string, cause: unknown, file?: string): BitcaskError {
  if (cause instanceof BitcaskError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BitcaskError('IO', `${what}: ${reason}`, file === undefined ? { cause } : { cause, file });
}

export function closedError(dir: string): BitcaskError {
  return new BitcaskError('CLOSED', `bitcask store ${dir} is closed`);
}
