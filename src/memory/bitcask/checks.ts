import { BitcaskError, ioError } from './errors.js';

// Argument checks and error constructors shared by the store's operations.

const MAX_U48 = 2 ** 48 - 1;

export function checkKey(key: unknown, max: number): asserts key is string {
  if (typeof key !== 'string') throw invalidKey();
  if (key.length > max) throw tooLarge(key, `key is at least ${key.length} bytes, limit ${max}`);
}

export function checkValue(key: string, value: unknown, max: number): asserts value is Buffer | string {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`value of "${key}" must be a Buffer or a string`);
  }
  if (value.length > max) throw tooLarge(key, `value is at least ${value.length} bytes, limit ${max}`);
}

export function expiryOf(now: number, ttlMs: number): number {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.min(Math.ceil(now + ttlMs), MAX_U48);
}

export function isWellFormed(s: string): boolean {
  // Lone surrogates would not survive the trip through UTF-8 (they come back as U+FFFD, a different key).
  return !/\p{Surrogate}/u.test(s);
}

export function invalidKey(key?: string): BitcaskError {
  return key === undefined
    ? new BitcaskError('INVALID_KEY', 'key must be a string')
    : new BitcaskError('INVALID_KEY', 'key contains a lone UTF-16 surrogate, which UTF-8 cannot represent', { key });
}

export function tooLarge(key: string, why: string): BitcaskError {
  return new BitcaskError('TOO_LARGE', `"${key.slice(0, 80)}": ${why}`, { key });
}

export function corrupt(key: string, file: string, offset: number, why: string): BitcaskError {
  return new BitcaskError('CORRUPT', `record of "${key}" in ${file} at offset ${offset} is corrupt: ${why}`, {
    key,
    file,
  });
}

export function asError(err: unknown): Error {
  if (err instanceof BitcaskError || err instanceof TypeError || err instanceof RangeError) return err;
  return ioError('bitcask operation failed', err);
}
