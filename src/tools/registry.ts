// The tools an agent may be given, by name, and their schemas in the shape chat models expect.

import { z } from 'zod';
import type { ToolSchema } from '../llm/chat-model.js';
import type { Tool, ToolEffect } from './tool.js';

export interface ToolFilter {
  readonly names?: readonly string[];
  readonly effects?: readonly ToolEffect[];
}

export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  constructor(tools: readonly Tool[] = []) {
    for (const t of tools) this.register(t);
  }

  register(tool: Tool): this {
    if (this.#tools.has(tool.name)) throw new Error(`tool "${tool.name}" is already registered`);
    this.#tools.set(tool.name, tool);
    return this;
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  /** Registration order; `names` also fixes which tools a role sees, `effects` e.g. read-only for researchers. */
  list(filter: ToolFilter = {}): Tool[] {
    return [...this.#tools.values()].filter(
      (t) => (!filter.names || filter.names.includes(t.name)) && (!filter.effects || filter.effects.includes(t.effect)),
    );
  }

  schemas(filter: ToolFilter = {}): ToolSchema[] {
    return this.list(filter).map(toolSchema);
  }
}

export function toolSchema(tool: Tool): ToolSchema {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return { name: tool.name, description: tool.description, parameters };
}
