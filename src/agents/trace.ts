// What every step of a run did, as plain data: `--verbose` prints it, tests assert on it, the repair loop stores it.

import type { TokenUsage } from '../llm/chat-model.js';
import type { ToolEffect } from '../tools/tool.js';

export interface TraceToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  readonly effect: ToolEffect;
  readonly ok: boolean;
  /** The result content, or the error message the model was given. */
  readonly result: string;
  readonly code?: string;
  readonly durationMs: number;
}

export interface TraceStep {
  readonly role: string;
  readonly model: string;
  readonly step: number;
  readonly text: string;
  readonly usage: TokenUsage;
  readonly toolCalls: readonly TraceToolCall[];
  readonly durationMs: number;
  /** Tools were withheld on this step to force an answer. */
  readonly forcedAnswer: boolean;
  /** Earlier messages replaced by a summary so the call fit the model's context budget. */
  readonly compactedMessages?: number;
}

export const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

export function totalUsage(steps: readonly TraceStep[]): TokenUsage {
  return steps.reduce((sum, s) => addUsage(sum, s.usage), NO_USAGE);
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The trace as lines for `--verbose`. */
export function formatTrace(steps: readonly TraceStep[]): string {
  const lines: string[] = [];
  for (const s of steps) {
    const tokens = `${s.usage.promptTokens}+${s.usage.completionTokens} tok`;
    lines.push(
      `[${s.role} #${s.step} ${s.model} ${tokens} ${s.durationMs}ms${s.forcedAnswer ? ' tools withheld' : ''}${s.compactedMessages ? ` ${s.compactedMessages} messages compacted` : ''}]`,
    );
    for (const c of s.toolCalls)
      lines.push(
        `  ${c.ok ? '✓' : '✗'} ${c.name} ${clip(c.arguments, 120)} (${c.effect}, ${c.durationMs}ms)${c.code ? ` ${c.code}` : ''}: ${clip(c.result, 160)}`,
      );
    if (s.text) lines.push(`  ${clip(s.text, 200)}`);
  }
  return `${lines.join('\n')}\n`;
}
