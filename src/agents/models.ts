// The one place every entry point (ask, chat, analyze --explain) gets its models from: the configuration
// (kubemend.yaml, ~/.config/kubemend/config.yaml, the environment), the builtin rules provider, the pool with its
// fallback chain, and one ledger that records every call's tokens and cost by role and incident.

import { createLedger, type Ledger, withAccounting } from '../llm/accounting.js';
import type { ChatModel } from '../llm/chat-model.js';
import { type Env, loadModelConfig, type ModelConfig } from '../llm/config.js';
import type { RetryEvent } from '../llm/openai-compatible.js';
import { createModelPool, type FallbackEvent } from '../llm/pool.js';
import { registerProvider } from '../llm/providers.js';
import type { Sleep } from '../llm/retry.js';
import { createBuiltinModel } from './builtin-model.js';
import { DEFAULT_CONTEXT_TOKENS } from './react-loop.js';
import { ROLE_NAMES, type RoleName } from './roles/role.js';
import type { SessionError } from './session.js';

registerProvider('builtin', (entry) => ({ ok: true, model: createBuiltinModel(entry.name) }));

export interface ModelsOptions {
  readonly env: Env;
  readonly cwd: string;
  /** --model: this configured model serves every role (the fallback chain still follows it). */
  readonly model?: string;
  readonly knownSecrets?: readonly string[];
  readonly onFallback?: (event: FallbackEvent) => void;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly sleep?: Sleep;
}

export interface TeamModels {
  readonly config: ModelConfig;
  /** Every call made through these models: tokens and cost per role, per incident, per model. */
  readonly ledger: Ledger;
  /** Configuration warnings a person should see (a key written in the file). */
  readonly warnings: readonly string[];
  /** The configured model name serving a role. */
  nameFor(role: RoleName): string;
  /** How a role's model is shown to people: "openai (fake-1)", "builtin (rules, not a language model)". */
  describe(role: RoleName): string;
  /** True when the role is served by the builtin rules model (no LLM, no tokens). */
  isRules(role: RoleName): boolean;
  /** The role's model with its fallback chain, every call recorded; tagged with the incident when one is given. */
  modelFor(role: RoleName, incident?: string): ChatModel;
  /** The smallest context budget in the role's chain: a fallback receives the same conversation. */
  contextTokens(role: RoleName): number;
}

export type ModelsResult =
  | { readonly ok: true; readonly models: TeamModels }
  | { readonly ok: false; readonly error: SessionError };

const CONFIG_HINT =
  'models are configured in kubemend.yaml or the environment (see README "Models"); --model builtin works offline (rules, no LLM)';

