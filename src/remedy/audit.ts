// The append-only record of every remediation step: what was proposed, decided, dry-run, applied, verified or
// rolled back, by whom and why. Kept in the memory store's `audit` space so it survives restarts and can be read
// by `kubemend audit` while the daemon runs (the store opened read-only).

import type { MemoryManager, MemoryRecord } from '../memory/index.js';
import type { AuditEntry } from './types.js';

export const AUDIT_SPACE = 'audit';

export type AuditInput = Omit<AuditEntry, 'id' | 'time'> & { readonly time?: string };

function toEntry(record: MemoryRecord): AuditEntry | undefined {
  const data = record.data as Partial<AuditEntry> | undefined;
  if (!data || typeof data.step !== 'string' || typeof data.incidentId !== 'string') return undefined;
  return { ...(data as AuditEntry), id: record.id };
}

export class AuditLog {
  constructor(
    private readonly memory: MemoryManager,
    /** The clock entries are stamped with: the cluster's, so audit times line up with events. */
    private readonly now: () => Date = () => new Date(),
    private readonly listeners: ((entry: AuditEntry) => void)[] = [],
  ) {}

  /** Hears every entry as it is written (progress views, structured logs). A listener that throws is ignored. */
  onEntry(listener: (entry: AuditEntry) => void): void {
    this.listeners.push(listener);
  }

  async append(input: AuditInput): Promise<AuditEntry> {
    if (!this.memory.hasSpace(AUDIT_SPACE))
      await this.memory.registerSpace(AUDIT_SPACE, { description: 'every remediation step, append-only' });
    const time = input.time ?? this.now().toISOString();
    const record = await this.memory.append(AUDIT_SPACE, {
      kind: 'audit',
      text: `${input.step} ${input.workload}: ${input.reason}`,
      tags: [input.step, input.actor],
      subject: input.incidentId,
      data: { ...input, time },
    });
    const entry: AuditEntry = { ...input, time, id: record.id };
    for (const l of this.listeners) {
      try {
        l(entry);
      } catch {
        // A broken progress view must not stop a repair.
      }
    }
    return entry;
  }

  /** Entries oldest first; one incident's when `incident` is given. */
  list(query: { readonly incident?: string; readonly workload?: string } = {}): AuditEntry[] {
    if (!this.memory.hasSpace(AUDIT_SPACE)) return [];
    const records = query.incident
      ? this.memory.listBySubject(AUDIT_SPACE, query.incident, ['audit'])
      : this.memory.list({ space: AUDIT_SPACE, kinds: ['audit'] });
    return records
      .map(toEntry)
      .filter((e): e is AuditEntry => e !== undefined && (!query.workload || e.workload === query.workload))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
