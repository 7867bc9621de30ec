import type { FailureClass, Severity } from './failure-class.js';
import type { ObjectRef } from './kinds.js';

export type Scalar = string | number | boolean;
export type Details = Readonly<Record<string, Scalar>>;

/** One event as evidence: what a person reads in `kubectl describe`. */
export interface EventExcerpt {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** The object the event is about: absent in a Finding (it is the finding's object), set in an Incident. */
  readonly object?: ObjectRef;
}

/** The tail of a container's log with the lines that look like errors. */
export interface LogExcerpt {
  readonly pod: string;
  readonly container: string;
  readonly previous: boolean;
  readonly lines: readonly string[];
  readonly errorLines: readonly string[];
}

/**
 * What an analyzer says about its target. The shared skeleton turns it into a Finding: it attaches the target's
 * reference, its Warning events, timestamps, and passes everything through redaction.
 */
export interface Problem {
  readonly failureClass: FailureClass;
  readonly severity: Severity;
  /** Short machine-style reason for tables: `CrashLoopBackOff`, `BackoffLimitExceeded`, `NoEndpoints`. */
  readonly reason: string;
  /** One line, about the target, without naming it (the reference sits next to it). */
  readonly summary: string;
  readonly container?: string;
  readonly details?: Details;
  /** Status fields that show the problem, as `kubectl get -o yaml` would (only the relevant part). */
  readonly status?: Readonly<Record<string, unknown>>;
  /**
   * Which Warning events of the target are evidence: reasons to keep, `[]` for none; absent means every Warning
   * event of the target (narrowed to `container` when the event names one).
   */
  readonly eventReasons?: readonly string[];
  readonly logs?: LogExcerpt;
  /** When the problem started, if the object says (condition transition, termination time). */
  readonly since?: Date | string;
  /**
   * Workloads whose incident, if they have one, this finding is part of: a Service with no ready endpoints
   * because its Deployment's pods crash, a quota whose exhaustion blocks a Deployment. It then joins that
   * incident as evidence instead of paging twice.
   */
  readonly partOf?: readonly ObjectRef[];
  /**
   * Evidence for another finding on the same workload (a crashed container's last log lines), never an incident
   * on its own: dropped when nothing else is wrong with the workload.
   */
  readonly evidenceOnly?: boolean;
}

/** A Problem attached to the object it was found on, with its evidence, redacted. */
export interface Finding {
  readonly analyzer: string;
  readonly object: ObjectRef;
  readonly failureClass: FailureClass;
  readonly severity: Severity;
  readonly reason: string;
  readonly summary: string;
  readonly container?: string;
  readonly details: Details;
  readonly status?: Readonly<Record<string, unknown>>;
  readonly events: readonly EventExcerpt[];
  readonly logs?: LogExcerpt;
  readonly partOf?: readonly ObjectRef[];
  readonly evidenceOnly?: boolean;
  readonly firstSeen: string;
  readonly lastSeen: string;
}
