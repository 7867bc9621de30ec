// The receiver-neutral content of a notification: what a person needs to act (the workload, the failure, the evidence,
// the proposed change and its diff, how to approve), redacted once here so no formatter can forget to.
import { describeFix, type Fix } from '../agents/fix.js';
import type { Incident } from '../detect/incident.js';
import { redactObject } from '../redact/index.js';
import type { Notification } from '../remedy/types.js';

export type Tone = 'danger' | 'warning' | 'success' | 'info';

export interface NotificationMessage {
  readonly kind: Notification['kind'];
  readonly tone: Tone;
  readonly title: string;
  /** Why the person is being told: the notification's reason. */
  readonly headline: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** One line each: key details, Warning events, log lines that look like errors. */
  readonly evidence: readonly string[];
  readonly fix?: string;
  readonly diff?: string;
  readonly approveCommand?: string;
  readonly footer: string;
  /** The redacted notification, for receivers that take structured data. */
  readonly redacted: Notification;
}

const TITLES: Readonly<Record<Notification['kind'], string>> = {
  escalation: 'Needs a person',
  'approval-request': 'Approval requested',
  resolved: 'Repaired',
  'rolled-back': 'Repair rolled back',
};

const TONES: Readonly<Record<Notification['kind'], Tone>> = {
  escalation: 'danger',
  'approval-request': 'warning',
  resolved: 'success',
  'rolled-back': 'danger',
};

const MAX_EVENTS = 5;
const MAX_LOG_LINES = 5;
const MAX_LINE = 300;

/** Cuts `text` to at most `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number): string => `… (${n} more characters)`;
  const keep = Math.max(0, max - marker(text.length).length);
  return text.slice(0, keep) + marker(text.length - keep);
}

export function workloadName(incident: Incident): string {
  const w = incident.workload;
  return `${w.namespace ?? '-'}/${w.kind}/${w.name}`;
}

function evidenceLines(incident: Incident): string[] {
  const { evidence } = incident;
  const details = Object.entries(evidence.details).map(([k, v]) => `${k}: ${String(v)}`);
  const events = evidence.events
    .slice(0, MAX_EVENTS)
    .map(
      (e) =>
        `event ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}${e.object ? ` on ${e.object.kind}/${e.object.name}` : ''}: ${e.message}`,
    );
  const logs = evidence.logs
    ? evidence.logs.errorLines
        .slice(-MAX_LOG_LINES)
        .map((line) => `log ${evidence.logs?.pod}/${evidence.logs?.container}: ${line}`)
    : [];
  return [...details, ...events, ...logs].map((line) => clip(line.replace(/\s+/g, ' ').trim(), MAX_LINE));
}

/** Redacts the notification (patterns, credential-named keys, and the `known` values) and lays out its content. */
export function buildMessage(n: Notification, known: readonly string[] = []): NotificationMessage {
  const redacted = redactObject(n, { known }).value as Notification;
  const { incident } = redacted;
  const workload = workloadName(incident);
  const fix: Fix | undefined = redacted.fix;
  return {
    kind: redacted.kind,
    tone: TONES[redacted.kind],
    title: `${TITLES[redacted.kind]}: ${workload} ${incident.failureClass}`,
    headline: redacted.reason,
    facts: [
      ['Workload', workload],
      ['Failure', `${incident.failureClass} (${incident.reason})`],
      ['Severity', incident.severity],
      ['Cluster', incident.cluster || '-'],
      ['Summary', incident.summary],
      ['First seen', incident.firstSeen || '-'],
    ],
    evidence: evidenceLines(incident),
    ...(fix
      ? { fix: `${describeFix(fix)}\nExpected: ${fix.expected}\nRisk: ${fix.risk}; undo: ${fix.undo.description}` }
      : {}),
    ...(redacted.diff ? { diff: redacted.diff } : {}),
    ...(redacted.approveCommand ? { approveCommand: redacted.approveCommand } : {}),
    footer: `kubemend · incident ${incident.id} · fingerprint ${incident.fingerprint}`,
    redacted,
  };
}