export function resolveModels(options: ModelsOptions): ModelsResult {
  const { env } = options;
  const loaded = loadModelConfig({
    env,
    cwd: options.cwd,
    ...(env.HOME ? { home: env.HOME } : {}),
    ...(env.KUBEMEND_CONFIG ? { file: env.KUBEMEND_CONFIG } : {}),
  });
  if (!loaded.ok) return { ok: false, error: { message: loaded.error.message, hint: CONFIG_HINT } };
  const config = loaded.config;
  const known = Object.keys(config.models).sort().join(', ');
  if (options.model !== undefined && !config.models[options.model]) {
    return {
      ok: false,
      error: { message: `no model named "${options.model}" is configured (known: ${known})`, hint: CONFIG_HINT },
    };
  }
  const ledger = createLedger();
  const pool = createModelPool(config, {
    ledger,
    context: {
      env,
      ...(options.knownSecrets ? { knownSecrets: options.knownSecrets } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
    ...(options.onFallback ? { onFallback: options.onFallback } : {}),
  });
  const nameFor = (role: RoleName): string => options.model ?? pool.nameFor(role);
  const warnings = [...config.warnings];
  const build = (role: RoleName, incident?: string): ChatModel | SessionError => {
    const r = pool.forRole(role, {
      ...(options.model ? { model: options.model } : {}),
      ...(incident === undefined ? {} : { incident }),
    });
    if (!r.ok) return { message: r.error.message, hint: CONFIG_HINT };
    for (const n of r.notes) if (!warnings.includes(n)) warnings.push(n);
    return r.model;
  };
  // Every role's chain is built now, so a missing key or model id is reported before any work starts.
  const byRole = new Map<RoleName, ChatModel>();
  for (const role of ROLE_NAMES) {
    const m = build(role);
    if ('message' in m) return { ok: false, error: m };
    byRole.set(role, m);
  }
  const chainOf = (role: RoleName): readonly string[] => {
    const first = nameFor(role);
    return [first, ...config.fallback.filter((n) => n !== first)];
  };
  const models: TeamModels = {
    config,
    ledger,
    warnings,
    nameFor,
    describe(role) {
      const entry = config.models[nameFor(role)];
      if (!entry || entry.provider === 'builtin') return `${nameFor(role)} (rules, not a language model)`;
      return `${entry.name} (${entry.model ?? entry.provider})`;
    },
    isRules: (role) => config.models[nameFor(role)]?.provider === 'builtin',
    modelFor(role, incident) {
      if (incident === undefined) {
        const cached = byRole.get(role);
        if (cached) return cached;
      }
      const m = build(role, incident);
      // The same chain was built for this role above; only a provider that changed its mind could fail here.
      if ('message' in m) throw new Error(m.message);
      return m;
    },
    contextTokens(role) {
      const budgets = chainOf(role).map((n) => config.models[n]?.contextTokens ?? DEFAULT_CONTEXT_TOKENS);
      return Math.min(...budgets);
    },
  };
  return { ok: true, models };
}

export interface CommandModelsOptions {
  readonly model?: string;
  readonly env: Env;
  readonly cwd: string;
  /** Where fallbacks, retries and configuration warnings are told as they happen. */
  readonly stderr: NodeJS.WritableStream;
  readonly knownSecrets?: readonly string[];
}

/** resolveModels for a CLI command: retries, fallbacks and warnings are shown, so a slow or degraded run is explained. */
export function resolveCommandModels(options: CommandModelsOptions): ModelsResult {
  const { stderr } = options;
  const r = resolveModels({
    env: options.env,
    cwd: options.cwd,
    ...(options.model ? { model: options.model } : {}),
    ...(options.knownSecrets ? { knownSecrets: options.knownSecrets } : {}),
    onRetry: (e) =>
      stderr.write(`model ${e.model}: ${e.error.message}; retrying in ${Math.round(e.waitMs / 100) / 10} s\n`),
    onFallback: (e) => stderr.write(`model ${e.from} failed (${e.error.message}); falling back to ${e.to}\n`),
  });
  if (r.ok) for (const w of r.models.warnings) stderr.write(`warning: ${w}\n`);
  return r;
}

/** One line on what a run cost, for any run that called a language model; empty for rules-only runs. */
export function usageLine(ledger: Ledger): string {
  const llm = ledger.totals((c) => c.kind === 'llm');
  if (llm.calls === 0) return '';
  const approx = llm.estimated ? '~' : '';
  const cost = llm.unpricedCalls === llm.calls ? '' : `, $${llm.costUsd.toFixed(4)}`;
  return `tokens: ${llm.calls} model call(s), ${approx}${llm.promptTokens} prompt + ${approx}${llm.completionTokens} completion${cost}\n`;
}

/** What running the team needs from its models; TeamModels is one, fixedModels another. */
export type RoleModels = Pick<TeamModels, 'ledger' | 'describe' | 'isRules' | 'modelFor' | 'contextTokens'>;

/** One model for every role (a test's scripted model, an embedding program's own), still with a ledger. */
export function fixedModels(model: ChatModel, contextTokens = DEFAULT_CONTEXT_TOKENS): RoleModels {
  const ledger = createLedger();
  const rules = model.kind === 'rules';
  return {
    ledger,
    describe: () => (rules ? `${model.name} (rules, not a language model)` : `${model.name} (${model.modelId})`),
    isRules: () => rules,
    modelFor: (role, incident) =>
      withAccounting(model, ledger, { role, ...(incident === undefined ? {} : { incident }) }),
    contextTokens: () => contextTokens,
  };
}
