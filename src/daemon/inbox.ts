// How `kubemend approve|reject` reaches a running daemon. The daemon holds the memory store's write lock, so a
// second process cannot write there; instead it drops one small JSON file per decision into
// `<state dir>/inbox/`, written to a temporary name and renamed (atomic on one filesystem), and the daemon
// polls the folder, applies each decision through the approval store and deletes the file. A decision dropped
// while no daemon runs waits there for the next start.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const decisionSchema = z.object({
  incidentId: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  by: z.string().min(1),
  reason: z.string().optional(),
  time: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export type TakenDecision =
  | { readonly ok: true; readonly file: string; readonly decision: Decision }
  | { readonly ok: false; readonly file: string; readonly error: string };

export function inboxDir(stateDir: string): string {
  return join(stateDir, 'inbox');
}

/** Leaves a decision for the daemon; returns the file it wrote. */
export function dropDecision(stateDir: string, decision: Decision): string {
  const dir = inboxDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const base = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${decision.decision}`;
  const tmp = join(dir, `.${base}.tmp`);
  const file = join(dir, `${base}.json`);
  writeFileSync(tmp, `${JSON.stringify(decision)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Decisions waiting in the inbox, oldest first (temporary files of a writer still at work are skipped). */
export function pendingDecisions(stateDir: string): TakenDecision[] {
  const dir = inboxDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return [];
  }
  return names.sort().map((name): TakenDecision => {
    const file = join(dir, name);
    try {
      const parsed = decisionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success
        ? { ok: true, file, decision: parsed.data }
        : { ok: false, file, error: parsed.error.issues[0]?.message ?? 'invalid decision' };
    } catch (err) {
      return { ok: false, file, error: (err as Error).message };
    }
  });
}

/** Removes a handled decision so it is applied once. */
export function consumeDecision(file: string): void {
  rmSync(file, { force: true });
}
