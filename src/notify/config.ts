// The `notify:` section of kubemend.yaml. Webhook URLs and signing secrets are credentials, so the file names the
// environment variables that hold them, never the values (a plain `url` is accepted for the generic webhook only).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configFileCandidates, type Env } from '../llm/config.js';
import type { DeliveringNotifier, HttpOptions } from './delivery.js';
import { createFeishuNotifier } from './feishu.js';
import { createSlackNotifier } from './slack.js';
import { createWebhookNotifier } from './webhook.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

const notifySchema = z.strictObject({
  feishu: z.strictObject({ webhookEnv: envName, secretEnv: envName.optional() }).optional(),
  slack: z.strictObject({ webhookEnv: envName }).optional(),
  webhook: z
    .strictObject({ url: z.url().optional(), urlEnv: envName.optional() })
    .refine((w) => (w.url === undefined) !== (w.urlEnv === undefined), 'set exactly one of url and urlEnv')
    .optional(),
});

export type NotifyConfig = z.infer<typeof notifySchema>;

export type NotifyConfigResult =
  | { readonly ok: true; readonly config: NotifyConfig; readonly file?: string }
  | {
      readonly ok: false;
      readonly error: { readonly code: 'CONFIG_INVALID' | 'CONFIG_UNREADABLE'; readonly message: string };
    };

/** Validates a parsed `notify:` value (absent means no receivers). */
export function parseNotifyConfig(raw: unknown, where = 'notify'): NotifyConfigResult {
  const result = notifySchema.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  const lines = result.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`);
  return { ok: false, error: { code: 'CONFIG_INVALID', message: lines.join('\n') } };
}

/** Reads `notify:` from the same file the models come from (an explicit file, ./kubemend.yaml, ~/.config/kubemend/config.yaml). */
export function loadNotifyConfig(options: { cwd?: string; home?: string; file?: string } = {}): NotifyConfigResult {
  const candidates = options.file
    ? [options.file]
    : configFileCandidates(options.cwd ?? process.cwd(), options.home ?? homedir());
  const file = candidates.find((f) => existsSync(f));
  if (options.file && !file) {
    return { ok: false, error: { code: 'CONFIG_UNREADABLE', message: `${options.file}: no such file` } };
  }
  if (!file) return { ok: true, config: {} };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    return {
      ok: false,
      error: { code: 'CONFIG_UNREADABLE', message: `${file}: ${e instanceof Error ? e.message : String(e)}` },
    };
  }
  const notify = typeof raw === 'object' && raw !== null ? (raw as { notify?: unknown }).notify : undefined;
  const parsed = parseNotifyConfig(notify, `${file}: notify`);
  return parsed.ok ? { ...parsed, file } : parsed;
}

export interface CreatedNotifiers {
  readonly notifiers: readonly DeliveringNotifier[];
  /** Receivers left out because their variable is unset: worth a log line, not worth refusing to start. */
  readonly warnings: readonly string[];
  /** The secret values in use, to mask should any of them show up in a message. */
  readonly secrets: readonly string[];
}

/** Builds the configured receivers, reading their URLs and secrets from `env`. */
export function createNotifiers(config: NotifyConfig, env: Env, http: HttpOptions = {}): CreatedNotifiers {
  const notifiers: DeliveringNotifier[] = [];
  const warnings: string[] = [];
  const secrets: string[] = [];
  const read = (receiver: string, variable: string): string | undefined => {
    const value = env[variable]?.trim();
    if (!value) warnings.push(`notify.${receiver}: $${variable} is not set; ${receiver} notifications are off`);
    else secrets.push(value);
    return value || undefined;
  };
  if (config.feishu) {
    const webhookUrl = read('feishu', config.feishu.webhookEnv);
    const secret = config.feishu.secretEnv ? read('feishu', config.feishu.secretEnv) : undefined;
    if (webhookUrl && (secret || !config.feishu.secretEnv)) {
      notifiers.push(createFeishuNotifier({ ...http, webhookUrl, ...(secret ? { secret } : {}) }));
    }
  }
  if (config.slack) {
    const webhookUrl = read('slack', config.slack.webhookEnv);
    if (webhookUrl) notifiers.push(createSlackNotifier({ ...http, webhookUrl }));
  }
  if (config.webhook) {
    const url = config.webhook.url ?? (config.webhook.urlEnv ? read('webhook', config.webhook.urlEnv) : undefined);
    if (url) notifiers.push(createWebhookNotifier({ ...http, url }));
  }
  return { notifiers, warnings, secrets };
}
