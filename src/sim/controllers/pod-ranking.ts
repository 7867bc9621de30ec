// Which pods a controller removes first when scaling down (controller.ActivePodsWithRanks): unscheduled,
// then pending, then not ready, then cheap to delete, then doubled up on a node, then recently ready, then
// crash-looping, then newest.

import type { KubeObject } from '../objects.js';
import { podReadyCondition, podStatusView } from './pod-status.js';

const PHASE_ORDER: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function nodeOf(p: KubeObject): string {
  return ((p.spec as { nodeName?: string } | undefined)?.nodeName ?? '') as string;
}

function readyTime(p: KubeObject): number | undefined {
  const c = podReadyCondition(p);
  if (c?.status !== 'True') return undefined;
  const t = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

function maxRestarts(p: KubeObject): number {
  return Math.max(0, ...(podStatusView(p).containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function cost(p: KubeObject): number {
  const v = Number(p.metadata.annotations?.[DELETION_COST] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/** Orders `pods` so that the first ones are the best to delete. `related` are the pods that count toward
 *  "doubled up on the same node". */
export function rankForDeletion(pods: readonly KubeObject[], related: readonly KubeObject[]): KubeObject[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = nodeOf(p);
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KubeObject): number => (nodeOf(p) ? (perNode.get(nodeOf(p)) ?? 0) : 0);
  const created = (p: KubeObject): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return [...pods].sort((a, b) => {
    const na = nodeOf(a);
    const nb = nodeOf(b);
    if (na !== nb && (!na || !nb)) return na ? 1 : -1;
    const pa = PHASE_ORDER[podStatusView(a).phase ?? 'Pending'] ?? 0;
    const pb = PHASE_ORDER[podStatusView(b).phase ?? 'Pending'] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = readyTime(a);
    const rb = readyTime(b);
    if ((ra === undefined) !== (rb === undefined)) return ra === undefined ? -1 : 1;
    if (cost(a) !== cost(b)) return cost(a) - cost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ra !== undefined && rb !== undefined && ra !== rb) return rb - ra;
    if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
    return created(b) - created(a);
  });
}
