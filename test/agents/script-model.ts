// A tiny scripted ChatModel for agent tests: replays turns in order and records every request it was sent.

import {
  CHAT_MODEL_SPEC,
  type ChatChunk,
  type ChatModel,
  type ChatRequest,
  type ToolCall,
} from '../../src/llm/chat-model.js';

export interface Turn {
  readonly text?: string;
  readonly calls?: readonly { name: string; args: unknown | string }[];
}

export interface ScriptModel extends ChatModel {
  readonly requests: ChatRequest[];
}

export function scriptModel(turns: readonly Turn[], name = 'scripted'): ScriptModel {
  const requests: ChatRequest[] = [];
  let n = 0;
  return {
    spec: CHAT_MODEL_SPEC,
    name,
    modelId: 'script',
    kind: 'scripted',
    requests,
    async *stream(req): AsyncIterable<ChatChunk> {
      requests.push(req);
      const turn = turns[n++] ?? { text: '(script ended)' };
      if (turn.text) yield { type: 'text', text: turn.text };
      for (const [i, c] of (turn.calls ?? []).entries()) {
        const call: ToolCall = {
          id: `c${n}-${i}`,
          name: c.name,
          arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args),
        };
        yield { type: 'tool-call', call };
      }
      yield {
        type: 'finish',
        reason: turn.calls?.length ? 'tool-calls' : 'stop',
        usage: { promptTokens: 10, completionTokens: 5 },
      };
    },
  };
}
