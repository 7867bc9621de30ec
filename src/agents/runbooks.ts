// The runbook knowledge base shipped with kubemend: one short markdown file per failure class under
// `runbooks/` at the package root, read by the Researcher (and by people).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Tool } from '../tools/tool.js';

/** src/agents (or dist/agents) → package root. */
export const RUNBOOKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runbooks');

export function listRunbooks(dir = RUNBOOKS_DIR): readonly string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function readRunbook(failureClass: string, dir = RUNBOOKS_DIR): string | undefined {
  if (!/^[A-Za-z]+$/.test(failureClass)) return undefined;
  const file = join(dir, `${failureClass}.md`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

const Args = z.object({ failureClass: z.string().describe('a failure class, e.g. OOMKilled, ImagePullBackOff') });

export function runbookTool(dir = RUNBOOKS_DIR): Tool<typeof Args> {
  return {
    name: 'runbook',
    description: "kubemend's runbook for a failure class: what it means, what to check, the usual fix and its undo.",
    parameters: Args,
    effect: 'read',
    async run({ failureClass }) {
      const text = readRunbook(failureClass, dir);
      return text
        ? { ok: true, content: text }
        : {
            ok: false,
            isError: true,
            code: 'NOT_FOUND',
            message: `no runbook for "${failureClass}"; runbooks: ${listRunbooks(dir).join(', ')}`,
          };
    },
  };
}
