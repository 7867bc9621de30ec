import { createHash } from 'node:crypto';
import type { FailureClass, Severity } from './failure-class.js';
import { classRank, maxSeverity, severityOrder } from './failure-class.js';
import type { EventExcerpt, Finding, LogExcerpt, Scalar } from './finding.js';
import { type HasMetadata, isKindName, type ObjectRef, refKey } from './kinds.js';
import { owningWorkload } from './owners.js';
import type { ClusterSnapshot } from './snapshot.js';

export const INCIDENT_STATES = ['open', 'diagnosing', 'fixing', 'resolved', 'escalated', 'suppressed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export interface StatusExcerpt {
  readonly object: ObjectRef;
  readonly container?: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** One finding folded into an incident, as one line. */
export interface FindingLine {
  readonly object: ObjectRef;
  readonly failureClass: FailureClass;
  readonly reason: string;
  readonly summary: string;
  readonly container?: string;
}

export interface Evidence {
  /** Key facts of the representative finding (container, limit, exit code, image, missing key...). */
  readonly details: Readonly<Record<string, Scalar>>;
  readonly status: readonly StatusExcerpt[];
  /** Warning events of the affected objects, newest first, each naming its object. */
  readonly events: readonly EventExcerpt[];
  readonly logs?: LogExcerpt;
  readonly findings: readonly FindingLine[];
}

/** What the rest of kubemend works on: one failure of one workload, with the evidence a person needs. Plain data. */
export interface Incident {
  /** Unique per episode; `groupFindings` uses the fingerprint, the tracker gives each episode its own id. */
  readonly id: string;
  /** Stable across passes, pod restarts and renames: cluster, namespace, owning workload, failure class. */
  readonly fingerprint: string;
  readonly cluster: string;
  readonly failureClass: FailureClass;
  readonly severity: Severity;
  readonly reason: string;
  /** One line, without the workload's name (it sits in `workload`). */
  readonly summary: string;
  readonly workload: ObjectRef;
  /** The objects the findings were made on, other than the workload itself (pods, mostly). */
  readonly affected: readonly ObjectRef[];
  readonly evidence: Evidence;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly state: IncidentState;
}

export interface GroupOptions {
  /** Names the cluster in fingerprints, so the same workload in two clusters is two incidents. */
  readonly cluster?: string;
}

const MAX_EVENTS = 10;
const MAX_STATUS = 5;
const MAX_LINES = 20;

export function fingerprintOf(cluster: string, workload: ObjectRef, failureClass: FailureClass): string {
  const key = [cluster, workload.namespace ?? '', workload.kind, workload.name, failureClass].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function resolveWorkload(ref: ObjectRef, snapshot: ClusterSnapshot): ObjectRef {
  if (!isKindName(ref.kind)) return ref;
  const obj = snapshot.get(ref.kind, ref.namespace, ref.name) as HasMetadata | undefined;
  if (!obj || (ref.uid !== '' && obj.metadata?.uid !== ref.uid)) return ref;
  return owningWorkload(ref.kind, obj, snapshot);
}

interface Group {
  readonly workload: ObjectRef;
  readonly own: Finding[];
  /** Findings that are part of this workload's failure but were made on something else (a Service, a quota). */
  readonly attached: Finding[];
}

function bySeverityThenName(a: Finding, b: Finding): number {
  return severityOrder(a.severity) - severityOrder(b.severity) || refKey(a.object).localeCompare(refKey(b.object));
}

// ISO-8601 UTC timestamps sort as strings.
function minIso(values: readonly string[]): string {
  return [...values].sort()[0] ?? '';
}

function maxIso(values: readonly string[]): string {
  return [...values].sort().at(-1) ?? '';
}

/** Replicas the workload wants, to say "3/3 pods" rather than "3 pods". */
function desiredPods(workload: ObjectRef, snapshot: ClusterSnapshot): number | undefined {
  const ns = workload.namespace;
  switch (workload.kind) {
    case 'Deployment':
      return snapshot.get('Deployment', ns, workload.name)?.spec?.replicas ?? undefined;
    case 'StatefulSet':
      return snapshot.get('StatefulSet', ns, workload.name)?.spec?.replicas ?? undefined;
    case 'ReplicaSet':
      return snapshot.get('ReplicaSet', ns, workload.name)?.spec?.replicas ?? undefined;
    case 'DaemonSet':
      return snapshot.get('DaemonSet', ns, workload.name)?.status?.desiredNumberScheduled;
    default:
      return undefined;
  }
}

/** A workload that wants pods and has none available: whatever is wrong with it is an outage. */
function isDown(workload: ObjectRef, snapshot: ClusterSnapshot): boolean {
  const ns = workload.namespace;
  if (workload.kind === 'Deployment') {
    const d = snapshot.get('Deployment', ns, workload.name);
    return (d?.spec?.replicas ?? 1) > 0 && d?.status !== undefined && (d.status.availableReplicas ?? 0) === 0;
  }
  if (workload.kind === 'StatefulSet') {
    const s = snapshot.get('StatefulSet', ns, workload.name);
    return (s?.spec?.replicas ?? 1) > 0 && s?.status !== undefined && (s.status.readyReplicas ?? 0) === 0;
  }
  if (workload.kind === 'DaemonSet') {
    const ds = snapshot.get('DaemonSet', ns, workload.name);
    return (ds?.status?.desiredNumberScheduled ?? 0) > 0 && (ds?.status?.numberAvailable ?? 0) === 0;
  }
  return false;
}

function eventsOf(findings: readonly Finding[]): EventExcerpt[] {
  const seen = new Set<string>();
  const out: EventExcerpt[] = [];
  for (const f of findings) {
    for (const e of f.events) {
      const object = e.object ?? f.object;
      const withObject = { ...e, object };
      const key = `${refKey(object)}|${e.reason}|${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(withObject);
    }
  }
  return out.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '')).slice(0, MAX_EVENTS);
}

function statusOf(findings: readonly Finding[]): StatusExcerpt[] {
  const seen = new Set<string>();
  const out: StatusExcerpt[] = [];
  for (const f of findings) {
    if (!f.status) continue;
    const key = `${refKey(f.object)}|${f.container ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ object: f.object, ...(f.container !== undefined ? { container: f.container } : {}), fields: f.status });
  }
  return out.slice(0, MAX_STATUS);
}

function sameContainer(a: Finding, b: Finding): boolean {
  return refKey(a.object) === refKey(b.object) && a.object.uid === b.object.uid && a.container === b.container;
}

function buildIncident(
  cluster: string,
  workload: ObjectRef,
  failureClass: FailureClass,
  primary: readonly Finding[],
  extra: readonly Finding[],
  snapshot: ClusterSnapshot,
): Incident {
  const sorted = [...primary].sort(bySeverityThenName);
  const rep = sorted[0] as Finding;
  const all = [...sorted, ...[...extra].sort(bySeverityThenName)];
  // Facts about the same container from folded findings (the exit code of the crash a missing password causes).
  const details: Record<string, Scalar> = {};
  for (const f of [...all].reverse()) if (sameContainer(f, rep)) Object.assign(details, f.details);
  Object.assign(details, rep.details);
  const objects = [...new Map(all.map((f) => [`${refKey(f.object)}|${f.object.uid}`, f.object])).values()];
  // The workload is named in `workload`; `affected` lists what inside it is failing (its pods, claims...).
  const parts = objects.filter((o) => refKey(o) !== refKey(workload));
  const affected = parts.length > 0 ? parts : objects;
  const pods = new Set(sorted.filter((f) => f.object.kind === 'Pod').map((f) => f.object.name));
  const desired = desiredPods(workload, snapshot);
  const count = desired !== undefined && desired >= pods.size ? `${pods.size}/${desired}` : String(pods.size);
  const podsText = pods.size > 0 && workload.kind !== 'Pod' ? ` (${count} pod${count === '1' ? '' : 's'})` : '';
  let severity = all.map((f) => f.severity).reduce(maxSeverity);
  if (isDown(workload, snapshot)) severity = 'critical';
  const logs = rep.logs ?? all.find((f) => f.logs && sameContainer(f, rep))?.logs ?? all.find((f) => f.logs)?.logs;
  const fingerprint = fingerprintOf(cluster, workload, failureClass);
  return {
    id: fingerprint,
    fingerprint,
    cluster,
    failureClass,
    severity,
    reason: rep.reason,
    summary: `${rep.summary}${podsText}`,
    workload,
    affected,
    evidence: {
      details,
      status: statusOf(all),
      events: eventsOf(all),
      ...(logs ? { logs } : {}),
      findings: all.slice(0, MAX_LINES).map((f) => ({
        object: f.object,
        failureClass: f.failureClass,
        reason: f.reason,
        summary: f.summary,
        ...(f.container !== undefined ? { container: f.container } : {}),
      })),
    },
    firstSeen: minIso(all.map((f) => f.firstSeen)),
    lastSeen: maxIso(all.map((f) => f.lastSeen)),
    state: 'open',
  };
}

function incidentsOf(cluster: string, group: Group, snapshot: ClusterSnapshot): Incident[] {
  const top = Math.max(...group.own.map((f) => classRank(f.failureClass)));
  const primaryClasses = [
    ...new Set(group.own.filter((f) => classRank(f.failureClass) === top).map((f) => f.failureClass)),
  ];
  const lower = group.own.filter((f) => classRank(f.failureClass) < top);
  // Lower-ranked findings join the most severe incident: they are its symptoms, not separate failures.
  const lead = primaryClasses
    .map((c) => ({
      c,
      severity: group.own
        .filter((f) => f.failureClass === c)
        .map((f) => f.severity)
        .reduce(maxSeverity),
    }))
    .sort((a, b) => severityOrder(a.severity) - severityOrder(b.severity) || a.c.localeCompare(b.c))[0]?.c;
  return primaryClasses.map((c) =>
    buildIncident(
      cluster,
      group.workload,
      c,
      group.own.filter((f) => f.failureClass === c),
      c === lead ? [...lower, ...group.attached] : [],
      snapshot,
    ),
  );
}

/**
 * Turns findings into incidents: one per (owning workload, failure class), so ten crashing pods of a Deployment
 * are one incident on the Deployment. On one workload, findings closer to a symptom (CrashLoopBackOff, replicas
 * unavailable, log errors) fold into the incident of the root cause (OOMKilled, ProbeFailure, MissingPassword);
 * findings marked `partOf` a workload that has its own incident fold into it; evidence-only findings join
 * their workload's incident or are dropped.
 */
export function groupFindings(
  findings: readonly Finding[],
  snapshot: ClusterSnapshot,
  options: GroupOptions = {},
): Incident[] {
  const cluster = options.cluster ?? 'default';
  const groups = new Map<string, Group>();
  const groupFor = (workload: ObjectRef): Group => {
    const key = refKey(workload);
    let g = groups.get(key);
    if (!g) {
      g = { workload, own: [], attached: [] };
      groups.set(key, g);
    }
    return g;
  };
  const deferred: Finding[] = [];
  const evidence: Finding[] = [];
  for (const f of findings) {
    if (f.evidenceOnly) evidence.push(f);
    else if (f.partOf && f.partOf.length > 0) deferred.push(f);
    else groupFor(resolveWorkload(f.object, snapshot)).own.push(f);
  }
  for (const f of evidence) {
    const host = groups.get(refKey(resolveWorkload(f.object, snapshot)));
    if (host && host.own.length > 0) host.attached.push(f);
  }
  for (const f of deferred) {
    const host = (f.partOf ?? [])
      .map((ref) => groups.get(refKey(resolveWorkload(ref, snapshot))))
      .find((g) => g !== undefined && g.own.length > 0);
    if (host) host.attached.push(f);
    else groupFor(resolveWorkload(f.object, snapshot)).own.push(f);
  }
  return [...groups.values()]
    .filter((g) => g.own.length > 0)
    .flatMap((g) => incidentsOf(cluster, g, snapshot))
    .sort(
      (a, b) =>
        severityOrder(a.severity) - severityOrder(b.severity) ||
        refKey(a.workload).localeCompare(refKey(b.workload)) ||
        a.failureClass.localeCompare(b.failureClass),
    );
}
