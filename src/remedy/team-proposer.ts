// The agent team as the repair loop's last proposer: when neither experience nor a runbook knows an incident and a
// language model is configured, the Supervisor, Researcher and Fixer work out a Fix. The team only proposes — it
// gets no write access (its host has no approver; the Fixer validates with a server-side dry-run) — and its Fix goes
// through the engine's own Security review, policy, dry-run and verification like any runbook's.

import { type RoleModels, resolveModels, type TeamModels } from '../agents/models.js';
import type { RoleName } from '../agents/roles/role.js';
import { type SessionError, teamHost } from '../agents/session.js';
import { runTeam, type TeamResult } from '../agents/supervisor.js';
import type { ToolHost } from '../agents/tool-host.js';
import type { Incident } from '../detect/index.js';
import type { Connection } from '../kube/connect.js';
import type { AuditLog } from './audit.js';
import type { TeamProposer } from './engine.js';
import type { Proposal } from './runbooks.js';

export interface TeamProposerOptions {
  readonly models: RoleModels;
  /** The fixer's configured model: the proposal's actor is `model:<name>`. */
  readonly modelName: string;
  readonly host: ToolHost;
  /** Where the team's diagnosis and token usage are recorded (a 'proposed' entry); the ledger has them per call. */
  readonly audit?: AuditLog;
  readonly maxRounds?: number;
}

/** The task the team is given: the incident as detection saw it, so the Researcher starts from the evidence. */
export function taskOf(incident: Incident): string {
  const w = incident.workload;
  const ns = w.namespace ?? '';
  const details = Object.entries(incident.evidence.details).map(([k, v]) => `${k}=${String(v)}`);
  const events = incident.evidence.events.slice(0, 5).map((e) => `${e.reason}: ${e.message}`);
  const logs = incident.evidence.logs;
  return [
    `Repair ${w.kind.toLowerCase()} ${w.name} in namespace ${ns}: ${incident.failureClass} — ${incident.summary}.`,
    ...(details.length ? [`Details: ${details.join(', ')}`] : []),
    ...(events.length ? [`Events: ${events.join(' | ')}`] : []),
    ...(logs?.errorLines.length ? [`Log errors (${logs.container}): ${logs.errorLines.slice(-5).join(' | ')}`] : []),
    'No runbook covers this failure. Propose one Fix for this object, or escalate if no safe change fixes it.',
  ].join('\n');
}

function tokensOf(result: TeamResult): number {
  return result.usage.promptTokens + result.usage.completionTokens;
}

function outcomeOf(result: TeamResult, actor: string): Proposal | undefined {
  // A Fix the team's own review vetoed is still returned: the engine's review is the one that counts and is audited.
  if (result.fix) return { kind: 'fix', fix: result.fix, actor };
  if (result.escalation) return { kind: 'escalate', actor, reason: result.escalation };
  if (result.stopped) return { kind: 'escalate', actor, reason: `the agent team stopped: ${result.stopped}` };
  return undefined;
}

export function createTeamProposer(options: TeamProposerOptions): TeamProposer {
  const actor = `model:${options.modelName}`;
  return async (incident, signal) => {
    // One chain per role for this incident, so the ledger tags every call with it and a role keeps its model.
    const chains = new Map<RoleName, ReturnType<RoleModels['modelFor']>>();
    const modelFor = (role: RoleName) => {
      const m = chains.get(role) ?? options.models.modelFor(role, incident.id);
      chains.set(role, m);
      return m;
    };
    const result = await runTeam({
      modelFor,
      contextTokens: (role) => options.models.contextTokens(role),
      host: options.host,
      task: taskOf(incident),
      mode: 'repair',
      ...(options.maxRounds ? { maxRounds: options.maxRounds } : {}),
      ...(signal ? { signal } : {}),
    });
    const proposal = outcomeOf(result, actor);
    const summary = result.research
      ?.split('\n')
      .find((l) => l.trim())
      ?.trim();
    await options.audit?.append({
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      workload: `${incident.workload.namespace ?? ''}/${incident.workload.kind}/${incident.workload.name}`,
      step: 'proposed',
      actor,
      reason: `agent team (${result.decisions.map((d) => d.next).join(' → ') || 'no decision'}): ${
        proposal?.kind === 'fix' ? 'proposed a Fix' : 'proposed no Fix'
      }${summary ? `; diagnosis: ${summary}` : ''}`,
      data: {
        tokens: tokensOf(result),
        usage: result.usage,
        decisions: result.decisions,
        ...(result.review ? { review: result.review.verdict } : {}),
        ...(result.escalation ? { escalation: result.escalation } : {}),
        ...(result.stopped ? { stopped: result.stopped } : {}),
      },
    });
    return proposal;
  };
}

export interface TeamFromConfigOptions {
  readonly conn: Connection;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** --model: this configured model serves every role; else kubemend.yaml / KUBEMEND_MODEL decide. */
  readonly model?: string;
  /** For the team's kubectl tool (default $KUBECONFIG). */
  readonly kubeconfig?: string;
  readonly audit?: AuditLog;
}

export type TeamFromConfig =
  | {
      readonly ok: true;
      /** Undefined when the fixer is the builtin rules model: the runbooks already are its fixes, no team call. */
      readonly team?: TeamProposer;
      readonly models: TeamModels;
      /** How the fixer's model is shown: "openai (gpt-x)". */
      readonly description: string;
    }
  | { readonly ok: false; readonly error: SessionError };

/** The team for the repair loop from the model configuration, as `ask` resolves it. */
export function teamFromConfig(options: TeamFromConfigOptions): TeamFromConfig {
  const resolved = resolveModels({
    env: options.env,
    cwd: options.cwd,
    ...(options.model ? { model: options.model } : {}),
  });
  if (!resolved.ok) return resolved;
  const models = resolved.models;
  const description = models.describe('fixer');
  if (models.isRules('fixer')) return { ok: true, models, description };
  const host = teamHost(
    options.conn,
    { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}) },
    options.env,
  );
  const team = createTeamProposer({
    models,
    modelName: models.nameFor('fixer'),
    host,
    ...(options.audit ? { audit: options.audit } : {}),
  });
  return { ok: true, team, models, description };
}
