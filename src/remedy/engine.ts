// The repair loop for one incident: proposal (experience → runbook → team) → security review → policy → dry-run →
// (approval) → apply → verify → resolved, or rollback + escalation. Every step is audited; people hear about it
// through the notifiers, which are never awaited (a slow webhook must not hold a repair).

import type { Fix } from '../agents/fix.js';
import { reviewFix } from '../agents/security.js';
import type { Incident } from '../detect/index.js';
import type { Connection } from '../kube/connect.js';
import { ServerClock } from '../kube/server-clock.js';
import { ExperienceStore, type MemoryManager } from '../memory/index.js';
import { writeFix } from './apply.js';
import { AuditLog } from './audit.js';
import { changeOf, fromExperience, remember } from './experience.js';
import { backoff, changesInLastHour, regressing } from './loop-guard.js';
import { checkBounds, checkProposal, checkScope } from './policy.js';
import { rollback, type Snapshot, snapshotOf } from './rollback.js';
import { type Proposal, runbookFor } from './runbooks.js';
import type { AuditEntry, Notification, Notifier, PolicyConfig, RemediationOutcome, RemedyMode } from './types.js';
import { verifyFix } from './verify.js';

/** What a model-backed team proposes when no runbook knows the failure. */
export type TeamProposer = (incident: Incident, signal?: AbortSignal) => Promise<Proposal | undefined>;

/** R2's ApprovalStore, as far as the engine needs it. */
export interface ApprovalRequester {
  request(incidentId: string, fix: Fix, expiresAt: string): Promise<unknown>;
}

export interface RemedyDeps {
  readonly conn: Connection;
  readonly memory: MemoryManager;
  readonly policy: PolicyConfig;
  readonly notifiers?: readonly Notifier[];
  readonly team?: TeamProposer;
  readonly approvals?: ApprovalRequester;
  /** The cluster's clock (shared, so one sync serves all incidents). */
  readonly clock?: ServerClock;
  /** Shared so listeners (progress view, JSON log) hear every step. */
  readonly audit?: AuditLog;
}

export interface RemediateOptions {
  readonly signal?: AbortSignal;
  /** Wall-clock ms between verification looks. */
  readonly pollMs?: number;
}

export interface RemediationResult {
  readonly outcome: RemediationOutcome;
  readonly incidentId: string;
  readonly reason: string;
  readonly fix?: Fix;
  readonly actor?: string;
  readonly diff?: string;
}

/** Re-proposals after someone else changed the object between proposal and apply. */
const MAX_CONFLICTS = 1;

interface Run {
  readonly deps: RemedyDeps;
  readonly opts: RemediateOptions;
  readonly incident: Incident;
  readonly audit: AuditLog;
  readonly experience: ExperienceStore;
  readonly clock: ServerClock;
  readonly workload: string;
}

function workloadOf(incident: Incident): string {
  return `${incident.workload.namespace ?? ''}/${incident.workload.kind}/${incident.workload.name}`;
}

function start(incident: Incident, deps: RemedyDeps, opts: RemediateOptions): Run {
  const clock = deps.clock ?? new ServerClock();
  return {
    deps,
    opts,
    incident,
    clock,
    audit: deps.audit ?? new AuditLog(deps.memory, () => clock.now()),
    experience: new ExperienceStore(deps.memory),
    workload: workloadOf(incident),
  };
}

function log(
  run: Run,
  step: AuditEntry['step'],
  actor: string,
  reason: string,
  extra: { diff?: string; data?: unknown } = {},
): Promise<AuditEntry> {
  return run.audit.append({
    incidentId: run.incident.id,
    fingerprint: run.incident.fingerprint,
    workload: run.workload,
    step,
    actor,
    reason,
    ...(extra.diff ? { diff: extra.diff } : {}),
    ...(extra.data === undefined ? {} : { data: extra.data }),
  });
}

