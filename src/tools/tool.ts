// The Tool seam: what an agent may call, what it does to the cluster, and how its result comes back. The
// effect is declared by the tool (or, for free-form commands, decided by parsing) and enforced by the policy
// in the executor — never by a prompt. A failure is a result the model can act on, not an exception.

import type { z } from 'zod';

/** What running the tool does to the world. `unknown` means "we could not tell": treated like a write or worse. */
export type ToolEffect = 'read' | 'write' | 'destructive' | 'unknown';

export type ToolResult =
  | { readonly ok: true; readonly content: string; readonly truncated?: boolean }
  | { readonly ok: false; readonly isError: true; readonly message: string; readonly code?: ToolErrorCode };

export type ToolErrorCode =
  | 'INVALID_ARGUMENTS'
  | 'REFUSED_BY_POLICY'
  | 'DENIED_BY_USER'
  | 'NOT_FOUND'
  | 'CLUSTER_ERROR'
  | 'TOO_LARGE'
  | 'DUPLICATE_CALL'
  | 'TIMEOUT';

export interface ToolContext {
  readonly signal?: AbortSignal;
  /** Server-side dry-run only (the fixer's mode until the repair loop applies changes). */
  readonly dryRun?: boolean;
}

export interface Tool<P extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly parameters: P;
  /** Static effect; tools whose effect depends on the arguments (kubectl) decide per call with `effectOf`. */
  readonly effect: ToolEffect;
  effectOf?(args: z.infer<P>): ToolEffect;
  /**
   * The tool honours ctx.dryRun with a server-side dry-run, so a dry-run call changes nothing and the executor
   * lets it preview a write without asking a person.
   */
  readonly dryRunSafe?: boolean;
  /** The namespace a call touches, for namespace deny-lists (kube-system by default); '*' for all namespaces. */
  namespaceOf?(args: z.infer<P>): string | undefined;
  run(args: z.infer<P>, ctx: ToolContext): Promise<ToolResult>;
}
