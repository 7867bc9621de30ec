import type { ChatModel, ChatRequest, ModelError, TokenUsage, ToolCall } from './chat-model.js';
import { modelError } from './errors.js';

export type Collected =
  | {
      readonly ok: true;
      readonly text: string;
      readonly toolCalls: readonly ToolCall[];
      readonly reason: 'stop' | 'tool-calls' | 'length';
      readonly usage: TokenUsage;
    }
  | { readonly ok: false; readonly error: ModelError; readonly text: string };

/** Drains a stream into one answer, for callers that do not show text as it arrives. */
export async function collect(model: ChatModel, request: ChatRequest): Promise<Collected> {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for await (const chunk of model.stream(request)) {
    switch (chunk.type) {
      case 'text':
        text += chunk.text;
        break;
      case 'tool-call':
        toolCalls.push(chunk.call);
        break;
      case 'finish':
        return { ok: true, text, toolCalls, reason: chunk.reason, usage: chunk.usage };
      case 'error':
        return { ok: false, error: chunk.error, text };
    }
  }
  return { ok: false, error: modelError('BAD_RESPONSE', `model "${model.name}" ended without finish or error`), text };
}
