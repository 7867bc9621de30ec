// The model layer's public surface: the ChatModel seam, providers, configuration, pool, accounting and budget.
export {
  type CallRecord,
  type CallTags,
  costOf,
  createLedger,
  type Ledger,
  type Totals,
  withAccounting,
} from './accounting.js';
export {
  type CapOptions,
  type Compacted,
  capToolResult,
  compact,
  estimateMessageTokens,
  estimatePromptTokens,
  estimateTokens,
  redactMessages,
} from './budget.js';
export * from './chat-model.js';
export { type Collected, collect } from './collect.js';
export {
  type ConfigResult,
  type Env,
  loadModelConfig,
  type ModelConfig,
  type ModelEntry,
  type Pricing,
} from './config.js';
export { createOpenAICompatibleModel, type OpenAICompatibleOptions, type RetryEvent } from './openai-compatible.js';
export { createModelPool, type FallbackEvent, type ModelPool, type PoolResult, withFallback } from './pool.js';
export {
  createModel,
  type ModelResult,
  type ProviderContext,
  type ProviderFactory,
  registerProvider,
  unavailable,
} from './providers.js';
export { createScriptedModel, type ScriptedModel, type ScriptedReply, type ScriptTurn } from './scripted.js';
