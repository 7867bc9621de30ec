// Named models from kubemend.yaml (working directory) or ~/.config/kubemend/config.yaml, plus the environment
// (OPENAI_*, DEEPSEEK_API_KEY, DASHSCOPE_API_KEY, OLLAMA_HOST, KUBEMEND_MODEL). Model ids are configuration: a remote
// model without one is reported, never filled in from code.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const pricingSchema = z.strictObject({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
});

const modelEntrySchema = z.strictObject({
  provider: z.enum(['openai-compatible', 'builtin', 'scripted']).default('openai-compatible'),
  baseURL: z.url().optional(),
  /** The variable holding the key; the key itself does not belong in a file. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** Accepted with a warning, for a throw-away local setup. */
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  pricing: pricingSchema.optional(),
  /** The context budget the agents keep a conversation within (estimated tokens). */
  contextTokens: z.number().int().min(1_000).optional(),
  /** For provider scripted: a YAML/JSON file holding the turns. */
  script: z.string().min(1).optional(),
});

const fileSchema = z.object({
  models: z
    .record(z.string().regex(/^[\w.-]+$/, 'model names are letters, digits, "_", "-", "."'), modelEntrySchema)
    .optional(),
  default: z.string().min(1).optional(),
  roles: z.record(z.string(), z.string().min(1)).optional(),
  fallback: z.array(z.string().min(1)).optional(),
});

export type ModelEntryInput = z.infer<typeof modelEntrySchema>;
export type Pricing = z.infer<typeof pricingSchema>;

export interface ModelEntry {
  readonly name: string;
  readonly provider: 'openai-compatible' | 'builtin' | 'scripted';
  readonly baseURL?: string;
  readonly apiKeyEnv?: string;
  readonly apiKey?: string;
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly pricing?: Pricing;
  readonly contextTokens?: number;
  readonly script?: string;
  /** Where the entry came from, for messages: "kubemend.yaml", "env DEEPSEEK_API_KEY", "kubemend.yaml + env". */
  readonly origin: string;
}

export interface ModelConfig {
  readonly models: Readonly<Record<string, ModelEntry>>;
  /** The model used for any role not listed in `roles`. */
  readonly defaultModel: string;
  readonly roles: Readonly<Record<string, string>>;
  readonly fallback: readonly string[];
  /** The file read, if any. */
  readonly file?: string;
  readonly warnings: readonly string[];
}

export type ConfigResult =
  | { readonly ok: true; readonly config: ModelConfig }
  | {
      readonly ok: false;
      readonly error: { readonly code: 'CONFIG_INVALID' | 'CONFIG_UNREADABLE'; readonly message: string };
    };

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  readonly cwd?: string;
  readonly home?: string;
  readonly env?: Env;
  /** An explicit file (a --config flag); it must exist. */
  readonly file?: string;
}

export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';
export const DASHSCOPE_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const OLLAMA_DEFAULT_HOST = 'http://localhost:11434';

export function configFileCandidates(cwd: string, home: string): readonly string[] {
  return [join(cwd, 'kubemend.yaml'), join(home, '.config', 'kubemend', 'config.yaml')];
}

export function loadModelConfig(options: LoadOptions = {}): ConfigResult {
  const env = options.env ?? process.env;
  const candidates = options.file
    ? [options.file]
    : configFileCandidates(options.cwd ?? process.cwd(), options.home ?? homedir());
  const file = candidates.find((f) => existsSync(f));
  if (options.file && !file) {
    return { ok: false, error: { code: 'CONFIG_UNREADABLE', message: `${options.file}: no such file` } };
  }
  let parsed: z.infer<typeof fileSchema> = {};
  if (file) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { ok: false, error: { code: 'CONFIG_UNREADABLE', message: `${file}: ${why}` } };
    }
    const result = fileSchema.safeParse(raw ?? {});
    if (!result.success) {
      const lines = result.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
      return { ok: false, error: { code: 'CONFIG_INVALID', message: lines.join('\n') } };
    }
    parsed = result.data;
  }
  return resolveConfig(parsed, env, file);
}

