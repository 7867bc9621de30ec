// The ReAct runtime (seed 004; HolmesGPT's loop): the model thinks, calls tools, reads results, and answers.
// Reads in one assistant turn run in parallel, writes one at a time in order; an identical repeated call is
// refused; bad argument JSON goes back to the model with the raw text; the last step withholds tools so the
// run always ends with an answer.

import type { ChatMessage, ChatModel, ModelError, TokenUsage, ToolCall } from '../llm/chat-model.js';
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
}

async function readTurn(opts: ReactOptions, messages: readonly ChatMessage[], last: boolean): Promise<Turn> {
  const turn: Turn = { text: '', calls: [], usage: NO_USAGE };
  const tools = opts.host.schemas(opts.tools);
  const stream = opts.model.stream({
    // A copy: the conversation grows after this call, and a provider (or a test) may keep the request.
    messages: [...messages],
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
    opts.onToolResult?.(call, result);
    return {
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      effect,
      ok: result.ok,
      result: resultText(result),
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
