// Approve mode's memory: a change waiting for a person, and what the person (or the clock) decided. Stored in the memory
// store so a daemon restart still knows what is waiting; records are append-only, so a request is a `task` record and its
// decision a later `output` record about the same incident, and the newest of each tells the state.
import { z } from 'zod';
import { type Fix, FixSchema } from '../agents/fix.js';
import type { MemoryManager, MemoryRecord } from '../memory/index.js';

export const APPROVALS_SPACE = 'approvals';

export interface ApprovalRequest {
  readonly incidentId: string;
  readonly fix: Fix;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly fingerprint?: string;
  /** "ns/kind/name" */
  readonly workload?: string;
  readonly diff?: string;
  readonly reason?: string;
}

export type ApprovalDecision =
  | { readonly status: 'approved'; readonly incidentId: string; readonly by: string; readonly at: string }
  | {
      readonly status: 'rejected';
      readonly incidentId: string;
      readonly by: string;
      readonly at: string;
      readonly reason: string;
    }
  | { readonly status: 'expired'; readonly incidentId: string; readonly at: string };

export type DecideResult =
  | { readonly ok: true; readonly request: ApprovalRequest; readonly decision: ApprovalDecision }
  | {
      readonly ok: false;
      readonly code: 'NOT_FOUND' | 'ALREADY_DECIDED' | 'EXPIRED';
      readonly message: string;
      readonly decision?: ApprovalDecision;
    };

export interface RequestDetails {
  readonly fingerprint?: string;
  readonly workload?: string;
  readonly diff?: string;
  readonly reason?: string;
}

const requestSchema = z.object({
  incidentId: z.string(),
  fix: FixSchema,
  requestedAt: z.string(),
  expiresAt: z.string(),
  fingerprint: z.string().optional(),
  workload: z.string().optional(),
  diff: z.string().optional(),
  reason: z.string().optional(),
});

const decisionSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('approved'), incidentId: z.string(), by: z.string(), at: z.string() }),
  z.object({
    status: z.literal('rejected'),
    incidentId: z.string(),
    by: z.string(),
    at: z.string(),
    reason: z.string(),
  }),
  z.object({ status: z.literal('expired'), incidentId: z.string(), at: z.string() }),
]);

interface Round {
  readonly request: ApprovalRequest;
  readonly requestTime: number;
  readonly decision?: ApprovalDecision;
}

