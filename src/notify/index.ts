// Notifications to people (Feishu / Lark, Slack, a generic webhook): what the repair loop and the daemon import.
export {
  type CreatedNotifiers,
  createNotifiers,
  loadNotifyConfig,
  type NotifyConfig,
  type NotifyConfigResult,
  parseNotifyConfig,
} from './config.js';
export type { DeliveringNotifier, DeliveryResult, HttpOptions, SendOptions } from './delivery.js';
export { type DeliveryEvent, type DispatcherOptions, NotifyDispatcher, type StopResult } from './dispatcher.js';
export { createFeishuNotifier, type FeishuOptions, feishuCard, feishuSign } from './feishu.js';
export { buildMessage, type NotificationMessage } from './message.js';
export { createSlackNotifier, SLACK_LIMITS, type SlackOptions, slackBlocks, slackPayload } from './slack.js';
export { createWebhookNotifier, type WebhookOptions, webhookPayload } from './webhook.js';
