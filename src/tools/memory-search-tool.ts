// What kubemend remembers (past incidents, fixes that worked, decisions), searchable by the model.

import { z } from 'zod';
import type { MemoryManager } from '../memory/index.js';
import { capped } from './k8s-support.js';
import { redact, table } from './output.js';
import type { Tool } from './tool.js';

const params = z.object({
  query: z.string().min(1).describe('Words to look for, e.g. "OOMKilled payments worker memory limit"'),
  limit: z.number().int().min(1).max(20).default(5),
});

export function memorySearchTool(memory: MemoryManager, maxChars?: number): Tool<typeof params> {
  return {
    name: 'memory_search',
    description: 'Search what kubemend remembers: earlier incidents, fixes and their outcomes, decisions.',
    parameters: params,
    effect: 'read',
    async run(args) {
      const hits = memory.search({ query: args.query, limit: args.limit });
      if (hits.length === 0) return { ok: true, content: `Nothing remembered about "${args.query}".` };
      const rows = hits.map((h) => [
        h.record.kind,
        new Date(h.record.time).toISOString().slice(0, 16),
        h.score.toFixed(2),
        redact(h.record.text.replace(/\s+/g, ' ')).slice(0, 300),
      ]);
      return capped(table(['KIND', 'WHEN', 'SCORE', 'TEXT'], rows), maxChars, {
        narrow: 'lower limit or use more specific words',
      });
    },
  };
}
