// The context budget: what goes to a model is bounded (tool results capped, old turns compacted) and redacted.
// Estimates, not tokenizer counts: they only have to be on the safe side of a context window, and a tokenizer per
// provider would be a dependency per provider.

import { redactText } from '../redact/index.js';
import type { ChatMessage, ToolSchema } from './chat-model.js';

// Per-message framing (role, separators) that every chat template adds.
const MESSAGE_OVERHEAD = 4;

/**
 * Roughly 4 characters per token for ASCII text; a character per token for everything else, because CJK text (the
 * seeds are Chinese) is closer to that and an underestimate is what overflows a context window.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

export function estimateMessageTokens(message: ChatMessage): number {
  let n = MESSAGE_OVERHEAD + estimateTokens(message.content);
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) n += MESSAGE_OVERHEAD + estimateTokens(call.name + call.arguments);
  }
  if (message.role === 'tool') n += estimateTokens(message.name);
  return n;
}

export function estimatePromptTokens(messages: readonly ChatMessage[], tools: readonly ToolSchema[] = []): number {
  let n = 0;
  for (const m of messages) n += estimateMessageTokens(m);
  for (const t of tools) n += estimateTokens(JSON.stringify(t));
  return n;
}

export interface CapOptions {
  /** Tool-specific advice for narrowing the query, e.g. "pass --tail or a container name". */
  readonly narrow?: string;
}

const DEFAULT_NARROW =
  'narrow the query: a namespace, a label or field selector, a single resource name, a smaller log tail, or only the error lines';

/**
 * Returns the text unchanged when it fits, else its head and tail around an explicit note telling the model what was
 * left out and how to ask for less. Head and tail, because tables put the header first and logs put the failure last.
 */
export function capToolResult(text: string, maxTokens: number, options: CapOptions = {}): string {
  const total = estimateTokens(text);
  if (total <= maxTokens) return text;
  const narrow = options.narrow ?? DEFAULT_NARROW;
  const noteFor = (omittedLines: number, omittedTokens: number): string =>
    `\n[kubemend: ${omittedLines} line(s), about ${omittedTokens} tokens, omitted: the result is about ${total} tokens and ` +
    `the budget is ${maxTokens}. To see the rest, ${narrow}.]\n`;
  const room = Math.max(0, maxTokens - estimateTokens(noteFor(999_999, 999_999)));
  const lines = text.split('\n');
  const headBudget = Math.floor((room * 2) / 3);
  const tailBudget = room - headBudget;

  const head: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = estimateTokens(`${line}\n`);
    if (used + cost > headBudget) break;
    head.push(line);
    used += cost;
  }
  const tail: string[] = [];
  used = 0;
  for (let i = lines.length - 1; i >= head.length; i--) {
    const line = lines[i] ?? '';
    const cost = estimateTokens(`${line}\n`);
    if (used + cost > tailBudget) break;
    tail.unshift(line);
    used += cost;
  }
  // A single enormous line (minified JSON) fits neither way: keep a character-cut prefix so the model sees its shape.
  if (head.length === 0 && tail.length === 0) {
    const prefix = text.slice(0, room * 4);
    return `${prefix}${noteFor(lines.length, total - estimateTokens(prefix))}`;
  }
  const omitted = lines.slice(head.length, lines.length - tail.length);
  return `${head.join('\n')}${noteFor(omitted.length, estimateTokens(omitted.join('\n')))}${tail.join('\n')}`;
}

export interface CompactOptions {
  readonly maxTokens: number;
  /** Writes the stand-in for the dropped middle; the default lists the tool calls made and the assistant's conclusions. */
  readonly summarize?: (dropped: readonly ChatMessage[]) => string;
}

export interface Compacted {
  readonly messages: readonly ChatMessage[];
  readonly droppedMessages: number;
  readonly estimatedTokens: number;
  /** True when even the kept head and last turn do not fit: the caller must cap harder or stop. */
  readonly overBudget: boolean;
}

/**
 * Keeps the system prompt(s), the first user message (the task) and as many recent turns as fit; the middle becomes
 * one summary message. An assistant message with tool calls and its tool results move as one unit, so no tool result
 * is ever separated from the call it answers (providers reject such a conversation).
 */
