import type { V1ResourceQuota } from '@kubernetes/client-node';
import { parseQuantity } from '../../kube/quantity.js';
import type { Analyzer } from '../analyzer.js';
import { eventLastSeen, isWarning } from '../events.js';
import type { ObjectRef } from '../kinds.js';
import { owningWorkload } from '../owners.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { MINUTE } from '../time.js';

const RECENT_EVENT = 15 * MINUTE;

/** Controllers in the namespace whose recent FailedCreate events name this quota. */
function blockedWorkloads(quota: V1ResourceQuota, snapshot: ClusterSnapshot): ObjectRef[] {
  const namespace = quota.metadata?.namespace;
  const name = quota.metadata?.name ?? '';
  const now = snapshot.now().getTime();
  const out = new Map<string, ObjectRef>();
  const controllers = [
    ...snapshot.list('ReplicaSet', namespace).map((o) => ['ReplicaSet', o] as const),
    ...snapshot.list('StatefulSet', namespace).map((o) => ['StatefulSet', o] as const),
    ...snapshot.list('DaemonSet', namespace).map((o) => ['DaemonSet', o] as const),
    ...snapshot.list('Job', namespace).map((o) => ['Job', o] as const),
  ];
  for (const [kind, obj] of controllers) {
    const blocked = snapshot
      .eventsFor(obj.metadata?.uid ?? '')
      .some(
        (e) =>
          isWarning(e) &&
          e.reason === 'FailedCreate' &&
          now - (eventLastSeen(e) ?? 0) <= RECENT_EVENT &&
          new RegExp(`(?:exceeded|failed) quota: ${name}\\b`).test(e.message ?? ''),
      );
    if (!blocked) continue;
    const workload = owningWorkload(kind, obj, snapshot);
    out.set(`${workload.kind}/${workload.name}`, workload);
  }
  return [...out.values()];
}

/** A quota with a resource used up: the next pod, scale-up or rollout in the namespace will be rejected. */
export const resourceQuotaAnalyzer: Analyzer<'ResourceQuota'> = {
  name: 'ResourceQuota',
  kind: 'ResourceQuota',
  analyze(quota, snapshot) {
    const hard = quota.status?.hard ?? {};
    const used = quota.status?.used ?? {};
    const exhausted = Object.keys(hard)
      .filter((r) => {
        const h = parseQuantity(hard[r]);
        const u = parseQuantity(used[r]);
        return h !== undefined && u !== undefined && u >= h;
      })
      .sort();
    if (exhausted.length === 0) return [];
    const text = exhausted.map((r) => `${r} ${used[r]}/${hard[r]}`).join(', ');
    const blocked = blockedWorkloads(quota, snapshot);
    return [
      {
        failureClass: 'QuotaExhausted',
        severity: blocked.length > 0 ? 'high' : 'low',
        reason: 'QuotaExhausted',
        summary: `quota used up: ${text}${blocked.length > 0 ? `; blocking ${blocked.map((w) => `${w.kind} ${w.name}`).join(', ')}` : ''}`,
        details: {
          exhausted: text,
          ...(blocked.length > 0 ? { blocking: blocked.map((w) => `${w.kind}/${w.name}`).join(', ') } : {}),
        },
        status: { hard, used },
        partOf: blocked,
      },
    ];
  },
};
