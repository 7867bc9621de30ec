// The team (seed 001): a Supervisor that routes, and specialists that act — Researcher, Fixer, Security (code,
// with a final veto) and HumanHelp. Each role has its own prompt, tools and model. The Supervisor's decision is
// structured JSON checked with zod: an invalid one gets one retry, then the run stops with what it has.

import { parse as parseYaml } from 'yaml';
import type { ChatMessage, ChatModel, TokenUsage, ToolCall } from '../llm/chat-model.js';
import type { ToolEffect, ToolResult } from '../tools/tool.js';
import { describeFix, type Fix, parseFix } from './fix.js';
import { type ReactResult, runReact } from './react-loop.js';
import { FIXER } from './roles/fixer.js';
import { HUMANHELP } from './roles/humanhelp.js';
import { RESEARCHER } from './roles/researcher.js';
import type { RoleName, RoleSpec } from './roles/role.js';
import { type Decision, DecisionSchema, SUPERVISOR } from './roles/supervisor-role.js';
import { formatReview, type Review, reviewFix } from './security.js';
import type { ToolHost } from './tool-host.js';
import { addUsage, NO_USAGE, type TraceStep } from './trace.js';

export type TeamMode = 'question' | 'repair';

export interface TeamOptions {
  /** The model for each role (the pool's choice); the same model for all is fine. */
  readonly modelFor: (role: RoleName) => ChatModel;
  /** The context budget of each role's model (the loop's default when absent). */
  readonly contextTokens?: (role: RoleName) => number;
  /** Exact secret values to mask in tool results. */
  readonly knownSecrets?: readonly string[];
  readonly host: ToolHost;
  readonly task: string;
  /** 'question' answers and stops; 'repair' goes on to a Fix, its review, or an escalation. */
  readonly mode: TeamMode;
  /** Earlier turns of a chat, so follow-up questions have context. */
  readonly history?: readonly ChatMessage[];
  readonly maxRounds?: number;
  readonly signal?: AbortSignal;
  readonly onText?: (delta: string) => void;
  readonly onToolCall?: (call: ToolCall, effect: ToolEffect) => void;
  readonly onToolResult?: (call: ToolCall, result: ToolResult) => void;
}

export interface TeamResult {
  readonly answer: string;
  readonly research?: string;
  readonly fix?: Fix;
  readonly review?: Review;
  readonly escalation?: string;
  readonly decisions: readonly Decision[];
  readonly trace: readonly TraceStep[];
  readonly usage: TokenUsage;
  /** Set when the run ended early: the Supervisor could not decide, a model failed, or it was cancelled. */
  readonly stopped?: string;
}

interface State {
  research?: string;
  evidence?: string;
  fix?: Fix;
  fixState: 'not-yet' | 'proposed' | 'none';
  fixText?: string;
  review?: Review;
  escalation?: string;
}

function evidenceOf(result: ReactResult): string | undefined {
  const found = result.messages.filter(
    (m) => m.role === 'tool' && m.name === 'diagnose' && !m.content.startsWith('error'),
  );
  return found.at(-1)?.content;
}

function problemOf(evidence: string | undefined): 'none' | 'found' | 'unknown' {
  if (!evidence) return 'unknown';
  try {
    const v = parseYaml(evidence) as { incidents?: unknown[] } | null;
    return Array.isArray(v?.incidents) ? (v.incidents.length ? 'found' : 'none') : 'unknown';
  } catch {
    return 'unknown';
  }
}

function stateMessage(task: string, mode: TeamMode, s: State): string {
  return [
    `Task: ${task}`,
    'State:',
    `- mode: ${mode}`,
    `- research: ${s.research ? 'done' : 'not-yet'}`,
    `- problem: ${problemOf(s.evidence)}`,
    `- fix: ${s.fixState}`,
    `- security: ${s.review ? s.review.verdict : 'not-yet'}`,
    `- escalation: ${s.escalation ? 'written' : 'not-yet'}`,
    ...(s.research ? ['', 'Research:', s.research] : []),
    ...(s.fix ? ['', `Proposed Fix: ${describeFix(s.fix)}`] : []),
  ].join('\n');
}

