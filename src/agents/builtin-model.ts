// The builtin model: deterministic rules behind the ChatModel interface, so every agent path runs offline at
// zero tokens. It is named for what it is (kind 'rules') and never claims to be a language model. It plays the
// same roles as an LLM would, reading only the messages it is given and acting through tool calls.

import { parse as parseYaml } from 'yaml';
import {
  CHAT_MODEL_SPEC,
  type ChatChunk,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ToolCall,
} from '../llm/chat-model.js';
import { type DiagnoseView, proposeFix } from './builtin-fixes.js';
import { isExplainRequest, rulesExplanation } from './explain.js';
import { describeFix, parseFix } from './fix.js';
import { parseQuestion } from './question.js';
import { roleOf } from './roles/role.js';
import { readRunbook } from './runbooks.js';

export const BUILTIN_MODEL_NAME = 'builtin';

type Reply = { readonly text: string; readonly calls?: readonly ToolCall[] };

function lastUser(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user') return m.content;
  }
  return '';
}

/** Tool results since the last user message: this turn's evidence. */
function toolResults(messages: readonly ChatMessage[], name: string): string[] {
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.role === 'user') break;
    if (m.role === 'tool' && m.name === name) out.unshift(m.content);
  }
  return out;
}

function call(name: string, args: unknown, n: number): ToolCall {
  return { id: `builtin-${name}-${n}`, name, arguments: JSON.stringify(args) };
}

function readView(text: string): DiagnoseView | undefined {
  try {
    const v: unknown = parseYaml(text);
    return v && typeof v === 'object' ? (v as DiagnoseView) : undefined;
  } catch {
    return undefined;
  }
}

interface IncidentLike {
  failureClass?: string;
  workload?: string;
  reason?: string;
  summary?: string;
  details?: Record<string, unknown>;
  events?: string[];
  logs?: { errorLines?: string[]; lastLines?: string[]; container?: string };
}