export function compact(messages: readonly ChatMessage[], options: CompactOptions): Compacted {
  const total = estimatePromptTokens(messages);
  if (total <= options.maxTokens) {
    return { messages, droppedMessages: 0, estimatedTokens: total, overBudget: false };
  }
  const firstUser = messages.findIndex((m) => m.role === 'user');
  const headEnd = firstUser === -1 ? leadingSystemCount(messages) : firstUser + 1;
  const head = messages.slice(0, headEnd);
  const units = toUnits(messages.slice(headEnd));
  const summarize = options.summarize ?? defaultSummary;

  // Take units from the end while head + summary + tail fit; the last unit is kept whatever it costs.
  const headTokens = estimatePromptTokens(head);
  let keepFrom = units.length;
  let tailTokens = 0;
  for (let i = units.length - 1; i >= 0; i--) {
    const unit = units[i] ?? [];
    const cost = estimatePromptTokens(unit);
    const dropped = units.slice(0, i).flat();
    const summaryCost = dropped.length > 0 ? estimateMessageTokens(summaryMessage(summarize(dropped))) : 0;
    if (keepFrom < units.length && headTokens + tailTokens + cost + summaryCost > options.maxTokens) break;
    keepFrom = i;
    tailTokens += cost;
  }
  const dropped = units.slice(0, keepFrom).flat();
  const tail = units.slice(keepFrom).flat();
  const kept = dropped.length > 0 ? [...head, summaryMessage(summarize(dropped)), ...tail] : [...head, ...tail];
  const estimatedTokens = estimatePromptTokens(kept);
  return {
    messages: kept,
    droppedMessages: dropped.length,
    estimatedTokens,
    overBudget: estimatedTokens > options.maxTokens,
  };
}

function leadingSystemCount(messages: readonly ChatMessage[]): number {
  let i = 0;
  while (i < messages.length && messages[i]?.role === 'system') i++;
  return i;
}

function toUnits(messages: readonly ChatMessage[]): ChatMessage[][] {
  const units: ChatMessage[][] = [];
  for (const m of messages) {
    const current = units[units.length - 1];
    const previous = current?.[0];
    if (m.role === 'tool' && current && previous?.role === 'assistant' && (previous.toolCalls?.length ?? 0) > 0) {
      current.push(m);
    } else {
      units.push([m]);
    }
  }
  return units;
}

// A user message, not a system one: several providers' chat templates accept system only as the first message.
function summaryMessage(text: string): ChatMessage {
  return { role: 'user', content: `[kubemend: earlier turns were compacted to fit the context budget]\n${text}` };
}

const SUMMARY_LINE_CHARS = 160;

function defaultSummary(dropped: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const m of dropped) {
    if (m.role === 'assistant') {
      for (const c of m.toolCalls ?? []) lines.push(`- called ${c.name}(${clip(c.arguments)})`);
      const said = firstLine(m.content);
      if (said) lines.push(`- assistant: ${clip(said)}`);
    } else if (m.role === 'user') {
      lines.push(`- user: ${clip(firstLine(m.content))}`);
    }
  }
  const shown = lines.slice(-20);
  const more = lines.length - shown.length;
  return [...(more > 0 ? [`- (${more} earlier step(s) not listed)`] : []), ...shown].join('\n');
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] ?? '';
}

function clip(text: string): string {
  return text.length > SUMMARY_LINE_CHARS ? `${text.slice(0, SUMMARY_LINE_CHARS)}…` : text;
}

export interface RedactedMessages {
  readonly messages: readonly ChatMessage[];
  /** How many secrets were masked in total. */
  readonly count: number;
}

/** Masks secrets in every message's content and every tool call's arguments: the last step before anything is sent. */
export function redactMessages(messages: readonly ChatMessage[], known: readonly string[] = []): RedactedMessages {
  let count = 0;
  const mask = (text: string): string => {
    const r = redactText(text, { known });
    count += r.count;
    return r.value;
  };
  const out = messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'assistant':
        return {
          role: 'assistant',
          content: mask(m.content),
          ...(m.toolCalls ? { toolCalls: m.toolCalls.map((c) => ({ ...c, arguments: mask(c.arguments) })) } : {}),
        };
      case 'tool':
        return { ...m, content: mask(m.content) };
      default:
        return { ...m, content: mask(m.content) };
    }
  });
  return { messages: out, count };
}
