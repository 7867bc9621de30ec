// The runtime's view of tools: schemas for the model, the effect of a call (reads run in parallel) and a call.
// The policy itself lives in the tools layer's ToolExecutor; this adapter only adds what the loop needs to
// know before running a call — its effect.

import type { ToolSchema } from '../llm/chat-model.js';
import { type Approver, type AuditEntry, ToolExecutor } from '../tools/executor.js';
import { ToolRegistry } from '../tools/registry.js';
import type { Tool, ToolContext, ToolEffect, ToolResult } from '../tools/tool.js';

export interface ToolHost {
  schemas(names?: readonly string[]): readonly ToolSchema[];
  /** The effect of this call; `unknown` for a tool it does not know or arguments it cannot read. */
  effectOf(name: string, rawArgs: string): ToolEffect;
  call(name: string, rawArgs: string, ctx?: ToolContext): Promise<ToolResult>;
}

export interface ToolHostOptions {
  /** Without one, every write is refused (what `kubemend ask` wants). */
  readonly approver?: Approver;
  readonly deniedNamespaces?: readonly string[];
  readonly audit?: (entry: AuditEntry) => void;
}

export function createToolHost(tools: readonly Tool[], options: ToolHostOptions = {}): ToolHost {
  const registry = new ToolRegistry(tools);
  // The loop refuses repeated calls itself, across all roles of a run; the executor need not track them too.
  const executor = new ToolExecutor(registry, {
    refuseDuplicates: false,
    ...(options.approver ? { approver: options.approver } : {}),
    ...(options.deniedNamespaces ? { deniedNamespaces: options.deniedNamespaces } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
  });
  return {
    schemas: (names) => registry.schemas(names ? { names } : {}),
    effectOf(name, rawArgs) {
      const tool = registry.get(name);
      if (!tool) return 'unknown';
      try {
        const parsed = tool.parameters.safeParse(rawArgs.trim() === '' ? {} : JSON.parse(rawArgs));
        return parsed.success ? (tool.effectOf?.(parsed.data) ?? tool.effect) : 'unknown';
      } catch {
        return 'unknown';
      }
    },
    call: (name, rawArgs, ctx) => executor.call(name, rawArgs, ctx),
  };
}
