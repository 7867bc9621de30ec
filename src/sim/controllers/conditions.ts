// Status conditions with the API conventions the controllers follow: lastTransitionTime moves only when
// the status flips, and setting an identical condition is a no-op (so status writes converge).

import type { Condition } from './shapes.js';

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition-style update: no change when status and reason are the same; otherwise replace,
 * keeping lastTransitionTime if the status did not change. Returns the new list (the input is not mutated).
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] {
  const list = conditions ?? [];
  const cur = findCondition(list, next.type);
  if (cur && cur.status === next.status && cur.reason === next.reason) return [...list];
  const merged =
    cur && cur.status === next.status && cur.lastTransitionTime
      ? { ...next, lastTransitionTime: cur.lastTransitionTime }
      : next;
  return [...list.filter((c) => c.type !== next.type), merged];
}

/** Like setCondition, but also refreshes the message (ReplicaSet/Job style conditions). */
export function upsertCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] {
  const list = conditions ?? [];
  const cur = findCondition(list, next.type);
  if (cur && cur.status === next.status && cur.reason === next.reason && cur.message === next.message) return [...list];
  const merged =
    cur && cur.status === next.status && cur.lastTransitionTime
      ? { ...next, lastTransitionTime: cur.lastTransitionTime }
      : next;
  return list.some((c) => c.type === next.type)
    ? list.map((c) => (c.type === next.type ? merged : c))
    : [...list, merged];
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
