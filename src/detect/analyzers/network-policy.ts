import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import { isEmptyLabelSelector, labelSelectorMatches } from '../../kube/label-selector.js';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { formatLabels, formatSelector } from '../labels.js';
import { isTerminalPod } from '../pod-helpers.js';
import { hasSelector, serviceBackends } from '../service-backends.js';
import type { ClusterSnapshot } from '../snapshot.js';

function coversIngress(np: V1NetworkPolicy): boolean {
  const types = np.spec?.policyTypes;
  return types === undefined || types.length === 0 || types.includes('Ingress');
}

function selects(np: V1NetworkPolicy, pod: V1Pod): boolean {
  return labelSelectorMatches(np.spec?.podSelector, pod.metadata?.labels);
}

/** Policies that isolate `pod` for ingress without admitting anything: traffic to it is dropped. */
function ingressDenied(pod: V1Pod, policies: readonly V1NetworkPolicy[]): V1NetworkPolicy[] | undefined {
  const isolating = policies.filter((np) => coversIngress(np) && selects(np, pod));
  if (isolating.length === 0) return undefined;
  return isolating.some((np) => (np.spec?.ingress ?? []).length > 0) ? undefined : isolating;
}

function deniedServices(np: V1NetworkPolicy, snapshot: ClusterSnapshot): Problem[] {
  const namespace = np.metadata?.namespace;
  const policies = snapshot.list('NetworkPolicy', namespace);
  const problems: Problem[] = [];
  for (const svc of snapshot.list('Service', namespace)) {
    if (!hasSelector(svc)) continue;
    const { pods } = serviceBackends(svc, snapshot);
    if (pods.length === 0) continue;
    const denied = pods.map((p) => ingressDenied(p, policies));
    if (denied.some((d) => d === undefined)) continue;
    // Several policies may isolate the same pods; the first by name reports, so the Service pages once.
    const names = [...new Set(denied.flatMap((d) => (d ?? []).map((p) => p.metadata?.name ?? '')))].sort();
    if (names[0] !== np.metadata?.name) continue;
    problems.push({
      failureClass: 'NetworkPolicyDeniesService',
      severity: 'high',
      reason: 'IngressDenied',
      summary: `denies all ingress to the ${pods.length} pod(s) behind Service "${svc.metadata?.name}" (${formatLabels(svc.spec?.selector)}): no policy selecting them has an ingress rule`,
      details: { service: svc.metadata?.name ?? '', isolatingPolicies: names.join(', '), pods: pods.length },
    });
  }
  return problems;
}

/**
 * A NetworkPolicy whose pod selector matches nothing (often a label typo), and policies that together leave a
 * Service's pods reachable by nobody. A policy selecting every pod is a common default-deny, not a mistake.
 */
export const networkPolicyAnalyzer: Analyzer<'NetworkPolicy'> = {
  name: 'NetworkPolicy',
  kind: 'NetworkPolicy',
  analyze(np, snapshot) {
    const selector = np.spec?.podSelector;
    if (!isEmptyLabelSelector(selector)) {
      const any = snapshot
        .list('Pod', np.metadata?.namespace)
        .some((p) => !isTerminalPod(p) && labelSelectorMatches(selector, p.metadata?.labels));
      if (!any) {
        return [
          {
            failureClass: 'NetworkPolicySelectsNothing',
            severity: 'low',
            reason: 'NoPodsSelected',
            summary: `podSelector ${formatSelector(selector)} matches no pods: the policy has no effect`,
            details: { podSelector: formatSelector(selector) },
          },
        ];
      }
    }
    return coversIngress(np) && (np.spec?.ingress ?? []).length === 0 ? deniedServices(np, snapshot) : [];
  },
};
