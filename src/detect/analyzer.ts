import type { CoreV1Event } from '@kubernetes/client-node';
import { eventContainer, eventCount, eventFirstSeen, eventLastSeen, isWarning } from './events.js';
import type { Details, EventExcerpt, Finding, Problem } from './finding.js';
import { type HasMetadata, isClusterScoped, type KindMap, type KindName, type ObjectRef, refOf } from './kinds.js';
import { SnapshotRedactor } from './redaction-scope.js';
import type { ClusterSnapshot } from './snapshot.js';
import { toIso, toMs } from './time.js';

/** One analyzer per kind: it looks at one object of its kind (and anything else in the snapshot) and says what is wrong. */
export interface Analyzer<K extends KindName = KindName> {
  readonly name: string;
  readonly kind: K;
  analyze(target: KindMap[K], snapshot: ClusterSnapshot): readonly Problem[] | Promise<readonly Problem[]>;
}

export interface AnalysisError {
  readonly code: 'AnalyzerFailed';
  readonly analyzer: string;
  readonly object: ObjectRef;
  readonly message: string;
}

export interface AnalysisResult {
  readonly findings: readonly Finding[];
  /** An analyzer that throws on one odd object is reported here; the rest of the run goes on. */
  readonly errors: readonly AnalysisError[];
}

export interface RunOptions {
  /** Only this namespace; cluster-scoped analyzers (Node, PV, webhooks) are skipped. */
  readonly namespace?: string;
  /** Analyzer names or kinds to run, case-insensitive (`pod`, `Service`, `log`); empty means all. */
  readonly filter?: readonly string[];
}

const MAX_EVENTS_PER_FINDING = 6;

function selectAnalyzers(analyzers: readonly Analyzer[], options: RunOptions): Analyzer[] {
  const wanted = new Set((options.filter ?? []).map((f) => f.toLowerCase()));
  return analyzers.filter(
    (a) =>
      (wanted.size === 0 || wanted.has(a.name.toLowerCase()) || wanted.has(a.kind.toLowerCase())) &&
      (options.namespace === undefined || !isClusterScoped(a.kind)),
  );
}

function excerpt(e: CoreV1Event, redact: (s: string) => string): EventExcerpt {
  const first = toIso(eventFirstSeen(e));
  const last = toIso(eventLastSeen(e));
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: redact(e.message ?? ''),
    count: eventCount(e),
    ...(first !== undefined ? { firstSeen: first } : {}),
    ...(last !== undefined ? { lastSeen: last } : {}),
  };
}

function evidenceEvents(problem: Problem, uid: string, snapshot: ClusterSnapshot): CoreV1Event[] {
  if (problem.eventReasons?.length === 0) return [];
  const reasons = problem.eventReasons ? new Set(problem.eventReasons) : undefined;
  return snapshot.eventsFor(uid).filter((e) => {
    if (!isWarning(e) || (reasons && !reasons.has(e.reason ?? ''))) return false;
    const c = eventContainer(e);
    return problem.container === undefined || c === undefined || c === problem.container;
  });
}

function redactDetails(details: Details | undefined, redact: (s: string) => string): Details {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(details ?? {})) out[k] = typeof v === 'string' ? redact(v) : v;
  return out;
}

