import type { V1LabelSelector } from '@kubernetes/client-node';

type Labels = { readonly [key: string]: string } | undefined;

export function formatLabels(labels: Labels): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function formatSelector(selector: V1LabelSelector | undefined): string {
  const parts = [formatLabels(selector?.matchLabels)];
  for (const req of selector?.matchExpressions ?? []) {
    if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator.toLowerCase()} (${(req.values ?? []).join(',')})`);
  }
  return parts.filter((p) => p.length > 0).join(',');
}

/** One selector label a candidate does not satisfy: `have` is absent when the candidate lacks the key. */
export interface LabelMismatch {
  readonly key: string;
  readonly want: string;
  readonly have?: string;
}

function labelMismatches(selector: { readonly [key: string]: string }, labels: Labels): LabelMismatch[] {
  const out: LabelMismatch[] = [];
  for (const [key, want] of Object.entries(selector)) {
    const have = labels?.[key];
    if (have !== want) out.push(have === undefined ? { key, want } : { key, want, have });
  }
  return out;
}

export function describeMismatch(m: LabelMismatch): string {
  return m.have === undefined
    ? `${m.key}: pods lack it (want ${m.want})`
    : `${m.key}: want ${m.want}, pods have ${m.have}`;
}

/**
 * The candidates that come closest to matching `selector` (fewest differing labels), with what differs. Used to
 * tell a person *which* label keeps a Service from its pods. Candidates that have none of the selector's keys are not close.
 */
export function closestMatches<T extends { readonly metadata?: { readonly labels?: Labels } }>(
  selector: { readonly [key: string]: string },
  candidates: readonly T[],
): { readonly candidates: readonly T[]; readonly mismatches: readonly LabelMismatch[] } | undefined {
  const size = Object.keys(selector).length;
  let best: T[] = [];
  let bestMismatches: LabelMismatch[] = [];
  for (const c of candidates) {
    const mm = labelMismatches(selector, c.metadata?.labels);
    const sharesAKey = mm.length < size || mm.some((m) => m.have !== undefined);
    if (!sharesAKey) continue;
    if (best.length === 0 || mm.length < bestMismatches.length) {
      best = [c];
      bestMismatches = mm;
    } else if (mm.length === bestMismatches.length && JSON.stringify(mm) === JSON.stringify(bestMismatches)) {
      best.push(c);
    }
  }
  return best.length === 0 ? undefined : { candidates: best, mismatches: bestMismatches };
}
