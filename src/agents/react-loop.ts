// The ReAct runtime (seed 004; HolmesGPT's loop): the model thinks, calls tools, reads results, and answers.
// Reads in one assistant turn run in parallel, writes one at a time in order; an identical repeated call is
// refused; bad argument JSON goes back to the model with the raw text; the last step withholds tools so the
// run always ends with an answer. What the model is sent stays within its context budget: every tool result is
// redacted and capped before it enters the conversation, and old turns are compacted before a call would overflow.

import { capToolResult, compact, estimatePromptTokens } from '../llm/budget.js';
import type { ChatMessage, ChatModel, ModelError, TokenUsage, ToolCall, ToolSchema } from '../llm/chat-model.js';
import { redactText } from '../redact/index.js';
import type { ToolContext, ToolEffect, ToolResult } from '../tools/tool.js';
import type { ToolHost } from './tool-host.js';
import { addUsage, NO_USAGE, type TraceStep, type TraceToolCall } from './trace.js';

export interface ReactOptions {
  readonly model: ChatModel;
  readonly role: string;
  readonly messages: readonly ChatMessage[];
  readonly host: ToolHost;
  /** Tool names this role may use; all of the host's when absent. */
  readonly tools?: readonly string[];
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  /** Shared across the roles of one run so a second agent cannot repeat the first one's call. */
  readonly seenCalls?: Set<string>;
  readonly toolContext?: ToolContext;
  /** The model's context budget in estimated tokens (DEFAULT_CONTEXT_TOKENS when absent). */
  readonly contextTokens?: number;
  /** Exact secret values (decoded Secret data) to mask in tool results, beyond what the patterns catch. */
  readonly knownSecrets?: readonly string[];
  readonly onText?: (delta: string) => void;
  readonly onToolCall?: (call: ToolCall, effect: ToolEffect) => void;
  readonly onToolResult?: (call: ToolCall, result: ToolResult) => void;
}

export type StopReason = 'answer' | 'cancelled' | 'model-error';

export interface ReactResult {
  readonly text: string;
  readonly stop: StopReason;
  readonly error?: ModelError;
  /** The whole conversation including the final answer, for a follow-up turn. */
  readonly messages: readonly ChatMessage[];
  readonly trace: readonly TraceStep[];
  readonly usage: TokenUsage;
}

export const DEFAULT_MAX_STEPS = 8;
export const DEFAULT_CONTEXT_TOKENS = 24_000;

// Room left for the model's answer, and the share of the budget one tool result may take: a single huge result
// must not push the task and the other evidence out of the window.
const ANSWER_RESERVE_SHARE = 8;
const TOOL_RESULT_SHARE = 6;

/** How to ask for less, by tool: the note a capped result ends with. */
const NARROW: Readonly<Record<string, string>> = {
  kubectl:
    'name one resource, add -l SELECTOR or --field-selector, use logs --tail=N or --since=10m, or -o name for a list',
  logs: 'pass a smaller tail, the container name, or ask for the error lines only',
  diagnose: 'diagnose one workload by kind and name instead of the whole namespace',
  list: 'add a label selector or a namespace',
};

/**
 * A tool result as it enters the conversation: secrets masked here as well as by the tools and the provider, so no
 * path (builtin, scripted, a trace stored to disk) ever holds one; then capped to the budget with advice to narrow.
 */
export function budgetToolResult(
  name: string,
  text: string,
  maxTokens: number,
  knownSecrets: readonly string[] = [],
): string {
  const narrow = NARROW[name];
  return capToolResult(redactText(text, { known: knownSecrets }).value, maxTokens, narrow ? { narrow } : {});
}

