// The FailedScheduling message, built as kube-scheduler 1.32's FitError.Error() builds it: a histogram of
// per-node reasons ("3 Insufficient cpu"), sorted as strings, then the default preemption plugin's own
// histogram. Nodes a filter rejected as UnschedulableAndUnresolvable are ones preemption cannot help; the
// others find no victims, because the simulator runs every pod at the same priority.

import type { FilterFailure } from './node-filters.js';

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

function histogram(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of items) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');
}

export interface FitErrorInput {
  readonly totalNodes: number;
  /** One entry per rejected node. Ignored when a PreFilter plugin failed. */
  readonly failures: readonly FilterFailure[];
  /** A PreFilter plugin's message (e.g. unbound immediate PersistentVolumeClaims): applies to every node. */
  readonly preFilterMessage?: string;
  /** spec.preemptionPolicy: Never skips preemption. */
  readonly preemptionPolicy?: string;
}

export function fitErrorMessage(input: FitErrorInput): string {
  const n = input.totalNodes;
  let msg = `0/${n} nodes are available:`;
  if (input.preFilterMessage) msg += ` ${input.preFilterMessage}.`;
  else {
    const reasons = histogram(input.failures.flatMap((f) => f.reasons));
    if (reasons) msg += ` ${reasons}.`;
  }
  if (input.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`;
  const verdicts = input.preFilterMessage
    ? Array.from({ length: n }, () => 'Preemption is not helpful for scheduling')
    : input.failures.map((f) =>
        f.code === 'UnschedulableAndUnresolvable'
          ? 'Preemption is not helpful for scheduling'
          : 'No preemption victims found for incoming pod',
      );
  return `${msg} preemption: 0/${n} nodes are available: ${histogram(verdicts)}.`;
}
