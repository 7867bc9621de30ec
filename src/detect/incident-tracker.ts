import type { Incident, IncidentState } from './incident.js';
import { MINUTE } from './time.js';

export interface TrackerOptions {
  /** Consecutive passes an incident must be absent from before it resolves. */
  readonly resolveAfterPasses?: number;
  /** ...and how long it must have been absent. Both must hold: see `IncidentTracker`. */
  readonly quietPeriodMs?: number;
  /** A resolved incident that comes back within this window is reopened (same id), not opened anew. */
  readonly reopenWindowMs?: number;
}

export type IncidentChange =
  | { readonly type: 'opened'; readonly incident: Incident }
  | { readonly type: 'updated'; readonly incident: Incident; readonly previous: Incident }
  | { readonly type: 'reopened'; readonly incident: Incident }
  | { readonly type: 'resolved'; readonly incident: Incident }
  | { readonly type: 'state'; readonly incident: Incident; readonly previous: IncidentState };

export type StateResult =
  | { readonly ok: true; readonly change: IncidentChange }
  | { readonly ok: false; readonly code: 'UnknownIncident' | 'InvalidTransition'; readonly message: string };

/** Lifecycle moves later stages may make; `resolved` is only ever reached by observing the workload healthy. */
const TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  open: ['diagnosing', 'fixing', 'escalated', 'suppressed'],
  diagnosing: ['open', 'fixing', 'escalated', 'suppressed'],
  fixing: ['open', 'diagnosing', 'escalated', 'suppressed'],
  escalated: ['open', 'diagnosing', 'fixing', 'suppressed'],
  suppressed: ['open'],
  resolved: [],
};

interface Entry {
  incident: Incident;
  digest: string;
  missingPasses: number;
  lastPresentMs: number;
  resolvedAtMs?: number;
}

// What makes an incident "changed" for the people and agents downstream: not a new lastSeen or event count.
function digest(i: Incident): string {
  return JSON.stringify([
    i.severity,
    i.reason,
    i.summary,
    i.affected.map((a) => `${a.kind}/${a.namespace ?? ''}/${a.name}`).sort(),
    i.evidence.details,
  ]);
}

/**
 * Follows incidents across analysis passes and says what changed: opened, updated, reopened, resolved. Pure:
 * time is passed in. Flapping is damped twice over: an incident resolves only after being absent for
 * `resolveAfterPasses` consecutive passes AND `quietPeriodMs` (a watcher that re-analyzes on every pod update
 * runs many passes a second, so a pass count alone would not damp it; a slow periodic pass would make a time
 * alone too eager), and one that returns within `reopenWindowMs` of resolving is the same incident again.
 */
export class IncidentTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly resolveAfterPasses: number;
  private readonly quietPeriodMs: number;
  private readonly reopenWindowMs: number;

  constructor(options: TrackerOptions = {}) {
    this.resolveAfterPasses = options.resolveAfterPasses ?? 3;
    this.quietPeriodMs = options.quietPeriodMs ?? MINUTE;
    this.reopenWindowMs = options.reopenWindowMs ?? 10 * MINUTE;
  }

  /**
   * Feeds one analysis result. `inScope` says which tracked incidents this pass could have seen (an incremental
   * pass over one workload must not resolve every other incident); default: all of them.
   */
  observe(incidents: readonly Incident[], now: Date, inScope: (i: Incident) => boolean = () => true): IncidentChange[] {
    const nowMs = now.getTime();
    const changes: IncidentChange[] = [];
    const present = new Set<string>();
    for (const incoming of incidents) {
      present.add(incoming.fingerprint);
      const change = this.see(incoming, nowMs);
      if (change) changes.push(change);
    }
    for (const [fingerprint, entry] of this.entries) {
      if (entry.resolvedAtMs !== undefined) {
        if (nowMs - entry.resolvedAtMs > this.reopenWindowMs) this.entries.delete(fingerprint);
        continue;
      }
      if (present.has(fingerprint) || !inScope(entry.incident)) continue;
      entry.missingPasses++;
      if (entry.missingPasses >= this.resolveAfterPasses && nowMs - entry.lastPresentMs >= this.quietPeriodMs) {
        entry.incident = { ...entry.incident, state: 'resolved' };
        entry.resolvedAtMs = nowMs;
        changes.push({ type: 'resolved', incident: entry.incident });
      }
    }
    return changes;
  }

  /** Moves an incident along its lifecycle (diagnosing, fixing, escalated, suppressed, back to open). */
  setState(idOrFingerprint: string, state: IncidentState): StateResult {
    const entry = [...this.entries.values()].find(
      (e) => e.incident.id === idOrFingerprint || e.incident.fingerprint === idOrFingerprint,
    );
    if (!entry) return { ok: false, code: 'UnknownIncident', message: `no tracked incident ${idOrFingerprint}` };
    const previous = entry.incident.state;
    if (!TRANSITIONS[previous].includes(state)) {
      return { ok: false, code: 'InvalidTransition', message: `an incident cannot go from ${previous} to ${state}` };
    }
    entry.incident = { ...entry.incident, state };
    return { ok: true, change: { type: 'state', incident: entry.incident, previous } };
  }

  /** Incidents not resolved, in the order they were first opened. */
  active(): Incident[] {
    return [...this.entries.values()].filter((e) => e.resolvedAtMs === undefined).map((e) => e.incident);
  }

  private see(incoming: Incident, nowMs: number): IncidentChange | undefined {
    const entry = this.entries.get(incoming.fingerprint);
    if (!entry || (entry.resolvedAtMs !== undefined && nowMs - entry.resolvedAtMs > this.reopenWindowMs)) {
      const incident: Incident = { ...incoming, id: `${incoming.fingerprint}-${nowMs.toString(36)}`, state: 'open' };
      this.entries.set(incoming.fingerprint, {
        incident,
        digest: digest(incident),
        missingPasses: 0,
        lastPresentMs: nowMs,
      });
      return { type: 'opened', incident };
    }
    const previous = entry.incident;
    const reopened = entry.resolvedAtMs !== undefined;
    const incident: Incident = {
      ...incoming,
      id: previous.id,
      firstSeen: [previous.firstSeen, incoming.firstSeen].sort()[0] ?? incoming.firstSeen,
      state: reopened ? 'open' : previous.state,
    };
    const changed = digest(incident) !== entry.digest;
    entry.incident = incident;
    entry.digest = digest(incident);
    entry.missingPasses = 0;
    entry.lastPresentMs = nowMs;
    delete entry.resolvedAtMs;
    if (reopened) return { type: 'reopened', incident };
    return changed && incident.state !== 'suppressed' ? { type: 'updated', incident, previous } : undefined;
  }
}
