// What a restart does with a change a killed process left in flight: the journal holds the workload as it was
// before the engine ran. Unchanged spec (same generation): nothing was applied. One generation on: kubemend's
// change is live and unverified, so it is verified now, and rolled back to the journaled spec if it does not
// hold. More than one: someone else changed it too, and a person decides (a rollback would erase their edit).

import * as k8s from '@kubernetes/client-node';
import type { Incident } from '../detect/incident.js';
import type { Connection } from '../kube/connect.js';
import { readLive } from '../remedy/apply.js';
import type { AuditLog } from '../remedy/audit.js';
import { rollback, type Snapshot, snapshotOf } from '../remedy/rollback.js';
import type { PolicyConfig } from '../remedy/types.js';
import { verifyFix } from '../remedy/verify.js';
import type { RemedyRun } from './daemon.js';
import { type JournalEntry, workloadKey } from './journal.js';

/** The journal's `before`: the rollback snapshot plus the generation it was read at. */
export interface Captured extends Snapshot {
  readonly generation?: number;
}

function target(i: Incident) {
  return { kind: i.workload.kind, namespace: i.workload.namespace ?? '', name: i.workload.name };
}

export async function capture(conn: Connection, incident: Incident): Promise<Captured | undefined> {
  const read = await readLive(k8s.KubernetesObjectApi.makeApiClient(conn.kc), target(incident));
  if (!read.ok) return undefined;
  const generation = read.live.metadata.generation;
  return { ...snapshotOf(read.live), ...(generation === undefined ? {} : { generation }) };
}

export async function recoverInFlight(
  conn: Connection,
  audit: AuditLog,
  policy: PolicyConfig,
  entry: JournalEntry,
): Promise<RemedyRun> {
  const { incident } = entry;
  const before = entry.before as Captured | undefined;
  const log = (step: Parameters<AuditLog['append']>[0]['step'], reason: string, diff?: string) =>
    audit.append({
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      workload: workloadKey(incident),
      step,
      actor: 'kubemend',
      reason,
      ...(diff ? { diff } : {}),
    });
  const read = await readLive(k8s.KubernetesObjectApi.makeApiClient(conn.kc), target(incident));
  if (!read.ok || !before || before.generation === undefined) {
    const reason = `after a restart, the change in flight cannot be checked (${read.ok ? 'no spec was journaled' : read.message}); a person must look`;
    await log('escalated', reason);
    return { outcome: 'escalated', reason };
  }
  const now = read.live.metadata.generation ?? before.generation;
  if (now === before.generation) {
    const reason =
      'after a restart: the change in flight had not been applied (the spec is unchanged); nothing to undo';
    await log('verify', reason);
    return { outcome: 'refused', reason };
  }
  if (now !== before.generation + 1) {
    const reason = `after a restart: ${workloadKey(incident)} changed ${now - before.generation} times since kubemend read it (someone else edited it too); not verifying or rolling back over their change`;
    await log('escalated', reason);
    return { outcome: 'escalated', reason };
  }
  await log(
    'verify',
    `after a restart: the change in flight was applied (generation ${now}) and never verified; verifying it now`,
  );
  const verified = await verifyFix(conn, incident, {
    windowSeconds: policy.verifyWindowSeconds,
    timeoutSeconds: policy.verifyTimeoutSeconds,
  });
  if (verified.ok) {
    await log('resolved', `verified after the restart: ${verified.reason}`);
    return { outcome: 'resolved', reason: verified.reason };
  }
  await log('verify', `verification after the restart failed: ${verified.reason}`);
  const undone = await rollback(conn, { ...before, appliedGeneration: now });
  if (!undone.ok) {
    const reason = `the unverified change could not be rolled back (${undone.message}); a person must look`;
    await log('escalated', reason);
    return { outcome: 'escalated', reason };
  }
  await log('rolled-back', `restored the spec journaled before the change (${verified.reason})`, undone.diff);
  const reason = `the change applied before the restart did not hold (${verified.reason}) and was rolled back`;
  await log('escalated', reason);
  return { outcome: 'rolled-back', reason };
}
