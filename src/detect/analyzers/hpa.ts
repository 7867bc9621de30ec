import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import type { KindName } from '../kinds.js';
import type { ClusterSnapshot } from '../snapshot.js';

interface PodTemplateOwner {
  spec?: {
    template?: { spec?: { containers?: { name: string; resources?: { requests?: Record<string, string> } }[] } };
  };
}

/** Resource names (cpu, memory) the HPA scales on by utilization; v1 objects carry only a CPU target. */
function utilizationResources(hpa: V2HorizontalPodAutoscaler): string[] {
  const out = new Set<string>();
  for (const m of hpa.spec?.metrics ?? []) {
    if (m.type === 'Resource' && m.resource?.target.type === 'Utilization') out.add(m.resource.name);
  }
  const v1 = hpa.spec as { targetCPUUtilizationPercentage?: number } | undefined;
  if (v1?.targetCPUUtilizationPercentage !== undefined) out.add('cpu');
  return [...out];
}

function targetIssues(hpa: V2HorizontalPodAutoscaler, snapshot: ClusterSnapshot): string[] {
  const ref = hpa.spec?.scaleTargetRef;
  if (!ref) return ['no scaleTargetRef'];
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(ref.kind)) return [];
  const target = snapshot.get(ref.kind as KindName, hpa.metadata?.namespace, ref.name) as PodTemplateOwner | undefined;
  if (!target) return [`scale target ${ref.kind} "${ref.name}" does not exist`];
  const issues: string[] = [];
  for (const resource of utilizationResources(hpa)) {
    const missing = (target.spec?.template?.spec?.containers ?? [])
      .filter((c) => c.resources?.requests?.[resource] === undefined)
      .map((c) => c.name);
    if (missing.length > 0) {
      issues.push(
        `scales on ${resource} utilization but container(s) ${missing.join(', ')} of ${ref.kind} "${ref.name}" set no ${resource} request`,
      );
    }
  }
  return issues;
}

/**
 * An autoscaler that cannot work (missing target, no resource requests to compute utilization from, metrics
 * it cannot read) or that is pinned at its maximum.
 */
export const hpaAnalyzer: Analyzer<'HorizontalPodAutoscaler'> = {
  name: 'HorizontalPodAutoscaler',
  kind: 'HorizontalPodAutoscaler',
  analyze(hpa, snapshot) {
    const conditions = hpa.status?.conditions ?? [];
    const issues = targetIssues(hpa, snapshot);
    const inactive = conditions.find(
      (c) => (c.type === 'ScalingActive' || c.type === 'AbleToScale') && c.status === 'False',
    );
    if (inactive && issues.length === 0)
      issues.push(`${inactive.type}=False (${inactive.reason ?? ''}): ${inactive.message ?? ''}`);
    const problems: Problem[] = [];
    if (issues.length > 0) {
      problems.push({
        failureClass: 'HPAMisconfigured',
        severity: 'medium',
        reason: inactive?.reason ?? 'InvalidTarget',
        summary: issues.join('; '),
        details: {
          target: `${hpa.spec?.scaleTargetRef?.kind}/${hpa.spec?.scaleTargetRef?.name}`,
          issues: issues.join('; '),
        },
        status: { conditions },
      });
    }
    const limited = conditions.find(
      (c) => c.type === 'ScalingLimited' && c.status === 'True' && c.reason === 'TooManyReplicas',
    );
    const max = hpa.spec?.maxReplicas;
    if (problems.length === 0 && limited && (hpa.status?.desiredReplicas ?? 0) >= (max ?? Number.POSITIVE_INFINITY)) {
      problems.push({
        failureClass: 'HPAAtMaxReplicas',
        severity: 'low',
        reason: 'TooManyReplicas',
        summary: `autoscaler is pinned at its maximum of ${max} replicas and wants more: ${limited.message ?? ''}`,
        details: { maxReplicas: max ?? 0, currentReplicas: hpa.status?.currentReplicas ?? 0 },
        status: { conditions },
        ...(limited.lastTransitionTime ? { since: limited.lastTransitionTime } : {}),
      });
    }
    return problems;
  },
};