function envModels(env: Env): Record<string, Omit<ModelEntry, 'name'>> {
  const out: Record<string, Omit<ModelEntry, 'name'>> = {};
  const modelFrom = (variable: string): { model?: string } => (env[variable] ? { model: env[variable] } : {});
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) {
    out.openai = {
      provider: 'openai-compatible',
      baseURL: env.OPENAI_BASE_URL || OPENAI_BASE_URL,
      apiKeyEnv: 'OPENAI_API_KEY',
      ...modelFrom('OPENAI_MODEL'),
      origin: 'env OPENAI_API_KEY/OPENAI_BASE_URL',
    };
  }
  if (env.DEEPSEEK_API_KEY) {
    out.deepseek = {
      provider: 'openai-compatible',
      baseURL: DEEPSEEK_BASE_URL,
      apiKeyEnv: 'DEEPSEEK_API_KEY',
      ...modelFrom('DEEPSEEK_MODEL'),
      origin: 'env DEEPSEEK_API_KEY',
    };
  }
  if (env.DASHSCOPE_API_KEY) {
    out.qwen = {
      provider: 'openai-compatible',
      baseURL: env.DASHSCOPE_BASE_URL || DASHSCOPE_BASE_URL,
      apiKeyEnv: 'DASHSCOPE_API_KEY',
      ...modelFrom('QWEN_MODEL'),
      origin: 'env DASHSCOPE_API_KEY',
    };
  }
  if (env.OLLAMA_HOST) {
    out.ollama = {
      provider: 'openai-compatible',
      baseURL: ollamaBaseURL(env.OLLAMA_HOST),
      ...modelFrom('OLLAMA_MODEL'),
      origin: 'env OLLAMA_HOST',
    };
  }
  return out;
}

/** OLLAMA_HOST is what `ollama serve` reads: "host:port", "0.0.0.0", or a URL; its OpenAI API lives under /v1. */
export function ollamaBaseURL(host: string | undefined): string {
  const value = (host ?? '').trim() || OLLAMA_DEFAULT_HOST;
  // Like Ollama itself: a bare host gets port 11434; an explicit scheme keeps its own default port (80/443).
  const hasScheme = /^https?:\/\//.test(value);
  const url = new URL(hasScheme ? value : `http://${value}`);
  // 0.0.0.0 is a listen address, not one to connect to.
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (!hasScheme && !url.port) url.port = '11434';
  return `${url.origin}/v1`;
}

function resolveConfig(parsed: z.infer<typeof fileSchema>, env: Env, file: string | undefined): ConfigResult {
  const warnings: string[] = [];
  const models: Record<string, ModelEntry> = {
    builtin: { name: 'builtin', provider: 'builtin', origin: 'built in' },
  };
  const fromEnv = envModels(env);
  for (const [name, entry] of Object.entries(fromEnv)) models[name] = { name, ...entry };
  for (const [name, input] of Object.entries(parsed.models ?? {})) {
    const base = fromEnv[name];
    // The file wins field by field; the environment fills what the file leaves out (typically the key's variable).
    models[name] = {
      ...base,
      ...definedOnly(input),
      name,
      provider: input.provider,
      origin: base ? `${file} + ${base.origin}` : (file ?? 'config'),
    };
    if (input.apiKey) {
      warnings.push(
        `${file}: models.${name}.apiKey holds a key in the file; prefer apiKeyEnv (the name of a variable holding it)`,
      );
    }
  }
  const defaultModel = env.KUBEMEND_MODEL || parsed.default || 'builtin';
  const roles = parsed.roles ?? {};
  const fallback = parsed.fallback ?? [];
  const where = (field: string): string => (field === 'KUBEMEND_MODEL' ? 'env KUBEMEND_MODEL' : `${file}: ${field}`);
  const unknown = (name: string, field: string): ConfigResult => ({
    ok: false,
    error: {
      code: 'CONFIG_INVALID',
      message: `${where(field)}: no model named "${name}" (known: ${Object.keys(models).sort().join(', ')})`,
    },
  });
  if (!models[defaultModel]) return unknown(defaultModel, env.KUBEMEND_MODEL ? 'KUBEMEND_MODEL' : 'default');
  for (const [role, name] of Object.entries(roles)) if (!models[name]) return unknown(name, `roles.${role}`);
  for (const [i, name] of fallback.entries()) if (!models[name]) return unknown(name, `fallback.${i}`);
  return {
    ok: true,
    config: { models, defaultModel, roles, fallback, warnings, ...(file ? { file } : {}) },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
