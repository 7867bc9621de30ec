// The outcome of applying a PATCH body, and the one internal error the patch engines raise for bad input.
import type { KubeObject } from '../objects.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export type PatchFailureCode = 'BadRequest' | 'Invalid' | 'Conflict' | 'UnsupportedMediaType';

export interface PatchCause {
  readonly field: string;
  readonly message: string;
  readonly reason?: string;
}

export type PatchResult =
  | { readonly ok: true; readonly object: KubeObject }
  | {
      readonly ok: false;
      readonly code: PatchFailureCode;
      readonly message: string;
      readonly causes?: readonly PatchCause[];
    };

export type PatchFailure = Extract<PatchResult, { ok: false }>;

/**
 * Raised deep inside a merge when the patch document is unusable. The engines recurse through arbitrary
 * JSON, and threading a result through every level would bury the merge rules; `applyPatch` is the single
 * place that catches it and turns it into a `PatchFailure`.
 */
export class PatchInputError extends Error {
  readonly code: PatchFailureCode;
  readonly causes: readonly PatchCause[] | undefined;

  constructor(code: PatchFailureCode, message: string, causes?: readonly PatchCause[]) {
    super(message);
    this.name = 'PatchInputError';
    this.code = code;
    this.causes = causes;
  }

  toFailure(): PatchFailure {
    return this.causes
      ? { ok: false, code: this.code, message: this.message, causes: this.causes }
      : { ok: false, code: this.code, message: this.message };
  }
}

export function badRequest(message: string): PatchInputError {
  return new PatchInputError('BadRequest', message);
}