function notify(run: Run, n: Omit<Notification, 'incident'>): void {
  for (const notifier of run.deps.notifiers ?? []) {
    // Fire and forget: delivery, retries and failures are the dispatcher's business, not the repair's.
    notifier.send({ ...n, incident: run.incident }).catch(() => undefined);
  }
}

async function escalate(
  run: Run,
  outcome: RemediationOutcome,
  reason: string,
  fix?: Fix,
  diff?: string,
): Promise<RemediationResult> {
  await log(run, 'escalated', 'kubemend', reason, diff ? { diff } : {});
  notify(run, { kind: 'escalation', reason, ...(fix ? { fix } : {}), ...(diff ? { diff } : {}) });
  return { outcome, incidentId: run.incident.id, reason, ...(fix ? { fix } : {}), ...(diff ? { diff } : {}) };
}

async function propose(run: Run): Promise<Proposal | undefined> {
  const known = fromExperience(run.experience, run.incident);
  if (known) {
    await log(run, 'experience', 'experience', 'this incident was resolved before: trying the verified fix first');
    return known;
  }
  const runbook = await runbookFor(run.deps.conn, run.incident);
  if (runbook) return runbook;
  return run.deps.team?.(run.incident, run.opts.signal);
}

/** The Fix pinned to the object as it is now, for a fix from experience (computed against an older version). */
async function pin(run: Run, fix: Fix): Promise<Fix> {
  if (fix.target.resourceVersion || fix.target.generation !== undefined) return fix;
  const dry = await writeFix(run.deps.conn, fix, { dryRun: true });
  if (!dry.ok) return fix;
  const { resourceVersion, generation } = dry.before.metadata;
  return {
    ...fix,
    target: {
      ...fix.target,
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(generation !== undefined ? { generation } : {}),
    },
  };
}

export async function remediate(
  incident: Incident,
  deps: RemedyDeps,
  opts: RemediateOptions = {},
): Promise<RemediationResult> {
  const run = start(incident, deps, opts);
  await run.clock.sync(deps.conn.kc);
  const scope = checkScope(deps.policy, incident.workload);
  if (!scope.allowed) {
    await log(run, 'policy', 'kubemend', `${scope.code}: ${scope.reason}`);
    if (scope.code === 'MODE_OFF') return { outcome: 'refused', incidentId: incident.id, reason: scope.reason };
    return escalate(run, 'refused', scope.reason);
  }
  const guard = {
    entries: run.audit.list(),
    workload: run.workload,
    fingerprint: incident.fingerprint,
    now: run.clock.now(),
  };
  const again = regressing(guard);
  if (again) return escalate(run, 'escalated', again);
  return attempt(run, 0);
}

async function attempt(run: Run, conflicts: number): Promise<RemediationResult> {
  const proposal = await propose(run);
  if (!proposal)
    return escalate(
      run,
      'escalated',
      `no runbook knows ${run.incident.failureClass} (${run.incident.summary})${run.deps.team ? ' and the team proposed nothing' : ' and no model is configured'}`,
    );
  if (proposal.kind === 'escalate') {
    await log(run, 'proposed', proposal.actor, proposal.reason);
    return escalate(run, 'escalated', proposal.reason);
  }
  const fix = await pin(run, proposal.fix);
  await log(run, 'proposed', proposal.actor, fix.expected, { data: { fix } });
  return proceed(run, fix, proposal, conflicts, false);
}