/** Same tool, same arguments: key order and whitespace do not make a call new. */
function callKey(call: ToolCall): string {
  try {
    return `${call.name}\u0000${canonical(JSON.parse(call.arguments))}`;
  } catch {
    return `${call.name}\u0000${call.arguments}`;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function malformed(call: ToolCall): ToolResult | undefined {
  if (call.arguments.trim() === '') return undefined;
  try {
    const v: unknown = JSON.parse(call.arguments);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return undefined;
    return {
      ok: false,
      isError: true,
      code: 'INVALID_ARGUMENTS',
      message: `arguments must be a JSON object; you sent: ${call.arguments}`,
    };
  } catch (err) {
    return {
      ok: false,
      isError: true,
      code: 'INVALID_ARGUMENTS',
      message: `arguments are not valid JSON (${(err as Error).message}); you sent: ${call.arguments} — call ${call.name} again with a JSON object`,
    };
  }
}

function resultText(r: ToolResult): string {
  return r.ok ? r.content : `error${r.code ? ` ${r.code}` : ''}: ${r.message}`;
}

interface Turn {
  text: string;
  calls: ToolCall[];
  usage: TokenUsage;
  error?: ModelError;
  /** Messages replaced by a summary to fit the budget on this call. */
  compacted: number;
}

/** The conversation as sent: compacted when it (with the tool schemas and room for an answer) would overflow. */
function fitToBudget(
  messages: readonly ChatMessage[],
  tools: readonly ToolSchema[],
  budget: number,
): { messages: readonly ChatMessage[]; dropped: number } {
  const room = budget - Math.floor(budget / ANSWER_RESERVE_SHARE) - estimatePromptTokens([], tools);
  const fitted = compact(messages, { maxTokens: Math.max(1, room) });
  // A copy either way: the conversation grows after this call, and a provider (or a test) may keep the request.
  return { messages: [...fitted.messages], dropped: fitted.droppedMessages };
}

async function readTurn(opts: ReactOptions, messages: readonly ChatMessage[], last: boolean): Promise<Turn> {
  const tools = opts.host.schemas(opts.tools);
  const sent = fitToBudget(messages, tools, opts.contextTokens ?? DEFAULT_CONTEXT_TOKENS);
  const turn: Turn = { text: '', calls: [], usage: NO_USAGE, compacted: sent.dropped };
  const stream = opts.model.stream({
    messages: sent.messages,
    ...(tools.length ? { tools, toolChoice: last ? 'none' : 'auto' } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  for await (const chunk of stream) {
    if (chunk.type === 'text') {
      turn.text += chunk.text;
      opts.onText?.(chunk.text);
    } else if (chunk.type === 'tool-call') turn.calls.push(chunk.call);
    else if (chunk.type === 'finish') turn.usage = chunk.usage;
    else turn.error = chunk.error;
  }
  return turn;
}

export async function runReact(opts: ReactOptions): Promise<ReactResult> {
  const maxSteps = Math.max(1, opts.maxSteps ?? DEFAULT_MAX_STEPS);
  const seen = opts.seenCalls ?? new Set<string>();
  const resultTokens = Math.floor((opts.contextTokens ?? DEFAULT_CONTEXT_TOKENS) / TOOL_RESULT_SHARE);
  const messages: ChatMessage[] = [...opts.messages];
  const trace: TraceStep[] = [];
  let usage = NO_USAGE;
  const done = (text: string, stop: StopReason, error?: ModelError): ReactResult => ({
    text,
    stop,
    ...(error ? { error } : {}),
    messages,
    trace,
    usage,
  });

  const runOne = async (call: ToolCall, effect: ToolEffect): Promise<TraceToolCall> => {
    const started = Date.now();
    let result = malformed(call);
    if (!result) {
      const key = callKey(call);
      if (seen.has(key))
        result = {
          ok: false,
          isError: true,
          code: 'DUPLICATE_CALL',
          message: `you already called ${call.name} with these arguments in this run; use that result or change the arguments`,
        };
      else {
        seen.add(key);
        result = await opts.host.call(call.name, call.arguments, {
          ...opts.toolContext,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      }
    }
    const budgeted = (text: string): string => budgetToolResult(call.name, text, resultTokens, opts.knownSecrets);
    const shown: ToolResult = result.ok
      ? { ...result, content: budgeted(result.content) }
      : { ...result, message: budgeted(result.message) };
    opts.onToolResult?.(call, shown);
    const content = resultText(shown);
    return {
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      effect,
      ok: result.ok,
      result: content,
      ...(result.ok ? {} : result.code ? { code: result.code } : {}),
      durationMs: Date.now() - started,
    };
  };

  for (let step = 0; step < maxSteps; step++) {
    if (opts.signal?.aborted) return done('', 'cancelled');
    const last = step === maxSteps - 1;
    const started = Date.now();
    const turn = await readTurn(opts, messages, last);
    usage = addUsage(usage, turn.usage);
    // A model that ignores toolChoice 'none' on the last step gets no tools run: its text is the answer.
    const calls = last ? [] : turn.calls;
    const record = (toolCalls: readonly TraceToolCall[]) =>
      trace.push({
        role: opts.role,
        model: opts.model.name,
        step,
        text: turn.text,
        usage: turn.usage,
        toolCalls,
        durationMs: Date.now() - started,
        forcedAnswer: last,
        ...(turn.compacted ? { compactedMessages: turn.compacted } : {}),
      });
    if (turn.error) {
      record([]);
      return done(turn.text, turn.error.code === 'CANCELLED' ? 'cancelled' : 'model-error', turn.error);
    }
    messages.push({ role: 'assistant', content: turn.text, ...(calls.length ? { toolCalls: calls } : {}) });
    if (calls.length === 0) {
      record([]);
      return done(turn.text, 'answer');
    }
    const effects = calls.map((c) => (malformed(c) ? 'unknown' : opts.host.effectOf(c.name, c.arguments)));
    for (const [i, c] of calls.entries()) opts.onToolCall?.(c, effects[i] ?? 'unknown');
    const results: TraceToolCall[] = [];
    // Consecutive reads form one parallel batch; a write waits for everything before it and runs alone.
    let batch: Promise<TraceToolCall>[] = [];
    for (const [i, c] of calls.entries()) {
      const effect = effects[i] ?? 'unknown';
      if (effect === 'read') {
        batch.push(runOne(c, effect));
        continue;
      }
      results.push(...(await Promise.all(batch)));
      batch = [];
      results.push(await runOne(c, effect));
    }
    results.push(...(await Promise.all(batch)));
    for (const r of results) messages.push({ role: 'tool', toolCallId: r.id, name: r.name, content: r.result });
    record(results);
  }
  return done('', 'answer');
}