function evidenceLines(i: IncidentLike): string[] {
  const lines: string[] = [];
  const details = Object.entries(i.details ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  if (details.length) lines.push(`- status: ${details.join(', ')}`);
  for (const e of (i.events ?? []).slice(0, 3)) lines.push(`- event ${e}`);
  const logs = i.logs?.errorLines?.length ? i.logs.errorLines : (i.logs?.lastLines ?? []);
  for (const l of logs.slice(0, 3)) lines.push(`- log: ${l}`);
  return lines;
}

function firstLine(markdown: string | undefined): string | undefined {
  return markdown
    ?.split('\n')
    .find((l) => l.startsWith('Fix:'))
    ?.slice(4)
    .trim();
}

/** The answer from `diagnose` output: the analyzers' verdict, in words, with its evidence. */
export function answerFromDiagnosis(content: string): string {
  const view = readView(content) as
    | {
        target?: string;
        namespace?: string;
        status?: { phase?: string; ready?: string; restarts?: number };
        incidents?: IncidentLike[];
      }
    | undefined;
  if (!view) return `The analyzers' output could not be read:\n${content}`;
  const incidents = view.incidents ?? [];
  const subject = view.target ?? `namespace ${view.namespace ?? ''}`;
  if (incidents.length === 0) {
    const s = view.status;
    if (s?.phase)
      return `Nothing is wrong with ${subject}: it is ${s.phase} and ${s.ready && !s.ready.startsWith('0/') ? 'Ready' : 'not Ready'} (${s.ready ?? '?'} containers ready, ${s.restarts ?? 0} restarts); kubemend's analyzers found no problem.`;
    return `Nothing is wrong with ${subject}: kubemend's analyzers found no problem.`;
  }
  const parts = incidents.map((i) => {
    const next = firstLine(readRunbook(i.failureClass ?? ''));
    return [
      `${i.workload ?? subject} is failing: ${i.failureClass} (${i.reason}) — ${i.summary}.`,
      'Evidence:',
      ...evidenceLines(i),
      ...(next ? [`Usual fix: ${next}`] : []),
    ].join('\n');
  });
  return `${parts.join('\n\n')}\n(answer from kubemend's rules, not a language model)`;
}

function researcher(req: ChatRequest): Reply {
  const results = toolResults(req.messages, 'diagnose');
  const question = lastUser(req.messages);
  const canCall = req.toolChoice !== 'none' && (req.tools ?? []).some((t) => t.name === 'diagnose');
  if (results.length === 0) {
    if (!canCall) return { text: 'The builtin rules model needs the diagnose tool to answer.' };
    const target = parseQuestion(question);
    const args = {
      ...(target.kind ? { kind: target.kind } : {}),
      ...(target.name ? { name: target.name } : {}),
      ...(target.namespace ? { namespace: target.namespace } : {}),
    };
    return { text: '', calls: [call('diagnose', args, 1)] };
  }
  const last = results.at(-1) ?? '';
  if (last.startsWith('error')) return { text: `I could not diagnose that: ${last.replace(/^error( \w+)?: /, '')}` };
  return { text: answerFromDiagnosis(last) };
}

function evidenceBlock(text: string): string | undefined {
  return /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
}

function fixer(req: ChatRequest): Reply {
  const task = lastUser(req.messages);
  const evidence = evidenceBlock(task);
  const view = evidence ? readView(evidence) : undefined;
  if (!view) return { text: 'No evidence to build a Fix from.' };
  const proposal = proposeFix(view);
  if (!proposal.ok) return { text: `No Fix: ${proposal.reason}.` };
  const validated = toolResults(req.messages, 'validate_fix');
  const canValidate = req.toolChoice !== 'none' && (req.tools ?? []).some((t) => t.name === 'validate_fix');
  if (validated.length === 0 && canValidate)
    return { text: '', calls: [call('validate_fix', { fix: proposal.fix }, 1)] };
  const check = validated.at(-1);
  if (check?.startsWith('error')) return { text: `No Fix: the proposed change failed validation (${check}).` };
  return {
    text: `Proposed Fix: ${describeFix(proposal.fix)}\nExpected: ${proposal.fix.expected}\n${check ?? 'not validated: no dry-run tool'}\n\`\`\`json\n${JSON.stringify(proposal.fix, null, 2)}\n\`\`\`\n`,
  };
}

function stateOf(text: string, key: string): string {
  return new RegExp(`^- ${key}: (\\S+)`, 'm').exec(text)?.[1] ?? 'not-yet';
}

function supervisor(req: ChatRequest): Reply {
  const s = lastUser(req.messages);
  const research = stateOf(s, 'research');
  const fix = stateOf(s, 'fix');
  const security = stateOf(s, 'security');
  const escalation = stateOf(s, 'escalation');
  const decide = (next: string, reason: string): Reply => ({ text: JSON.stringify({ next, reason }) });
  if (research !== 'done') return decide('researcher', 'no evidence yet');
  if (stateOf(s, 'mode') === 'question') return decide('done', 'the question is answered');
  if (stateOf(s, 'problem') === 'none') return decide('done', 'nothing is wrong');
  if (fix === 'not-yet') return decide('fixer', 'evidence gathered; a fix is needed');
  if (fix === 'proposed' && security === 'not-yet') return decide('security', 'every Fix is reviewed');
  if ((fix === 'proposed' && security === 'approved') || escalation === 'written')
    return decide('done', 'work complete');
  return decide('humanhelp', 'no safe Fix: a person decides');
}

function humanhelp(req: ChatRequest): Reply {
  const task = lastUser(req.messages);
  const section = (name: string) =>
    new RegExp(`^${name}:\\n([\\s\\S]*?)(?=^\\w[\\w ]*:\\n|$(?![\\s\\S]))`, 'm').exec(task)?.[1]?.trim();
  const fixText = section('Fixer');
  const parsed = fixText ? parseFix(fixText) : undefined;
  return {
    text: [
      'What happened:',
      section('Research') ?? 'the research found no cause',
      '',
      'What was tried:',
      parsed?.ok
        ? `${describeFix(parsed.fix)} — ${section('Security') ?? 'not reviewed'}`
        : (fixText ?? 'no Fix was proposed'),
      '',
      'What you need to decide:',
      parsed?.ok
        ? 'whether to apply a different change by hand, since the proposed one was vetoed'
        : 'how to fix it: kubemend has no safe automatic fix for this failure',
    ].join('\n'),
  };
}

async function* replay(reply: Reply): AsyncIterable<ChatChunk> {
  // Line by line, so callers exercise the same streaming path as with an LLM.
  for (const piece of reply.text.split(/(?<=\n)/)) if (piece) yield { type: 'text', text: piece };
  for (const c of reply.calls ?? []) yield { type: 'tool-call', call: c };
  yield {
    type: 'finish',
    reason: reply.calls?.length ? 'tool-calls' : 'stop',
    usage: { promptTokens: 0, completionTokens: 0 },
  };
}

export function createBuiltinModel(name = BUILTIN_MODEL_NAME): ChatModel {
  return {
    spec: CHAT_MODEL_SPEC,
    name,
    modelId: 'kubemend-rules',
    kind: 'rules',
    stream(request) {
      if (request.signal?.aborted)
        return (async function* (): AsyncIterable<ChatChunk> {
          yield { type: 'error', error: { code: 'CANCELLED', message: 'cancelled' } };
        })();
      if (isExplainRequest(request)) return replay({ text: rulesExplanation(request) });
      const system = request.messages.find((m) => m.role === 'system')?.content;
      const role = roleOf(system) ?? 'researcher';
      const rules = { researcher, fixer, supervisor, humanhelp } as const;
      return replay(rules[role](request));
    },
  };
}
