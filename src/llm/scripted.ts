// A ChatModel that replays a script, one turn per call, and records every request. It asserts nothing itself: tests
// and the token bench look at `requests` afterwards. A turn may be a function of the request, so a script can react
// to what the runtime sent (e.g. "obey whatever the last tool result said").

import { estimatePromptTokens, estimateTokens } from './budget.js';
import {
  CHAT_MODEL_SPEC,
  type ChatChunk,
  type ChatModel,
  type ChatRequest,
  type ModelError,
  type TokenUsage,
  type ToolCall,
} from './chat-model.js';
import { errorChunk, modelError } from './errors.js';

export interface ScriptedToolCall {
  readonly id?: string;
  readonly name: string;
  /** A string is sent verbatim (script malformed JSON this way); anything else is JSON-encoded. */
  readonly arguments: string | Readonly<Record<string, unknown>>;
}

export type ScriptedReply =
  | {
      readonly text?: string;
      readonly toolCalls?: readonly ScriptedToolCall[];
      /** Default: 'length' never, 'tool-calls' when there are calls, else 'stop'. */
      readonly finish?: 'stop' | 'length';
      /** Default: an estimate from the request and the reply, marked estimated. */
      readonly usage?: TokenUsage;
    }
  | { readonly error: ModelError };

export type ScriptTurn = ScriptedReply | ((request: ChatRequest, turn: number) => ScriptedReply);

export interface ScriptedModel extends ChatModel {
  /** Every request received, in order. */
  readonly requests: readonly ChatRequest[];
  /** Turns not yet played. */
  readonly remaining: number;
  push(...turns: ScriptTurn[]): void;
}

export interface ScriptedOptions {
  readonly name?: string;
  readonly modelId?: string;
}

export function createScriptedModel(script: readonly ScriptTurn[], options: ScriptedOptions = {}): ScriptedModel {
  const turns: ScriptTurn[] = [...script];
  const requests: ChatRequest[] = [];
  const name = options.name ?? 'scripted';

  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    const index = requests.length;
    requests.push(request);
    if (request.signal?.aborted) {
      yield errorChunk(modelError('CANCELLED', `the call to model "${name}" was cancelled`));
      return;
    }
    const next = turns.shift();
    if (next === undefined) {
      yield errorChunk(modelError('BAD_RESPONSE', `the script of model "${name}" ran out after ${index} turn(s)`));
      return;
    }
    const played = typeof next === 'function' ? next(request, index) : next;
    if ('error' in played) {
      yield errorChunk(played.error);
      return;
    }
    const text = played.text ?? '';
    if (text !== '') yield { type: 'text', text };
    const calls: ToolCall[] = (played.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_${index}_${i}`,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    }));
    for (const call of calls) yield { type: 'tool-call', call };
    const usage = played.usage ?? {
      promptTokens: estimatePromptTokens(request.messages, request.tools),
      completionTokens: estimateTokens(text + calls.map((c) => c.name + c.arguments).join('')),
      estimated: true,
    };
    const reason = played.finish ?? (calls.length > 0 ? 'tool-calls' : 'stop');
    yield { type: 'finish', reason, usage };
  }

  return {
    spec: CHAT_MODEL_SPEC,
    name,
    modelId: options.modelId ?? 'script',
    kind: 'scripted',
    stream,
    requests,
    get remaining() {
      return turns.length;
    },
    push: (...more) => {
      turns.push(...more);
    },
  };
}
