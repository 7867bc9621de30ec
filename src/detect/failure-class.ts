// The failure classes detection can report, with how they relate when several show up on one workload.

export const FAILURE_CLASSES = [
  'OOMKilled',
  'CrashLoopBackOff',
  'FrequentRestarts',
  'ContainerError',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'MissingPassword',
  'MissingReference',
  'Unschedulable',
  'SchedulingGated',
  'Evicted',
  'ProbeFailure',
  'MountFailure',
  'SandboxFailure',
  'ServiceNoEndpoints',
  'ServiceEndpointsNotReady',
  'IngressMisconfigured',
  'PVCPending',
  'PVCLost',
  'VolumeFailed',
  'JobFailed',
  'CronJobInvalidSchedule',
  'QuotaExceeded',
  'QuotaExhausted',
  'ReplicaCreateFailed',
  'RolloutStuck',
  'ReplicasUnavailable',
  'NodeNotReady',
  'NodePressure',
  'HPAMisconfigured',
  'HPAAtMaxReplicas',
  'PDBMisconfigured',
  'PDBBlocking',
  'NetworkPolicySelectsNothing',
  'NetworkPolicyDeniesService',
  'WebhookUnavailable',
  'LogErrors',
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityOrder(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityOrder(a) <= severityOrder(b) ? a : b;
}

/**
 * How close a class is to the root cause. On one workload, findings of a lower rank are folded into the
 * highest-ranked incident as evidence instead of becoming incidents of their own: pods that crash because a
 * liveness probe fails are one ProbeFailure, not a ProbeFailure plus a CrashLoopBackOff plus "0/3 replicas
 * available". Classes of equal rank stay separate incidents, because they need separate fixes.
 */
const RANK: Readonly<Record<FailureClass, number>> = {
  OOMKilled: 5,
  MissingPassword: 5,
  CreateContainerConfigError: 5,
  CreateContainerError: 5,
  ImagePullBackOff: 5,
  Unschedulable: 5,
  QuotaExceeded: 5,
  CronJobInvalidSchedule: 5,
  PVCPending: 5,
  PVCLost: 5,
  Evicted: 5,
  NodeNotReady: 5,
  NodePressure: 5,
  ServiceNoEndpoints: 5,
  IngressMisconfigured: 5,
  WebhookUnavailable: 5,
  HPAMisconfigured: 5,
  PDBMisconfigured: 5,
  NetworkPolicySelectsNothing: 5,
  NetworkPolicyDeniesService: 5,
  VolumeFailed: 5,
  MissingReference: 4,
  ProbeFailure: 3,
  MountFailure: 3,
  SandboxFailure: 3,
  ReplicaCreateFailed: 3,
  SchedulingGated: 3,
  JobFailed: 2,
  CrashLoopBackOff: 1,
  FrequentRestarts: 1,
  ContainerError: 1,
  ServiceEndpointsNotReady: 1,
  HPAAtMaxReplicas: 1,
  PDBBlocking: 1,
  QuotaExhausted: 1,
  RolloutStuck: 0,
  ReplicasUnavailable: 0,
  LogErrors: 0,
};

export function classRank(c: FailureClass): number {
  return RANK[c];
}
