import { type AnalysisError, type RunOptions, runAnalyzers } from './analyzer.js';
import { ANALYZERS } from './analyzers/index.js';
import { type GroupOptions, groupFindings, type Incident } from './incident.js';
import type { ClusterSnapshot } from './snapshot.js';

export interface AnalyzeResult {
  readonly incidents: readonly Incident[];
  readonly errors: readonly AnalysisError[];
}

/** One full pass, what `kubemend analyze` runs: every analyzer over the snapshot, grouped into incidents. */
export async function analyzeSnapshot(
  snapshot: ClusterSnapshot,
  options: RunOptions & GroupOptions = {},
): Promise<AnalyzeResult> {
  const { findings, errors } = await runAnalyzers(ANALYZERS, snapshot, options);
  return { incidents: groupFindings(findings, snapshot, options), errors };
}
