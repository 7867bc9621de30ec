// The model pool (the seed's AgentLoader): which model serves which role, and a fallback chain that moves to the next
// model when one is down, overloaded or slow. Key and request problems (AUTH, BAD_REQUEST) are not hidden by a
// fallback: a person must fix them, so they are reported.

import { type CallTags, type Ledger, withAccounting } from './accounting.js';
import {
  CHAT_MODEL_SPEC,
  type ChatChunk,
  type ChatModel,
  type ChatRequest,
  type ModelError,
  type ModelErrorCode,
} from './chat-model.js';
import type { ModelConfig } from './config.js';
import { createModel, type ProviderContext } from './providers.js';

const FALL_THROUGH: ReadonlySet<ModelErrorCode> = new Set(['UNREACHABLE', 'SERVER_ERROR', 'RATE_LIMITED', 'TIMEOUT']);

export interface FallbackEvent {
  readonly from: string;
  readonly to: string;
  readonly error: ModelError;
}

export interface FallbackOptions {
  readonly onFallback?: (event: FallbackEvent) => void;
}

/**
 * One ChatModel over several: each call tries them in order and moves on when a model fails before saying anything
 * with an error worth routing around. Once text or a tool call reached the caller, an error is passed through:
 * a second model's answer cannot be spliced onto the first one's.
 */
export function withFallback(models: readonly ChatModel[], options: FallbackOptions = {}): ChatModel {
  const [primary] = models;
  if (!primary) throw new Error('withFallback needs at least one model');
  if (models.length === 1) return primary;
  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    for (const [i, model] of models.entries()) {
      let emitted = false;
      let failure: ModelError | undefined;
      for await (const chunk of model.stream(request)) {
        if (chunk.type === 'error' && !emitted && FALL_THROUGH.has(chunk.error.code) && i < models.length - 1) {
          failure = chunk.error;
          break;
        }
        if (chunk.type === 'text' || chunk.type === 'tool-call') emitted = true;
        yield chunk;
      }
      if (!failure) return;
      const next = models[i + 1];
      if (next) options.onFallback?.({ from: model.name, to: next.name, error: failure });
    }
  }
  return {
    spec: CHAT_MODEL_SPEC,
    name: models.map((m) => m.name).join('>'),
    modelId: primary.modelId,
    kind: primary.kind,
    stream,
  };
}

export interface PoolOptions extends FallbackOptions {
  readonly context: ProviderContext;
  /** When given, every member model's calls are recorded, tagged with the role and incident. */
  readonly ledger?: Ledger;
}

export type PoolResult =
  | { readonly ok: true; readonly model: ChatModel; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: { readonly code: 'MODEL_UNAVAILABLE'; readonly message: string } };

export interface ModelPool {
  readonly config: ModelConfig;
  /** The configured model name serving a role (roles map, else the default). */
  nameFor(role: string): string;
  /** The role's model followed by the fallback chain, as one ChatModel. `model` overrides the role's choice (--model). */
  forRole(role: string, tags?: Omit<CallTags, 'role'> & { readonly model?: string }): PoolResult;
}

export function createModelPool(config: ModelConfig, options: PoolOptions): ModelPool {
  const nameFor = (role: string): string => config.roles[role] ?? config.defaultModel;
  const forRole: ModelPool['forRole'] = (role, tags = {}) => {
    const first = tags.model ?? nameFor(role);
    const chain = [first, ...config.fallback.filter((n) => n !== first)];
    const notes: string[] = [];
    const members: ChatModel[] = [];
    for (const [i, name] of chain.entries()) {
      const entry = config.models[name];
      const built = entry
        ? createModel(entry, options.context)
        : ({ ok: false, error: { code: 'MODEL_UNAVAILABLE', message: `no model named "${name}"` } } as const);
      if (!built.ok) {
        // The chosen model must work; a fallback that cannot be built is only worth a note.
        if (i === 0) return built;
        notes.push(`fallback ${built.error.message}: skipped`);
        continue;
      }
      const pricing = entry?.pricing;
      members.push(
        options.ledger
          ? withAccounting(built.model, options.ledger, { role, ...incidentOf(tags) }, pricing ? { pricing } : {})
          : built.model,
      );
    }
    return { ok: true, model: withFallback(members, options), notes };
  };
  return { config, nameFor, forRole };
}

function incidentOf(tags: { readonly incident?: string }): CallTags {
  return tags.incident === undefined ? {} : { incident: tags.incident };
}