/** The shared skeleton: a Problem on `target` becomes a Finding with its evidence attached and redacted. */
function toFinding(
  analyzer: Analyzer,
  target: HasMetadata,
  problem: Problem,
  snapshot: ClusterSnapshot,
  redactor: SnapshotRedactor,
): Finding {
  const object = refOf(analyzer.kind, target);
  const redact = (s: string): string => redactor.text(object.namespace, s);
  const own = evidenceEvents(problem, object.uid, snapshot);
  const events = own.slice(0, MAX_EVENTS_PER_FINDING).map((e) => excerpt(e, redact));
  const now = snapshot.now().getTime();
  const starts = [toMs(problem.since), ...own.map(eventFirstSeen)].filter(
    (t): t is number => t !== undefined && t <= now,
  );
  const logs = problem.logs
    ? { ...problem.logs, lines: problem.logs.lines.map(redact), errorLines: problem.logs.errorLines.map(redact) }
    : undefined;
  return {
    analyzer: analyzer.name,
    object,
    failureClass: problem.failureClass,
    severity: problem.severity,
    reason: problem.reason,
    summary: redact(problem.summary),
    ...(problem.container !== undefined ? { container: problem.container } : {}),
    details: redactDetails(problem.details, redact),
    ...(problem.status
      ? { status: redactor.object(object.namespace, problem.status) as Readonly<Record<string, unknown>> }
      : {}),
    events,
    ...(logs ? { logs } : {}),
    ...(problem.partOf && problem.partOf.length > 0 ? { partOf: problem.partOf } : {}),
    ...(problem.evidenceOnly ? { evidenceOnly: true } : {}),
    firstSeen: new Date(starts.length > 0 ? Math.min(...starts) : now).toISOString(),
    lastSeen: new Date(now).toISOString(),
  };
}

/**
 * Runs analyzers and collects their findings. Most analyzers are synchronous; only those that read logs return
 * promises, so the common path stays free of a promise per object (a 10,000-pod pass would otherwise make
 * tens of thousands).
 */
class Collector {
  private readonly findings: Finding[] = [];
  private readonly errors: AnalysisError[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly redactor: SnapshotRedactor;

  constructor(private readonly snapshot: ClusterSnapshot) {
    this.redactor = new SnapshotRedactor(snapshot);
  }

  run(analyzer: Analyzer, target: HasMetadata): void {
    let result: ReturnType<Analyzer['analyze']>;
    try {
      result = analyzer.analyze(target as KindMap[KindName], this.snapshot);
    } catch (err) {
      this.fail(analyzer, target, err);
      return;
    }
    if (result instanceof Promise) {
      this.pending.push(
        result.then(
          (problems) => this.accept(analyzer, target, problems),
          (err: unknown) => this.fail(analyzer, target, err),
        ),
      );
    } else {
      this.accept(analyzer, target, result);
    }
  }

  async done(): Promise<AnalysisResult> {
    await Promise.all(this.pending);
    return { findings: sortFindings(this.findings), errors: this.errors };
  }

  private accept(analyzer: Analyzer, target: HasMetadata, problems: readonly Problem[]): void {
    try {
      for (const p of problems) this.findings.push(toFinding(analyzer, target, p, this.snapshot, this.redactor));
    } catch (err) {
      this.fail(analyzer, target, err);
    }
  }

  private fail(analyzer: Analyzer, target: HasMetadata, err: unknown): void {
    this.errors.push({
      code: 'AnalyzerFailed',
      analyzer: analyzer.name,
      object: refOf(analyzer.kind, target),
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Runs every selected analyzer over every object of its kind in the snapshot. */
export function runAnalyzers(
  analyzers: readonly Analyzer[],
  snapshot: ClusterSnapshot,
  options: RunOptions = {},
): Promise<AnalysisResult> {
  const collector = new Collector(snapshot);
  for (const analyzer of selectAnalyzers(analyzers, options)) {
    for (const target of snapshot.list(analyzer.kind, options.namespace)) collector.run(analyzer, target);
  }
  return collector.done();
}

/** One object to analyze, with its kind. */
export type Target = { readonly [K in KindName]: { readonly kind: K; readonly object: KindMap[K] } }[KindName];

/**
 * Runs, for each target, the analyzers of its kind: the incremental path (a watcher re-analyzing what changed,
 * see `analyzeWorkload`).
 */
export function analyzeTargets(
  analyzers: readonly Analyzer[],
  snapshot: ClusterSnapshot,
  targets: readonly Target[],
): Promise<AnalysisResult> {
  const collector = new Collector(snapshot);
  for (const target of targets) {
    for (const analyzer of analyzers) if (analyzer.kind === target.kind) collector.run(analyzer, target.object);
  }
  return collector.done();
}

// Promise.all finishes in I/O order; sorting keeps output (and tests) deterministic.
function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding): string =>
    `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}/${f.analyzer}/${f.failureClass}/${f.container ?? ''}`;
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
