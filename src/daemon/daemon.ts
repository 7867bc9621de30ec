// `kubemend run`'s loop: incident changes in, one worker per incident out, several incidents at once but at most
// one change in flight per workload. Every remediation is journaled before the engine may touch the cluster and
// closed after it has verified or rolled back, so a restart finishes what a killed process left half done.

import type { Incident, IncidentState } from '../detect/incident.js';
import type { IncidentChange } from '../detect/incident-tracker.js';
import type { RemediationOutcome } from '../remedy/types.js';
import { consumeDecision, type Decision, pendingDecisions } from './inbox.js';
import { type Journal, type JournalEntry, workloadKey } from './journal.js';
import type { Reporter } from './reporter.js';

export interface RemedyRun {
  readonly outcome: RemediationOutcome;
  readonly reason: string;
}

/** What the daemon needs from the remedy engine (bound to R1's engine in remedy-port.ts; faked in tests). */
export interface DaemonRemedy {
  /** The workload as it is now: what the journal keeps so an unverified change can be undone after a crash. */
  capture(incident: Incident): Promise<unknown>;
  remediate(incident: Incident): Promise<RemedyRun>;
  applyApproved(incident: Incident, by: string): Promise<RemedyRun>;
  reject(incident: Incident, by: string, reason: string): Promise<RemedyRun>;
  /** A change a killed process may have applied: verify it, else restore `entry.before`. */
  recover(entry: JournalEntry): Promise<RemedyRun>;
  /**
   * Approval requests past their deadline among `waiting` (those still awaiting a person), each escalated and
   * never applied.
   */
  expireDue?(waiting: ReadonlySet<string>): Promise<readonly { incidentId: string; run: RemedyRun }[]>;
}

export interface IncidentSource {
  changes(): AsyncIterable<IncidentChange>;
  setState?(id: string, state: IncidentState): unknown;
}

export interface DaemonOptions {
  readonly source: IncidentSource;
  readonly remedy: DaemonRemedy;
  readonly journal: Journal;
  readonly reporter: Reporter;
  readonly stateDir: string;
  /** How often the approval inbox is read (default 1 s). */
  readonly inboxPollMs?: number;
  /** Remediations running at once across workloads (default 4). */
  readonly maxParallel?: number;
}

const STATE_AFTER: Partial<Record<RemediationOutcome, IncidentState>> = {
  escalated: 'escalated',
  'rolled-back': 'escalated',
  refused: 'escalated',
  'awaiting-approval': 'fixing',
};

export class Daemon {
  private readonly running = new Map<string, Promise<void>>();
  /** The next incident per busy workload: run once the current change is settled, unless it resolved meanwhile. */
  private readonly queued = new Map<string, { incident: Incident; work: () => Promise<void>; ifActive: boolean }>();
  private readonly active = new Map<string, Incident>();
  private readonly listeners = new Set<(incident: Incident, run: RemedyRun) => void>();
  private readonly slots: (() => void)[] = [];
  private inUse = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private inboxTimer: NodeJS.Timeout | undefined;
  private inboxBusy = false;

  constructor(private readonly options: DaemonOptions) {}

  /** Finishes what a previous process left in flight, then follows incidents and the approval inbox. */
  async start(): Promise<void> {
    for (const entry of this.options.journal.unfinished()) this.enqueue(entry.incident, () => this.recover(entry));
    this.loop = this.follow();
    this.inboxTimer = setInterval(() => void this.readInbox(), this.options.inboxPollMs ?? 1_000);
    this.inboxTimer.unref();
    await this.readInbox();
  }

