// No fix loops. Read from the audit log (so it holds across restarts): a workload gets a bounded number of
// changes per hour, waits longer after each rollback, and a fingerprint that keeps coming back after being
// "resolved" goes to a person instead of being patched again.

import type { AuditEntry, PolicyDecision } from './types.js';

const HOUR = 3_600_000;
/** Cluster-time wait after the first rollback of a workload; doubles with each further one within the hour. */
export const BACKOFF_BASE_MS = 60_000;
/** Resolutions of one fingerprint within an hour after which it counts as regressing. */
export const MAX_RESOLUTIONS_PER_HOUR = 3;

export interface GuardInput {
  readonly entries: readonly AuditEntry[];
  readonly workload: string;
  readonly fingerprint: string;
  readonly now: Date;
}

function within(entries: readonly AuditEntry[], now: Date, step: AuditEntry['step']): AuditEntry[] {
  const since = now.getTime() - HOUR;
  return entries.filter((e) => e.step === step && Date.parse(e.time) >= since);
}

export function changesInLastHour(input: GuardInput): number {
  return within(input.entries, input.now, 'applied').filter((e) => e.workload === input.workload).length;
}

/** A refusal when the workload is backing off after rollbacks, else undefined. */
export function backoff(input: GuardInput): PolicyDecision | undefined {
  const rollbacks = within(input.entries, input.now, 'rolled-back').filter((e) => e.workload === input.workload);
  const last = rollbacks.at(-1);
  if (!last) return undefined;
  const wait = BACKOFF_BASE_MS * 2 ** (rollbacks.length - 1);
  const until = Date.parse(last.time) + wait;
  return input.now.getTime() < until
    ? {
        allowed: false,
        code: 'RATE_LIMITED',
        reason: `${rollbacks.length} rollback(s) of ${input.workload} in the last hour: backing off until ${new Date(until).toISOString()}`,
      }
    : undefined;
}

/** A reason to escalate when the fingerprint keeps regressing after fixes, else undefined. */
export function regressing(input: GuardInput): string | undefined {
  const resolved = within(input.entries, input.now, 'resolved').filter((e) => e.fingerprint === input.fingerprint);
  return resolved.length >= MAX_RESOLUTIONS_PER_HOUR
    ? `${input.workload} was repaired ${resolved.length} times in the last hour and the failure keeps coming back: it needs a person`
    : undefined;
}