function parseDecision(text: string): { ok: true; decision: Decision } | { ok: false; message: string } {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (!json) return { ok: false, message: 'no JSON object in the reply' };
  try {
    const parsed = DecisionSchema.safeParse(JSON.parse(json));
    return parsed.success
      ? { ok: true, decision: parsed.data }
      : { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export async function runTeam(opts: TeamOptions): Promise<TeamResult> {
  const trace: TraceStep[] = [];
  const decisions: Decision[] = [];
  const seenCalls = new Set<string>();
  let usage = NO_USAGE;
  const s: State = { fixState: 'not-yet' };

  const act = async (role: RoleSpec, user: string, stream: boolean, history: readonly ChatMessage[] = []) => {
    const r = await runReact({
      model: opts.modelFor(role.name),
      role: role.name,
      messages: [{ role: 'system', content: role.prompt }, ...history, { role: 'user', content: user }],
      host: opts.host,
      tools: role.tools,
      maxSteps: role.maxSteps,
      seenCalls,
      ...(opts.contextTokens ? { contextTokens: opts.contextTokens(role.name) } : {}),
      ...(opts.knownSecrets ? { knownSecrets: opts.knownSecrets } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(stream && opts.onText ? { onText: opts.onText } : {}),
      ...(opts.onToolCall ? { onToolCall: opts.onToolCall } : {}),
      ...(opts.onToolResult ? { onToolResult: opts.onToolResult } : {}),
    });
    trace.push(...r.trace);
    usage = addUsage(usage, r.usage);
    return r;
  };

  const decide = async (): Promise<{ ok: true; decision: Decision } | { ok: false; message: string }> => {
    const state = stateMessage(opts.task, opts.mode, s);
    let r = await act(SUPERVISOR, state, false);
    let d = parseDecision(r.text);
    if (d.ok || r.stop !== 'answer') return d.ok ? d : { ok: false, message: r.error?.message ?? d.message };
    r = await act(
      SUPERVISOR,
      `${state}\n\nYour last reply was invalid (${d.message}). Reply with JSON only: {"next": "...", "reason": "..."}`,
      false,
    );
    d = parseDecision(r.text);
    return d;
  };

  const finish = (stopped?: string): TeamResult => {
    const answer = [
      s.research ?? '',
      ...(s.fix ? [`Proposed Fix: ${describeFix(s.fix)}\nExpected: ${s.fix.expected} (risk ${s.fix.risk})`] : []),
      ...(s.review ? [formatReview(s.review)] : []),
      ...(s.escalation ? [`Escalation:\n${s.escalation}`] : []),
      ...(stopped ? [`(stopped: ${stopped})`] : []),
    ]
      .filter(Boolean)
      .join('\n\n');
    return {
      answer,
      ...(s.research ? { research: s.research } : {}),
      ...(s.fix ? { fix: s.fix } : {}),
      ...(s.review ? { review: s.review } : {}),
      ...(s.escalation ? { escalation: s.escalation } : {}),
      decisions,
      trace,
      usage,
      ...(stopped ? { stopped } : {}),
    };
  };

  const maxRounds = opts.maxRounds ?? 8;
  for (let round = 0; round < maxRounds; round++) {
    if (opts.signal?.aborted) return finish('cancelled');
    const d = await decide();
    if (!d.ok) return finish(`the supervisor gave no valid decision: ${d.message}`);
    decisions.push(d.decision);
    switch (d.decision.next) {
      case 'done':
        return finish();
      case 'researcher': {
        const r = await act(RESEARCHER, opts.task, true, opts.history);
        if (r.stop !== 'answer') return finish(r.error?.message ?? r.stop);
        s.research = r.text.trim() || 'the researcher found nothing to report';
        s.evidence = evidenceOf(r) ?? s.evidence;
        break;
      }
      case 'fixer': {
        const user = [
          `Task: ${opts.task}`,
          'Research:',
          s.research ?? '(none)',
          ...(s.evidence ? ['Evidence:', `\`\`\`yaml\n${s.evidence}\`\`\``] : []),
        ].join('\n');
        const r = await act(FIXER, user, false);
        s.fixText = r.text;
        const parsed = parseFix(r.text);
        if (parsed.ok) {
          s.fix = parsed.fix;
          s.fixState = 'proposed';
          s.review = undefined;
        } else s.fixState = 'none';
        break;
      }
      case 'security': {
        if (!s.fix) {
          s.fixState = 'none';
          break;
        }
        const started = Date.now();
        s.review = reviewFix(s.fix);
        trace.push({
          role: 'security',
          model: 'rules',
          step: 0,
          text: formatReview(s.review),
          usage: NO_USAGE,
          toolCalls: [],
          durationMs: Date.now() - started,
          forcedAnswer: false,
        });
        break;
      }
      case 'humanhelp': {
        const user = [
          `Task: ${opts.task}`,
          'Research:',
          s.research ?? '(none)',
          'Fixer:',
          s.fixText ?? 'no Fix was proposed',
          ...(s.review ? ['Security:', formatReview(s.review)] : []),
        ].join('\n');
        const r = await act(HUMANHELP, user, true);
        s.escalation = r.text.trim();
        break;
      }
    }
  }
  return finish(`no decision to stop after ${maxRounds} rounds`);
}