async function proceed(
  run: Run,
  fix: Fix,
  proposal: Extract<Proposal, { kind: 'fix' }>,
  conflicts: number,
  approved: boolean,
): Promise<RemediationResult> {
  const { deps, incident } = run;
  const review = reviewFix(fix);
  if (review.verdict === 'vetoed') {
    const why = review.violations.map((v) => `${v.rule} at ${v.path}: ${v.message}`).join('; ');
    await log(run, 'review', 'security', `vetoed: ${why}`);
    return escalate(run, 'refused', `Security vetoed the fix: ${why}`, fix);
  }
  await log(run, 'review', 'security', `approved${review.notes.length ? `: ${review.notes.join('; ')}` : ''}`);

  if (run.experience.isKnownFailure(incident.fingerprint, changeOf(fix))) {
    const reason = 'KNOWN_FAILURE: this exact change already failed for this incident; not retrying it';
    await log(run, 'policy', 'kubemend', reason);
    return escalate(run, 'refused', reason, fix);
  }
  const guard = {
    entries: run.audit.list(),
    workload: run.workload,
    fingerprint: incident.fingerprint,
    now: run.clock.now(),
  };
  const wait = backoff(guard);
  const decision =
    wait ??
    checkProposal(deps.policy, fix, {
      changesInLastHour: changesInLastHour(guard),
      ...(proposal.maxMode ? { maxMode: proposal.maxMode } : {}),
    });
  if (!decision.allowed) {
    await log(run, 'policy', 'kubemend', `${decision.code}: ${decision.reason}`);
    return escalate(run, 'refused', decision.reason, fix);
  }

  const dry = await writeFix(deps.conn, fix, { dryRun: true, now: () => run.clock.now() });
  if (!dry.ok) {
    await log(run, 'dry-run', 'kubemend', `${dry.code}: ${dry.message}`);
    if (dry.code === 'CONFLICT') return conflict(run, fix, conflicts, dry.message);
    return escalate(run, 'dry-run-failed', `the API server refused the fix in a dry run: ${dry.message}`, fix);
  }
  const snapshot: Snapshot = snapshotOf(dry.before);
  await log(
    run,
    'dry-run',
    'kubemend',
    dry.diff ? 'the API server accepts the change' : 'the change would change nothing',
    {
      diff: dry.diff,
      data: { fix, snapshot },
    },
  );
  if (!dry.diff) return escalate(run, 'escalated', 'the proposed fix changes nothing on the live object', fix);
  const bounds = checkBounds(deps.policy, dry.before, dry.after, proposal.actor === 'experience');
  if (bounds && !bounds.allowed) {
    await log(run, 'policy', 'kubemend', `${bounds.code}: ${bounds.reason}`, { diff: dry.diff });
    return escalate(run, 'refused', bounds.reason, fix, dry.diff);
  }
  await log(run, 'policy', 'kubemend', `allowed (mode ${decision.mode})`);

  if (!approved && decision.mode === 'suggest') {
    notify(run, { kind: 'escalation', reason: `suggested fix: ${fix.expected}`, fix, diff: dry.diff });
    return {
      outcome: 'suggested',
      incidentId: incident.id,
      reason: fix.expected,
      fix,
      actor: proposal.actor,
      diff: dry.diff,
    };
  }
  if (!approved && decision.mode === 'approve') return requestApproval(run, fix, proposal, dry.diff);

  const applied = await writeFix(deps.conn, fix, { dryRun: false, now: () => run.clock.now() });
  if (!applied.ok) {
    if (applied.code === 'CONFLICT') {
      await log(run, 'applied', 'kubemend', `CONFLICT: ${applied.message}`);
      return conflict(run, fix, conflicts, applied.message);
    }
    await log(run, 'applied', 'kubemend', `failed: ${applied.message}`);
    return escalate(run, 'escalated', `applying the fix failed: ${applied.message}`, fix, dry.diff);
  }
  const inFlight: Snapshot = {
    ...snapshotOf(applied.before),
    ...(applied.after.metadata.generation === undefined
      ? {}
      : { appliedGeneration: applied.after.metadata.generation }),
  };
  await log(run, 'applied', proposal.actor, fix.expected, { diff: applied.diff, data: { fix, snapshot: inFlight } });
  return verifyAndSettle(run, fix, proposal.actor, inFlight, applied.diff);
}

async function conflict(run: Run, fix: Fix, conflicts: number, message: string): Promise<RemediationResult> {
  if (conflicts < MAX_CONFLICTS) return attempt(run, conflicts + 1);
  const reason = `${message}; the fix was not applied over the other change and kubemend stopped re-proposing`;
  const result = await escalate(run, 'conflict', reason, fix);
  return result;
}

