// A generic JSON webhook, for whatever a team already runs (Alertmanager-style receivers, PagerDuty bridges, n8n):
// the same redacted content as the chat cards, as plain data.
import type { Notification } from '../remedy/types.js';
import { type DeliveringNotifier, type DeliveryResult, type HttpOptions, httpFailure, postJson } from './delivery.js';
import { buildMessage, type NotificationMessage } from './message.js';

export interface WebhookOptions extends HttpOptions {
  readonly url: string;
}

/** The body POSTed: `version` lets receivers cope with later additions. */
export function webhookPayload(m: NotificationMessage): Record<string, unknown> {
  const { redacted } = m;
  return {
    source: 'kubemend',
    version: 1,
    kind: m.kind,
    title: m.title,
    reason: m.headline,
    text: [m.title, m.headline, ...m.evidence].join('\n'),
    incident: redacted.incident,
    ...(redacted.fix ? { fix: redacted.fix } : {}),
    ...(m.diff ? { diff: m.diff } : {}),
    ...(m.approveCommand ? { approveCommand: m.approveCommand } : {}),
  };
}

export function createWebhookNotifier(options: WebhookOptions): DeliveringNotifier {
  return {
    name: 'webhook',
    async send(n: Notification, sendOptions = {}): Promise<DeliveryResult> {
      const payload = webhookPayload(buildMessage(n, [options.url, ...(sendOptions.known ?? [])]));
      const sent = await postJson(options.url, payload, options, sendOptions);
      if (!sent.ok) return sent;
      return sent.answer.status >= 200 && sent.answer.status < 300 ? { ok: true } : httpFailure('webhook', sent.answer);
    },
  };
}
