import type { V1Pod } from '@kubernetes/client-node';
import { type AnalysisError, type Analyzer, analyzeTargets, type Target } from './analyzer.js';
import { type GroupOptions, groupFindings, type Incident } from './incident.js';
import { type ObjectRef, refKey, refOf } from './kinds.js';
import { matchesLabels, matchesSelector } from './labels.js';
import { owningWorkload } from './owners.js';
import type { ClusterSnapshot } from './snapshot.js';

export interface WorkloadAnalysis {
  readonly incidents: readonly Incident[];
  readonly errors: readonly AnalysisError[];
  /**
   * Whether a tracked incident falls inside what this pass looked at: pass it to `IncidentTracker.observe` as
   * the scope, so that a pass over one workload resolves only that workload's incidents.
   */
  readonly covers: (incident: Incident) => boolean;
}

/**
 * Everything whose analysis can change when `workload` or one of its pods changes: the workload, the controllers
 * and pods it owns, its claims, and the Services and PodDisruptionBudgets selecting its pods.
 */
function targetsOf(workload: ObjectRef, snapshot: ClusterSnapshot): { targets: Target[]; covered: ObjectRef[] } {
  const ns = workload.namespace;
  const key = refKey(workload);
  const targets: Target[] = [];
  const self = snapshot.get(workload.kind as Target['kind'], ns, workload.name);
  if (self) targets.push({ kind: workload.kind as Target['kind'], object: self });
  const owned = <K extends 'Pod' | 'ReplicaSet' | 'Job' | 'PersistentVolumeClaim'>(kind: K) =>
    snapshot.list(kind, ns).filter((o) => refKey(owningWorkload(kind, o, snapshot)) === key && refKey(refOf(kind, o)) !== key);
  const pods = owned('Pod') as V1Pod[];
  for (const kind of ['ReplicaSet', 'Job', 'PersistentVolumeClaim'] as const) {
    for (const object of owned(kind)) targets.push({ kind, object });
  }
  for (const object of pods) targets.push({ kind: 'Pod', object });
  if (workload.kind === 'Pod' && self) pods.push(self as V1Pod);
  const covered: ObjectRef[] = [workload];
  for (const svc of snapshot.list('Service', ns)) {
    const selector = svc.spec?.selector;
    if (selector && Object.keys(selector).length > 0 && pods.some((p) => matchesLabels(p.metadata?.labels, selector))) {
      targets.push({ kind: 'Service', object: svc });
      covered.push(refOf('Service', svc));
    }
  }
  for (const pdb of snapshot.list('PodDisruptionBudget', ns)) {
    if (pods.some((p) => matchesSelector(p.metadata?.labels, pdb.spec?.selector))) {
      targets.push({ kind: 'PodDisruptionBudget', object: pdb });
      covered.push(refOf('PodDisruptionBudget', pdb));
    }
  }
  return { targets, covered };
}

/**
 * An incremental pass over one workload, for a watcher: when a pod or controller changes, analyze its owning
 * workload (`owningWorkload`) whole, so its incident is built from all its pods and not from the one that changed.
 */
export async function analyzeWorkload(
  analyzers: readonly Analyzer[],
  snapshot: ClusterSnapshot,
  workload: ObjectRef,
  options: GroupOptions = {},
): Promise<WorkloadAnalysis> {
  const { targets, covered } = targetsOf(workload, snapshot);
  const { findings, errors } = await analyzeTargets(analyzers, snapshot, targets);
  const keys = new Set(covered.map(refKey));
  return {
    incidents: groupFindings(findings, snapshot, options),
    errors,
    covers: (incident) => keys.has(refKey(incident.workload)),
  };
}