async function requestApproval(
  run: Run,
  fix: Fix,
  proposal: Extract<Proposal, { kind: 'fix' }>,
  diff: string,
): Promise<RemediationResult> {
  const expiresAt = new Date(run.clock.now().getTime() + run.deps.policy.approvalTimeoutSeconds * 1000).toISOString();
  const approveCommand = `kubemend approve ${run.incident.id}`;
  await run.deps.approvals?.request(run.incident.id, fix, expiresAt);
  await log(run, 'approval-requested', 'kubemend', `waiting for a person until ${expiresAt}: ${approveCommand}`, {
    diff,
    data: { incident: run.incident, fix, actor: proposal.actor, maxMode: proposal.maxMode, expiresAt },
  });
  notify(run, { kind: 'approval-request', reason: fix.expected, fix, diff, approveCommand });
  return {
    outcome: 'awaiting-approval',
    incidentId: run.incident.id,
    reason: approveCommand,
    fix,
    actor: proposal.actor,
    diff,
  };
}

async function verifyAndSettle(
  run: Run,
  fix: Fix,
  actor: string,
  snap: Snapshot,
  diff: string,
): Promise<RemediationResult> {
  const { deps, incident } = run;
  const verdict = await verifyFix(deps.conn, incident, {
    windowSeconds: deps.policy.verifyWindowSeconds,
    timeoutSeconds: deps.policy.verifyTimeoutSeconds,
    clock: run.clock,
    ...(run.opts.pollMs ? { pollMs: run.opts.pollMs } : {}),
    ...(run.opts.signal ? { signal: run.opts.signal } : {}),
  });
  await log(
    run,
    'verify',
    'kubemend',
    verdict.ok ? `healthy: ${verdict.reason}` : `${verdict.code}: ${verdict.reason}`,
  );
  if (verdict.ok) {
    await remember(run.experience, incident, fix, 'succeeded', actor, incident.id);
    await log(run, 'resolved', 'kubemend', fix.expected, { diff });
    notify(run, { kind: 'resolved', reason: verdict.reason, fix, diff });
    return { outcome: 'resolved', incidentId: incident.id, reason: verdict.reason, fix, actor, diff };
  }
  if (!verdict.ok && verdict.code !== 'ABORTED' && /OOMKilled/.test(verdict.reason)) {
    const next = await stepUp(run, snap);
    if (next) return next;
  }
  const undone = await rollback(deps.conn, snap);
  await remember(run.experience, incident, fix, undone.ok ? 'rolled-back' : 'failed', actor, incident.id);
  if (!undone.ok)
    return escalate(
      run,
      'escalated',
      `the fix did not work (${verdict.reason}) and the rollback failed: ${undone.message}`,
      fix,
      diff,
    );
  await log(run, 'rolled-back', 'kubemend', `the fix did not work (${verdict.reason}): restored the previous spec`, {
    diff: undone.diff,
  });
  notify(run, { kind: 'rolled-back', reason: verdict.reason, fix, diff: undone.diff });
  const result = await escalate(run, 'rolled-back', `fix rolled back: ${verdict.reason}`, fix, diff);
  return result;
}

/**
 * A memory raise that was not enough (OOMKilled again) is raised once more, ×factor of the new value, while the
 * change budget and the ceiling allow; the rollback target stays the spec from before the first raise. A leak
 * that no bounded limit contains runs out of budget or ceiling and is rolled back and escalated.
 */
