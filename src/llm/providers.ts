// Turns a configured model entry into a ChatModel. Providers register a factory by name, so `provider: builtin`
// resolves to the agents' rules model without this layer importing it.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ChatModel } from './chat-model.js';
import type { Env, ModelEntry } from './config.js';
import { createOpenAICompatibleModel, type RetryEvent } from './openai-compatible.js';
import type { Sleep } from './retry.js';
import { createScriptedModel, type ScriptTurn } from './scripted.js';

export interface ProviderContext {
  readonly env: Env;
  /** Exact secret values to mask before sending (decoded Secret data seen so far). */
  readonly knownSecrets?: readonly string[];
  readonly onRetry?: (event: RetryEvent) => void;
  readonly sleep?: Sleep;
  /** Whatever a provider needs from the caller (the builtin model wants cluster access); keyed by provider. */
  readonly services?: Readonly<Record<string, unknown>>;
}

export type ModelResult =
  | { readonly ok: true; readonly model: ChatModel }
  | { readonly ok: false; readonly error: { readonly code: 'MODEL_UNAVAILABLE'; readonly message: string } };

export type ProviderFactory = (entry: ModelEntry, context: ProviderContext) => ModelResult;

const providers = new Map<string, ProviderFactory>();

/** Registers (or replaces) the factory for a provider name; the agents layer registers 'builtin'. */
export function registerProvider(name: string, factory: ProviderFactory): void {
  providers.set(name, factory);
}

export function createModel(entry: ModelEntry, context: ProviderContext): ModelResult {
  const factory = providers.get(entry.provider);
  if (!factory) {
    return unavailable(`model "${entry.name}": provider "${entry.provider}" is not available in this build`);
  }
  return factory(entry, context);
}

export function unavailable(message: string): ModelResult {
  return { ok: false, error: { code: 'MODEL_UNAVAILABLE', message } };
}

const openAICompatible: ProviderFactory = (entry, context) => {
  if (!entry.baseURL) return unavailable(`model "${entry.name}" (${entry.origin}) has no baseURL`);
  if (!entry.model) {
    const variable = { openai: 'OPENAI_MODEL', deepseek: 'DEEPSEEK_MODEL', qwen: 'QWEN_MODEL', ollama: 'OLLAMA_MODEL' }[
      entry.name
    ];
    const hint = variable ? `set ${variable} or ` : '';
    return unavailable(
      `model "${entry.name}" has no model id: ${hint}set models.${entry.name}.model in kubemend.yaml (ids change; kubemend does not guess one)`,
    );
  }
  const apiKey = entry.apiKey ?? (entry.apiKeyEnv ? context.env[entry.apiKeyEnv] : undefined);
  if (entry.apiKeyEnv && !apiKey) {
    return unavailable(`model "${entry.name}" needs ${entry.apiKeyEnv} in the environment`);
  }
  return {
    ok: true,
    model: createOpenAICompatibleModel({
      name: entry.name,
      baseURL: entry.baseURL,
      model: entry.model,
      ...(apiKey ? { apiKey } : {}),
      ...(entry.apiKeyEnv ? { apiKeyEnv: entry.apiKeyEnv } : {}),
      ...(entry.timeoutMs ? { timeoutMs: entry.timeoutMs } : {}),
      ...(entry.maxRetries === undefined ? {} : { retry: { maxAttempts: entry.maxRetries + 1 } }),
      ...(context.knownSecrets ? { knownSecrets: context.knownSecrets } : {}),
      ...(context.onRetry ? { onRetry: context.onRetry } : {}),
      ...(context.sleep ? { sleep: context.sleep } : {}),
    }),
  };
};

const scripted: ProviderFactory = (entry) => {
  if (!entry.script)
    return unavailable(`model "${entry.name}" (provider scripted) needs script: a YAML or JSON file of turns`);
  try {
    const turns: unknown = parseYaml(readFileSync(entry.script, 'utf8'));
    if (!Array.isArray(turns)) return unavailable(`${entry.script}: expected a list of turns`);
    return {
      ok: true,
      model: createScriptedModel(turns as ScriptTurn[], { name: entry.name, modelId: entry.model ?? entry.script }),
    };
  } catch (e) {
    return unavailable(`${entry.script}: ${e instanceof Error ? e.message : String(e)}`);
  }
};

registerProvider('openai-compatible', openAICompatible);
registerProvider('scripted', scripted);
