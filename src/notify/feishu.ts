// Feishu / Lark custom bot (群自定义机器人): an interactive card POSTed to the bot's webhook, signed when the bot has
// signature verification on. Feishu's algorithm: the string `timestamp + "\n" + secret` is the HMAC-SHA256 KEY, the message
// is empty, the digest is Base64; the timestamp is in seconds and must be within an hour of Feishu's clock.
import { createHmac } from 'node:crypto';
import type { Notification } from '../remedy/types.js';
import { type DeliveringNotifier, type DeliveryResult, type HttpOptions, httpFailure, postJson } from './delivery.js';
import { buildMessage, clip, type NotificationMessage, type Tone } from './message.js';

export interface FeishuOptions extends HttpOptions {
  readonly webhookUrl: string;
  /** The bot's signature secret (签名校验); omit when the bot has none. */
  readonly secret?: string;
  /** Epoch ms; the signature's timestamp comes from it. */
  readonly clock?: () => number;
}

/** Feishu's custom-bot signature for `timestampSeconds`. */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const TEMPLATES: Readonly<Record<Tone, string>> = { danger: 'red', warning: 'orange', success: 'green', info: 'blue' };

// Feishu rejects custom-bot requests over about 20 KB; the diff is the only part that can be long.
const MAX_DIFF = 6000;
const MAX_TEXT = 2000;

/** Card markdown: `<` would let incident text inject `<at id=all>` (and Feishu's lark_md takes HTML entities). */
function md(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function textBlock(content: string): Record<string, unknown> {
  return { tag: 'div', text: { tag: 'lark_md', content: clip(content, MAX_TEXT) } };
}

/** The interactive card (message card JSON: header + elements) for a message. */
export function feishuCard(m: NotificationMessage): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [
    textBlock(`**${md(m.headline)}**`),
    {
      tag: 'div',
      fields: m.facts.map(([label, value]) => ({
        is_short: label !== 'Summary',
        text: { tag: 'lark_md', content: `**${label}**\n${md(clip(value, 500))}` },
      })),
    },
  ];
  if (m.evidence.length > 0) {
    elements.push({ tag: 'hr' }, textBlock(`**Evidence**\n${m.evidence.map((line) => `- ${md(line)}`).join('\n')}`));
  }
  if (m.fix) elements.push({ tag: 'hr' }, textBlock(`**Proposed change**\n${md(m.fix)}`));
  if (m.diff) {
    const fence = m.diff.includes('```') ? '~~~' : '```';
    elements.push({ tag: 'markdown', content: `${fence}diff\n${clip(m.diff, MAX_DIFF)}\n${fence}` });
  }
  if (m.approveCommand) elements.push(textBlock(`**To approve**\n\`${md(m.approveCommand)}\``));
  elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: m.footer }] });
  return {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: clip(m.title, 200) }, template: TEMPLATES[m.tone] },
    elements,
  };
}

// Feishu answers HTTP 200 with a business code; 11232 is its send-rate limit, worth waiting out.
const RATE_LIMITED_CODES = new Set([11232]);

function feishuAnswer(text: string): DeliveryResult {
  let body: { code?: unknown; StatusCode?: unknown; msg?: unknown; StatusMessage?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, error: 'feishu answered something that is not JSON', retryable: true };
  }
  const code = body.code ?? body.StatusCode ?? 0;
  if (code === 0) return { ok: true };
  const msg = String(body.msg ?? body.StatusMessage ?? '');
  return {
    ok: false,
    error: `feishu rejected the message: code ${String(code)}${msg ? ` ${msg}` : ''}`,
    retryable: typeof code === 'number' && RATE_LIMITED_CODES.has(code),
  };
}

export function createFeishuNotifier(options: FeishuOptions): DeliveringNotifier {
  const clock = options.clock ?? Date.now;
  const secrets = [options.webhookUrl, ...(options.secret ? [options.secret] : [])];
  return {
    name: 'feishu',
    async send(n: Notification, sendOptions = {}): Promise<DeliveryResult> {
      const card = feishuCard(buildMessage(n, [...secrets, ...(sendOptions.known ?? [])]));
      const timestamp = Math.floor(clock() / 1000);
      const signature = options.secret
        ? { timestamp: String(timestamp), sign: feishuSign(timestamp, options.secret) }
        : {};
      const sent = await postJson(
        options.webhookUrl,
        { ...signature, msg_type: 'interactive', card },
        options,
        sendOptions,
      );
      if (!sent.ok) return sent;
      const { answer } = sent;
      return answer.status >= 200 && answer.status < 300 ? feishuAnswer(answer.text) : httpFailure('feishu', answer);
    },
  };
}
