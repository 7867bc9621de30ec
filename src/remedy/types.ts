// The contract shared by the remedy engine (R1), notifications/approvals (R2) and the daemon (R3).
// Additive changes only: the other helpers compile against these names.
import type { Fix } from '../agents/fix.js';
import type { Incident } from '../detect/incident.js';

export type RemedyMode = 'off' | 'suggest' | 'approve' | 'auto';

export interface PolicyConfig {
  mode: RemedyMode;
  namespaces?: Record<string, RemedyMode>;
  /** Keyed "ns/kind/name". */
  workloads?: Record<string, RemedyMode>;
  allowedActions: Fix['kind'][];
  /** Default ['kube-system']. */
  deniedNamespaces: string[];
  /** Default 2. */
  maxMemoryFactor: number;
  /** Default '4Gi'. */
  memoryCeiling: string;
  maxCpuFactor: number;
  cpuCeiling: string;
  replicas: { min: number; max: number };
  /** Default 3. */
  maxChangesPerWorkloadPerHour: number;
  /** Measured on the cluster clock; default 120. */
  verifyWindowSeconds: number;
  /** Default 300. */
  verifyTimeoutSeconds: number;
  /** Default 900. */
  approvalTimeoutSeconds: number;
}

export type PolicyDecision =
  | { allowed: true; mode: RemedyMode }
  | {
      allowed: false;
      code:
        | 'MODE_OFF'
        | 'DENIED_NAMESPACE'
        | 'ACTION_NOT_ALLOWED'
        | 'OUT_OF_BOUNDS'
        | 'RATE_LIMITED'
        | 'VETOED'
        | 'KNOWN_FAILURE';
      reason: string;
    };

export type RemediationOutcome =
  | 'resolved'
  | 'rolled-back'
  | 'suggested'
  | 'awaiting-approval'
  | 'refused'
  | 'escalated'
  | 'conflict'
  | 'dry-run-failed';

export type AuditStep =
  | 'proposed'
  | 'policy'
  | 'review'
  | 'dry-run'
  | 'applied'
  | 'verify'
  | 'rolled-back'
  | 'resolved'
  | 'escalated'
  | 'approval-requested'
  | 'approved'
  | 'rejected'
  | 'notified'
  | 'experience';

export interface AuditEntry {
  id: string;
  time: string;
  incidentId: string;
  fingerprint: string;
  /** "ns/kind/name" */
  workload: string;
  step: AuditStep;
  /** 'runbook:oom' | 'model:<name>' | 'person:<user>' | 'kubemend' | 'experience' */
  actor: string;
  reason: string;
  diff?: string;
  data?: unknown;
}

export interface Notification {
  kind: 'escalation' | 'approval-request' | 'resolved' | 'rolled-back';
  incident: Incident;
  fix?: Fix;
  diff?: string;
  reason: string;
  approveCommand?: string;
}

export interface Notifier {
  readonly name: string;
  send(n: Notification): Promise<{ ok: true } | { ok: false; error: string }>;
}
