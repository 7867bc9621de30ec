// The public API of detection. Any export added here becomes public API; named exports only.

export { type AnalyzeResult, analyzeSnapshot } from './analyze.js';
export {
  type AnalysisError,
  type AnalysisResult,
  type Analyzer,
  analyzeTargets,
  type RunOptions,
  runAnalyzers,
  type Target,
} from './analyzer.js';
export { ANALYZERS } from './analyzers/index.js';
export { FAILURE_CLASSES, type FailureClass, SEVERITIES, type Severity } from './failure-class.js';
export type { Details, EventExcerpt, Finding, LogExcerpt, Problem, Scalar } from './finding.js';
export { type FormatOptions, formatIncidents, incidentList, OUTPUT_FORMATS, type OutputFormat } from './format.js';
export {
  type Evidence,
  type FindingLine,
  fingerprintOf,
  type GroupOptions,
  groupFindings,
  INCIDENT_STATES,
  type Incident,
  type IncidentState,
  type StatusExcerpt,
} from './incident.js';
export { INCIDENT_API_VERSION, type IncidentList, IncidentListSchema, IncidentSchema } from './incident-schema.js';
export { type IncidentChange, IncidentTracker, type StateResult, type TrackerOptions } from './incident-tracker.js';
export { isClusterScoped, KIND_NAMES, type KindMap, type KindName, type ObjectRef } from './kinds.js';
export { ownerChain, owningWorkload } from './owners.js';
export {
  type ClusterSnapshot,
  type LogReader,
  type SnapshotOptions,
  SnapshotStore,
  snapshotFromObjects,
} from './snapshot.js';
