// Experience: a fix that was verified for an incident fingerprint is tried first the next time the same incident
// opens (no runbook lookup, no model call); a fix that failed or was rolled back is remembered and not retried.

import type { Fix } from '../agents/fix.js';
import type { Incident } from '../detect/index.js';
import type { ExperienceStore, FixOutcome } from '../memory/index.js';
import type { Proposal } from './runbooks.js';

/** The change a Fix makes, without what pins it to one read of the object: equal changes compare equal. */
export function changeOf(fix: Fix): unknown {
  const { resourceVersion: _rv, generation: _gen, ...target } = fix.target;
  const { toRevision: _rev, ...rest } = fix;
  return { ...rest, target };
}

function evidenceText(incident: Incident): string {
  const e = incident.evidence;
  return [
    incident.summary,
    ...e.events.map((x) => `${x.reason}: ${x.message}`),
    ...(e.logs?.errorLines ?? []),
    ...e.findings.map((f) => f.summary),
  ].join('\n');
}

/** The fix that resolved this very incident before, if any (similar incidents elsewhere are the runbooks' job). */
export function fromExperience(store: ExperienceStore, incident: Incident): Proposal | undefined {
  const best = store.bestFixFor(incident.fingerprint, {
    failureClass: incident.failureClass,
    text: evidenceText(incident),
  });
  if (best?.match !== 'exact') return undefined;
  const fix = best.attempt.change as Fix;
  if (!fix || typeof fix !== 'object' || !('kind' in fix) || !('target' in fix)) return undefined;
  return { kind: 'fix', fix, actor: 'experience' };
}

export async function remember(
  store: ExperienceStore,
  incident: Incident,
  fix: Fix,
  outcome: FixOutcome,
  actor: string,
  fixId: string,
): Promise<void> {
  await store.record({
    fingerprint: incident.fingerprint,
    failureClass: incident.failureClass,
    fixId,
    action: fix.expected,
    change: changeOf(fix),
    outcome,
    evidence: evidenceText(incident),
    actor,
  });
}