export class ApprovalStore {
  private readonly clock: () => number;
  private readonly space: string;
  // Check-then-append must not interleave: two approvals of one request would both see it pending.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly memory: MemoryManager,
    options: { clock?: () => number; space?: string } = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.space = options.space ?? APPROVALS_SPACE;
  }

  /**
   * Asks for approval of `fix` for the incident until `expiresAt`. A request still waiting for the same incident is
   * replaced (the newest proposal is the one a person should judge); a decided one starts a new round.
   */
  request(
    incidentId: string,
    fix: Fix,
    expiresAt: Date | string,
    details: RequestDetails = {},
  ): Promise<ApprovalRequest> {
    return this.serial(async () => {
      await this.ensureSpace();
      const request: ApprovalRequest = {
        incidentId,
        fix,
        requestedAt: new Date(this.clock()).toISOString(),
        expiresAt: new Date(expiresAt).toISOString(),
        ...Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)),
      };
      await this.memory.append(this.space, {
        kind: 'task',
        subject: incidentId,
        text: `approval requested for incident ${incidentId}${details.workload ? ` on ${details.workload}` : ''}: ${fix.expected}`,
        tags: ['approval-request'],
        data: request,
        time: this.clock(),
      });
      return request;
    });
  }

  approve(incidentId: string, by: string): Promise<DecideResult> {
    return this.decide(incidentId, (at) => ({ status: 'approved', incidentId, by, at }));
  }

  reject(incidentId: string, by: string, reason: string): Promise<DecideResult> {
    return this.decide(incidentId, (at) => ({ status: 'rejected', incidentId, by, at, reason }));
  }

  /** Requests waiting for a person and not yet past their deadline, oldest first. */
  pending(): ApprovalRequest[] {
    const now = this.clock();
    return this.rounds()
      .filter((r) => !r.decision && Date.parse(r.request.expiresAt) > now)
      .map((r) => r.request);
  }

  /** The decision on the incident's latest request; undefined while it waits (or when there never was one). */
  decided(incidentId: string): ApprovalDecision | undefined {
    return this.latest(incidentId)?.decision;
  }

  /** The incident's latest request, decided or not. */
  get(incidentId: string): { readonly request: ApprovalRequest; readonly decision?: ApprovalDecision } | undefined {
    const round = this.latest(incidentId);
    return round && { request: round.request, ...(round.decision ? { decision: round.decision } : {}) };
  }

  /**
   * Records every waiting request past its deadline as expired and returns them: the caller escalates each (nobody
   * answered, so a person must be told the change was not made).
   */
  expireDue(): Promise<ApprovalRequest[]> {
    return this.serial(async () => {
      const now = this.clock();
      const due = this.rounds().filter((r) => !r.decision && Date.parse(r.request.expiresAt) <= now);
      for (const round of due) {
        await this.appendDecision({
          status: 'expired',
          incidentId: round.request.incidentId,
          at: new Date(now).toISOString(),
        });
      }
      return due.map((r) => r.request);
    });
  }

  private decide(incidentId: string, make: (at: string) => ApprovalDecision): Promise<DecideResult> {
    return this.serial(async () => {
      const round = this.latest(incidentId);
      if (!round)
        return { ok: false, code: 'NOT_FOUND', message: `no approval was requested for incident ${incidentId}` };
      if (round.decision) {
        const already = round.decision.status === 'expired' ? 'EXPIRED' : 'ALREADY_DECIDED';
        return {
          ok: false,
          code: already,
          message: `the request for incident ${incidentId} is already ${round.decision.status}`,
          decision: round.decision,
        };
      }
      const now = this.clock();
      if (Date.parse(round.request.expiresAt) <= now) {
        const expired: ApprovalDecision = { status: 'expired', incidentId, at: new Date(now).toISOString() };
        await this.appendDecision(expired);
        return {
          ok: false,
          code: 'EXPIRED',
          message: `the request for incident ${incidentId} expired at ${round.request.expiresAt}`,
          decision: expired,
        };
      }
      const decision = make(new Date(now).toISOString());
      await this.appendDecision(decision);
      return { ok: true, request: round.request, decision };
    });
  }

  private async appendDecision(decision: ApprovalDecision): Promise<void> {
    const who = decision.status === 'expired' ? 'nobody answered in time' : `by ${decision.by}`;
    await this.memory.append(this.space, {
      kind: 'output',
      subject: decision.incidentId,
      text: `incident ${decision.incidentId}: change ${decision.status} ${who}${decision.status === 'rejected' ? `: ${decision.reason}` : ''}`,
      tags: ['approval-decision', decision.status],
      data: decision,
      time: this.clock(),
    });
  }

  private latest(incidentId: string): Round | undefined {
    if (!this.memory.hasSpace(this.space)) return undefined;
    return this.roundsOf(this.memory.listBySubject(this.space, incidentId)).at(-1);
  }

  private rounds(): Round[] {
    if (!this.memory.hasSpace(this.space)) return [];
    const bySubject = new Map<string, MemoryRecord[]>();
    for (const record of this.memory.list({ space: this.space })) {
      if (record.subject === undefined) continue;
      bySubject.set(record.subject, [...(bySubject.get(record.subject) ?? []), record]);
    }
    return [...bySubject.values()]
      .map((records) => this.roundsOf(records).at(-1))
      .filter((r): r is Round => r !== undefined)
      .sort((a, b) => a.requestTime - b.requestTime);
  }

  /** Pairs each request with the first decision after it; records arrive oldest first. */
  private roundsOf(records: readonly MemoryRecord[]): Round[] {
    const rounds: Round[] = [];
    for (const record of records) {
      if (record.kind === 'task') {
        const request = requestSchema.safeParse(record.data);
        if (request.success) rounds.push({ request: request.data, requestTime: record.time });
      } else if (record.kind === 'output') {
        const decision = decisionSchema.safeParse(record.data);
        const open = rounds.at(-1);
        if (decision.success && open && !open.decision)
          rounds[rounds.length - 1] = { ...open, decision: decision.data };
      }
    }
    return rounds;
  }

  private async ensureSpace(): Promise<void> {
    if (!this.memory.hasSpace(this.space)) {
      await this.memory.registerSpace(this.space, { description: 'approval requests and the decisions on them' });
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