  /** Stops taking work and waits for running remediations; past `graceMs` they are left to the journal. */
  async stop(graceMs = 10_000): Promise<'drained' | 'left-in-flight'> {
    this.stopping = true;
    if (this.inboxTimer) clearInterval(this.inboxTimer);
    this.queued.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'left-in-flight'>((resolve) => {
      timer = setTimeout(() => resolve('left-in-flight'), graceMs);
    });
    const drained = this.idle().then(() => 'drained' as const);
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Resolves once no remediation is running or queued. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Hears every finished remediation (the demo and tests wait on it). */
  onOutcome(listener: (incident: Incident, run: RemedyRun) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The watch loop; ends when the source ends (the watcher was stopped). */
  done(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  private async follow(): Promise<void> {
    for await (const change of this.options.source.changes()) {
      if (this.stopping) break;
      const { incident } = change;
      if (change.type === 'opened' || change.type === 'reopened') {
        this.report('incident', incident, { step: change.type, reason: incident.summary });
        this.active.set(incident.id, incident);
        this.enqueue(incident, () => this.remediate(incident), true);
      } else if (change.type === 'resolved') {
        this.active.delete(incident.id);
        this.report('incident', incident, { step: 'resolved', reason: 'the workload is healthy again' });
      } else if (change.type === 'updated') {
        this.active.set(incident.id, incident);
      }
    }
  }

  private enqueue(incident: Incident, work: () => Promise<void>, ifActive = false): void {
    const key = workloadKey(incident);
    if (this.running.has(key)) {
      // A newer incident of a busy workload replaces an older queued one; a person's decision is never dropped.
      const prior = this.queued.get(key);
      if (!prior || prior.ifActive) this.queued.set(key, { incident, work, ifActive });
      return;
    }
    const run = this.withSlot(work)
      .catch((err: unknown) => {
        this.report('error', incident, { level: 'error', reason: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        this.running.delete(key);
        const next = this.queued.get(key);
        this.queued.delete(key);
        if (next && !this.stopping && (!next.ifActive || this.active.has(next.incident.id)))
          this.enqueue(next.incident, next.work, next.ifActive);
      });
    this.running.set(key, run);
  }

  private async withSlot(work: () => Promise<void>): Promise<void> {
    const max = this.options.maxParallel ?? 4;
    if (this.inUse >= max) await new Promise<void>((resolve) => this.slots.push(resolve));
    this.inUse++;
    try {
      await work();
    } finally {
      this.inUse--;
      this.slots.shift()?.();
    }
  }

  private async remediate(incident: Incident): Promise<void> {
    const { journal, remedy } = this.options;
    await journal.write({
      incidentId: incident.id,
      phase: 'in-flight',
      incident,
      before: await remedy.capture(incident),
    });
    this.options.source.setState?.(incident.id, 'fixing');
    const run = await remedy.remediate(incident);
    await this.settle(incident, run);
  }

  private async recover(entry: JournalEntry): Promise<void> {
    this.report('recovery', entry.incident, {
      step: 'recovering',
      reason: `a previous run left a change to ${entry.workload} in flight (journaled ${entry.time}); verifying it`,
    });
    const run = await this.options.remedy.recover(entry);
    await this.settle(entry.incident, run, 'recovery');
  }

  private async settle(incident: Incident, run: RemedyRun, event: 'outcome' | 'recovery' = 'outcome'): Promise<void> {
    const phase = run.outcome === 'awaiting-approval' ? 'awaiting-approval' : 'done';
    await this.options.journal.write({
      incidentId: incident.id,
      phase,
      incident,
      outcome: run.outcome,
      reason: run.reason,
    });
    const state = STATE_AFTER[run.outcome];
    if (state) this.options.source.setState?.(incident.id, state);
    this.report(event, incident, {
      outcome: run.outcome,
      reason: run.reason,
      level: run.outcome === 'resolved' || run.outcome === 'awaiting-approval' ? 'info' : 'warn',
    });
    for (const l of this.listeners) l(incident, run);
  }

  private async readInbox(): Promise<void> {
    if (this.inboxBusy || this.stopping) return;
    this.inboxBusy = true;
    try {
      const waiting = new Map(this.options.journal.awaitingApproval().map((e) => [e.incidentId, e]));
      for (const taken of pendingDecisions(this.options.stateDir)) {
        consumeDecision(taken.file);
        if (!taken.ok) {
          this.report('error', undefined, { level: 'warn', reason: `ignored ${taken.file}: ${taken.error}` });
          continue;
        }
        const entry = waiting.get(taken.decision.incidentId);
        if (!entry) {
          this.report('approval', undefined, {
            level: 'warn',
            step: taken.decision.decision,
            reason: `no change of incident ${taken.decision.incidentId} is waiting for approval`,
          });
          continue;
        }
        waiting.delete(entry.incidentId);
        this.enqueue(entry.incident, () => this.decide(entry, taken.decision));
      }
      // After the inbox: an answer that arrived in time wins over the deadline passing in the same tick.
      for (const expired of (await this.options.remedy.expireDue?.(new Set(waiting.keys()))) ?? []) {
        const entry = waiting.get(expired.incidentId);
        if (entry) await this.settle(entry.incident, expired.run);
      }
    } finally {
      this.inboxBusy = false;
    }
  }

  private async decide(entry: JournalEntry, decision: Decision): Promise<void> {
    const { incident } = entry;
    this.report('approval', incident, {
      step: decision.decision === 'approve' ? 'approved' : 'rejected',
      actor: `person:${decision.by}`,
      reason: decision.reason ?? `${decision.decision} by ${decision.by}`,
    });
    if (decision.decision === 'reject') {
      await this.settle(
        incident,
        await this.options.remedy.reject(incident, decision.by, decision.reason ?? 'rejected'),
      );
      return;
    }
    const before = await this.options.remedy.capture(incident);
    await this.options.journal.write({ incidentId: incident.id, phase: 'in-flight', incident, before });
    await this.settle(incident, await this.options.remedy.applyApproved(incident, decision.by));
  }

  private report(
    event: 'incident' | 'outcome' | 'recovery' | 'approval' | 'error',
    incident: Incident | undefined,
    fields: Partial<Parameters<Reporter['emit']>[0]>,
  ): void {
    this.options.reporter.emit({
      event,
      ...(incident
        ? { incidentId: incident.id, workload: workloadKey(incident), failureClass: incident.failureClass }
        : {}),
      ...fields,
    });
  }
}
