import type { CoreV1Event } from '@kubernetes/client-node';
import { eventLastSeen, isWarning } from './events.js';
import type { Problem } from './finding.js';
import type { HasMetadata } from './kinds.js';
import { parseQuotaMessage } from './messages.js';
import type { ClusterSnapshot } from './snapshot.js';
import { MINUTE } from './time.js';

// Controllers retry pod creation continuously and repeat the event; an older one was resolved by a retry.
const RECENT_EVENT = 15 * MINUTE;

interface ConditionLike {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: Date | string;
}

function latestFailedCreate(obj: HasMetadata, snapshot: ClusterSnapshot): CoreV1Event | undefined {
  const now = snapshot.now().getTime();
  return snapshot
    .eventsFor(obj.metadata?.uid ?? '')
    .find((e) => isWarning(e) && e.reason === 'FailedCreate' && now - (eventLastSeen(e) ?? 0) <= RECENT_EVENT);
}

/**
 * A controller that cannot create its pods: from its recent FailedCreate events or a ReplicaFailure condition.
 * Quota rejections become QuotaExceeded naming the quota and the numbers; anything else ReplicaCreateFailed.
 */
export function failedCreateProblem(
  obj: HasMetadata,
  snapshot: ClusterSnapshot,
  conditions: readonly ConditionLike[] | undefined,
): Problem | undefined {
  const event = latestFailedCreate(obj, snapshot);
  const condition = conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const message = event?.message ?? condition?.message;
  if (message === undefined) return undefined;
  const quota = parseQuotaMessage(message);
  const since = condition?.lastTransitionTime;
  const status = condition ? { conditions: [condition] } : undefined;
  if (quota) {
    const numbers = quota.mustSpecify
      ? `pods must specify ${quota.mustSpecify}`
      : `requested ${quota.requested}, used ${quota.used}, limited ${quota.limited}`;
    return {
      failureClass: 'QuotaExceeded',
      severity: 'high',
      reason: 'FailedCreate',
      summary: `cannot create pods: ResourceQuota "${quota.quota}" exceeded: ${numbers}`,
      details: {
        quota: quota.quota,
        ...(quota.requested !== undefined ? { requested: quota.requested } : {}),
        ...(quota.used !== undefined ? { used: quota.used } : {}),
        ...(quota.limited !== undefined ? { limited: quota.limited } : {}),
        ...(quota.mustSpecify !== undefined ? { mustSpecify: quota.mustSpecify } : {}),
        message,
      },
      ...(status ? { status } : {}),
      eventReasons: ['FailedCreate'],
      ...(since ? { since } : {}),
    };
  }
  return {
    failureClass: 'ReplicaCreateFailed',
    severity: 'high',
    reason: 'FailedCreate',
    summary: `cannot create pods: ${message}`,
    details: { message },
    ...(status ? { status } : {}),
    eventReasons: ['FailedCreate'],
    ...(since ? { since } : {}),
  };
}
