// Slack incoming webhook with Block Kit. Slack rejects the whole message (HTTP 400 invalid_blocks) when one block breaks
// a limit, so every text is cut to its limit here: header 150, section text 3000, 10 fields of 2000, 10 context
// elements, 50 blocks.
import type { Notification } from '../remedy/types.js';
import { type DeliveringNotifier, type DeliveryResult, type HttpOptions, httpFailure, postJson } from './delivery.js';
import { buildMessage, clip, type NotificationMessage, type Tone } from './message.js';

export interface SlackOptions extends HttpOptions {
  readonly webhookUrl: string;
}

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
} as const;

// The diff is shown in at most this many code-block sections; beyond, it is cut (the audit log has it whole).
const MAX_DIFF_SECTIONS = 4;
const FENCE = '```';

const EMOJI: Readonly<Record<Tone, string>> = {
  danger: ':rotating_light:',
  warning: ':raised_hand:',
  success: ':white_check_mark:',
  info: ':information_source:',
};

/** Slack's mrkdwn control characters: without this, incident text could post `<!channel>`. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } };
}

function diffSections(diff: string): Record<string, unknown>[] {
  // Escaped before cutting, so a cut never splits an entity and the length checked is the length sent.
  const body = mrkdwn(diff.replace(/```/g, "'''"));
  const room = SLACK_LIMITS.sectionText - 2 * FENCE.length - 2;
  const chunks: string[] = [];
  for (let at = 0; at < body.length && chunks.length < MAX_DIFF_SECTIONS; ) {
    let end = Math.min(body.length, at + room);
    const newline = body.lastIndexOf('\n', end);
    if (end < body.length && newline > at) end = newline + 1;
    chunks.push(body.slice(at, end));
    at = end;
  }
  const shown = chunks.join('').length;
  if (shown < body.length) {
    const last = chunks.length - 1;
    chunks[last] = clip(`${chunks[last]}\n`, room - 40) + `… diff cut (${body.length - shown} more characters)`;
  }
  return chunks.map((chunk) => section(`${FENCE}\n${chunk.replace(/\n$/, '')}\n${FENCE}`));
}

/** The Block Kit blocks for a message, within Slack's limits. */
export function slackBlocks(m: NotificationMessage): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.title, SLACK_LIMITS.headerText), emoji: true } },
    section(`${EMOJI[m.tone]} *${mrkdwn(m.headline)}*`),
    {
      type: 'section',
      fields: m.facts.slice(0, SLACK_LIMITS.fields).map(([label, value]) => ({
        type: 'mrkdwn',
        text: clip(`*${label}*\n${mrkdwn(value)}`, SLACK_LIMITS.fieldText),
      })),
    },
  ];
  if (m.evidence.length > 0) {
    blocks.push({ type: 'divider' }, section(`*Evidence*\n${m.evidence.map((l) => `• ${mrkdwn(l)}`).join('\n')}`));
  }
  if (m.fix) blocks.push({ type: 'divider' }, section(`*Proposed change*\n${mrkdwn(m.fix)}`));
  if (m.diff) blocks.push(...diffSections(m.diff));
  if (m.approveCommand) blocks.push(section(`*To approve:* \`${mrkdwn(m.approveCommand)}\``));
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(mrkdwn(m.footer), SLACK_LIMITS.sectionText) }],
  });
  return blocks.slice(0, SLACK_LIMITS.blocks);
}

/** The webhook payload: `text` is the fallback Slack shows in notifications and to clients without blocks. */
export function slackPayload(m: NotificationMessage): { text: string; blocks: Record<string, unknown>[] } {
  return { text: clip(`${m.title}: ${m.headline}`, SLACK_LIMITS.sectionText), blocks: slackBlocks(m) };
}

export function createSlackNotifier(options: SlackOptions): DeliveringNotifier {
  return {
    name: 'slack',
    async send(n: Notification, sendOptions = {}): Promise<DeliveryResult> {
      const payload = slackPayload(buildMessage(n, [options.webhookUrl, ...(sendOptions.known ?? [])]));
      const sent = await postJson(options.webhookUrl, payload, options, sendOptions);
      if (!sent.ok) return sent;
      // Slack answers a plain-text "ok"; errors come as 4xx with a short code (invalid_blocks, no_service, ...).
      return sent.answer.status >= 200 && sent.answer.status < 300 ? { ok: true } : httpFailure('slack', sent.answer);
    },
  };
}
