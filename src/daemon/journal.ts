// The daemon's own memory of what it is doing, so a restart never forgets a change: one `job` record per phase
// change of a remediation in the `daemon` space, with the incident id as subject. The record that says a change
// may be in flight (with the workload as it was before) is written BEFORE the engine may apply anything; the
// record that closes it only after the engine has verified or rolled back. A process killed in between leaves
// the in-flight record as the latest one for that incident, and the next start finds it.

import type { Incident } from '../detect/incident.js';
import type { MemoryManager } from '../memory/index.js';

export const DAEMON_SPACE = 'daemon';

export type JournalPhase = 'in-flight' | 'awaiting-approval' | 'done';

export interface JournalEntry {
  readonly incidentId: string;
  readonly phase: JournalPhase;
  readonly incident: Incident;
  /** "ns/kind/name" */
  readonly workload: string;
  /** The workload object as read before the engine ran: what a rollback restores if the change was never verified. */
  readonly before?: unknown;
  readonly outcome?: string;
  readonly reason?: string;
  readonly time: string;
}

export function workloadKey(i: Pick<Incident, 'workload'>): string {
  return `${i.workload.namespace ?? ''}/${i.workload.kind}/${i.workload.name}`;
}

function isEntry(data: unknown): data is JournalEntry {
  const d = data as Partial<JournalEntry> | undefined;
  return typeof d?.incidentId === 'string' && typeof d.phase === 'string' && typeof d.incident === 'object';
}

export class Journal {
  constructor(
    private readonly memory: MemoryManager,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async write(entry: Omit<JournalEntry, 'time' | 'workload'>): Promise<JournalEntry> {
    if (!this.memory.hasSpace(DAEMON_SPACE)) {
      await this.memory.registerSpace(DAEMON_SPACE, { description: 'the daemon journal: remediations in flight' });
    }
    const full: JournalEntry = { ...entry, workload: workloadKey(entry.incident), time: this.clock().toISOString() };
    await this.memory.append(DAEMON_SPACE, {
      kind: 'job',
      subject: entry.incidentId,
      text: `${full.phase} ${full.workload} ${entry.incident.failureClass}${entry.outcome ? ` ${entry.outcome}` : ''}`,
      tags: [full.phase],
      data: full,
    });
    return full;
  }

  /** The latest entry of every incident the journal knows, oldest incident first. */
  latest(): JournalEntry[] {
    if (!this.memory.hasSpace(DAEMON_SPACE)) return [];
    const byIncident = new Map<string, JournalEntry>();
    for (const r of this.memory.list({ space: DAEMON_SPACE, kinds: ['job'] })) {
      if (isEntry(r.data)) byIncident.set(r.data.incidentId, r.data);
    }
    return [...byIncident.values()];
  }

  /** Remediations a previous process left unfinished: a change may have been applied and never verified. */
  unfinished(): JournalEntry[] {
    return this.latest().filter((e) => e.phase === 'in-flight');
  }

  awaitingApproval(): JournalEntry[] {
    return this.latest().filter((e) => e.phase === 'awaiting-approval');
  }
}
