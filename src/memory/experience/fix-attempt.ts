import { z } from 'zod';

export const FIX_OUTCOMES = ['succeeded', 'failed', 'rolled-back'] as const;
/** 'rolled-back': applied, failed verification and was undone; for reuse it counts as a failure. */
export type FixOutcome = (typeof FIX_OUTCOMES)[number];

/** One fix tried for one incident, and how it went. */
export interface FixAttempt {
  /** The incident's fingerprint (stable across recurrences of the same problem on the same workload). */
  readonly fingerprint: string;
  /** The analyzer's class of failure, e.g. "oom-killed"; similar incidents must share it. */
  readonly failureClass: string;
  readonly fixId: string;
  /** One line a person reads: what the fix did. */
  readonly action: string;
  /** A JSON description of the change (a patch, a runbook step with its arguments). */
  readonly change: unknown;
  readonly outcome: FixOutcome;
  /** The incident's evidence (events, logs, status) that the fix answered; similarity is measured on it. */
  readonly evidence: string;
  /** Epoch ms. */
  readonly time: number;
  /** Who applied it: an agent's name or a person. */
  readonly actor: string;
}

export type FixAttemptInput = Omit<FixAttempt, 'time'> & { readonly time?: number };

/** What the memory record's `data` holds; the evidence is the record's text and the time its time. */
export const fixAttemptDataSchema = z.object({
  fingerprint: z.string(),
  failureClass: z.string(),
  fixId: z.string(),
  action: z.string(),
  change: z.unknown(),
  outcome: z.enum(FIX_OUTCOMES),
  actor: z.string(),
});