async function stepUp(run: Run, original: Snapshot): Promise<RemediationResult | undefined> {
  const { deps, incident } = run;
  const guard = {
    entries: run.audit.list(),
    workload: run.workload,
    fingerprint: incident.fingerprint,
    now: run.clock.now(),
  };
  if (changesInLastHour(guard) >= deps.policy.maxChangesPerWorkloadPerHour) return undefined;
  const proposal = await runbookFor(deps.conn, { ...incident, failureClass: 'OOMKilled' });
  if (proposal?.kind !== 'fix' || reviewFix(proposal.fix).verdict !== 'approved') return undefined;
  const fix = proposal.fix;
  const dry = await writeFix(deps.conn, fix, { dryRun: true });
  if (!dry.ok || !dry.diff || checkBounds(deps.policy, dry.before, dry.after)) return undefined;
  await log(run, 'proposed', proposal.actor, `still OOMKilled: ${fix.expected}`, { data: { fix } });
  await log(run, 'dry-run', 'kubemend', 'the API server accepts the change', { diff: dry.diff, data: { fix } });
  const applied = await writeFix(deps.conn, fix, { dryRun: false });
  if (!applied.ok) return undefined;
  const snap: Snapshot = {
    ...original,
    ...(applied.after.metadata.generation === undefined
      ? {}
      : { appliedGeneration: applied.after.metadata.generation }),
  };
  await log(run, 'applied', proposal.actor, fix.expected, { diff: applied.diff, data: { fix, snapshot: snap } });
  return verifyAndSettle(run, fix, proposal.actor, snap, applied.diff);
}

interface PendingApproval {
  readonly incident: Incident;
  readonly fix: Fix;
  readonly actor: string;
  readonly maxMode?: RemedyMode;
}

/**
 * Continues a remediation a person approved: the approved Fix goes through review, policy and dry-run again (the
 * cluster may have moved on), then apply and verify. A conflict re-proposes, which asks for approval again.
 */
export async function applyApproved(
  incidentId: string,
  by: string,
  deps: RemedyDeps,
  opts: RemediateOptions = {},
): Promise<RemediationResult> {
  const audit = deps.audit ?? new AuditLog(deps.memory, () => (deps.clock ?? new ServerClock()).now());
  const request = audit.list({ incident: incidentId }).findLast((e) => e.step === 'approval-requested');
  if (!request)
    return { outcome: 'refused', incidentId, reason: `no approval was requested for incident ${incidentId}` };
  const pending = request.data as PendingApproval;
  const run = start(pending.incident, { ...deps, audit }, opts);
  await run.clock.sync(deps.conn.kc);
  await log(run, 'approved', `person:${by}`, `approved: ${pending.fix.expected}`);
  const proposal: Extract<Proposal, { kind: 'fix' }> = {
    kind: 'fix',
    fix: pending.fix,
    actor: pending.actor,
    ...(pending.maxMode ? { maxMode: pending.maxMode } : {}),
  };
  return proceed(run, pending.fix, proposal, 0, true);
}

/** Records a person's refusal: nothing is applied, the incident goes back to people. */
export async function rejectPending(
  incidentId: string,
  by: string,
  why: string,
  deps: RemedyDeps,
): Promise<RemediationResult> {
  const audit = deps.audit ?? new AuditLog(deps.memory);
  const request = audit.list({ incident: incidentId }).findLast((e) => e.step === 'approval-requested');
  if (!request)
    return { outcome: 'refused', incidentId, reason: `no approval was requested for incident ${incidentId}` };
  const pending = request.data as PendingApproval;
  const run = start(pending.incident, { ...deps, audit }, {});
  await log(run, 'rejected', `person:${by}`, why);
  return { outcome: 'refused', incidentId, reason: `rejected by ${by}: ${why}`, fix: pending.fix };
}

/**
 * Nobody answered an approval request in time: the change is never applied, and people hear that the incident is
 * theirs again (audit 'escalated', an escalation notification).
 */
export async function expireApproval(incidentId: string, deps: RemedyDeps): Promise<RemediationResult> {
  const audit = deps.audit ?? new AuditLog(deps.memory);
  const request = audit.list({ incident: incidentId }).findLast((e) => e.step === 'approval-requested');
  if (!request)
    return { outcome: 'refused', incidentId, reason: `no approval was requested for incident ${incidentId}` };
  const pending = request.data as PendingApproval & { expiresAt?: string };
  const run = start(pending.incident, { ...deps, audit }, {});
  const reason = `nobody approved the change by ${pending.expiresAt ?? 'the deadline'}: it was not applied`;
  return escalate(run, 'escalated', reason, pending.fix, request.diff);
}
