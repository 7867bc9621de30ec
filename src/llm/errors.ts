import type { ChatChunk, ModelError, ModelErrorCode } from './chat-model.js';

export function modelError(code: ModelErrorCode, message: string, retryAfterMs?: number): ModelError {
  return retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
}

export function errorChunk(error: ModelError): ChatChunk {
  return { type: 'error', error };
}
