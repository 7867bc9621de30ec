import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { uniqueRefs } from '../kinds.js';
import { closestMatches, describeMismatch, formatLabels } from '../labels.js';
import { owningWorkload } from '../owners.js';
import { hasSelector, serviceBackends, workloadsSelectedBy } from '../service-backends.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { MINUTE, toMs } from '../time.js';

// Pods and Services come up together; endpoints lag a little behind pods becoming ready.
const STARTUP_GRACE = 2 * MINUTE;

function isYoung(obj: { metadata?: { creationTimestamp?: Date | string } }, nowMs: number): boolean {
  const created = toMs(obj.metadata?.creationTimestamp);
  return created !== undefined && nowMs - created < STARTUP_GRACE;
}

function noPodsProblem(svc: V1Service, snapshot: ClusterSnapshot): Problem | undefined {
  const selector = svc.spec?.selector ?? {};
  const namespace = svc.metadata?.namespace;
  const selectorText = formatLabels(selector);
  const owners = workloadsSelectedBy(selector, namespace, snapshot);
  if (owners.length > 0) {
    // Scaled to zero on purpose: nothing to serve, nothing wrong.
    if (owners.every((o) => o.desired === 0)) return undefined;
    const names = owners.map((o) => `${o.ref.kind} ${o.ref.name}`).join(', ');
    return {
      failureClass: 'ServiceEndpointsNotReady',
      severity: 'high',
      reason: 'NoPods',
      summary: `selector ${selectorText} matches ${names}, which has no running pods: the Service has no endpoints`,
      details: { selector: selectorText, backingWorkloads: names, readyEndpoints: 0 },
      partOf: owners.map((o) => o.ref),
    };
  }
  const candidates = snapshot.list('Pod', namespace).filter((p) => p.status?.phase !== 'Succeeded');
  const closest = closestMatches(selector, candidates);
  if (!closest) {
    return {
      failureClass: 'ServiceNoEndpoints',
      severity: 'high',
      reason: 'NoEndpoints',
      summary: `selector ${selectorText} matches no pods, and no pod in the namespace has any of its labels`,
      details: { selector: selectorText, matchingPods: 0 },
    };
  }
  const first = closest.candidates[0] as V1Pod;
  const owner = owningWorkload('Pod', first, snapshot);
  const holder =
    owner.kind === 'Pod'
      ? `pod ${first.metadata?.name}`
      : `pods of ${owner.kind} ${owner.name} (e.g. ${first.metadata?.name})`;
  const diff = closest.mismatches.map(describeMismatch).join('; ');
  return {
    failureClass: 'ServiceNoEndpoints',
    severity: 'high',
    reason: 'NoEndpoints',
    summary: `selector ${selectorText} matches no pods; closest: ${holder}, which differ in ${diff}`,
    details: {
      selector: selectorText,
      matchingPods: 0,
      closestPod: first.metadata?.name ?? '',
      closestPodLabels: formatLabels(first.metadata?.labels),
      ...(owner.kind !== 'Pod' ? { closestWorkload: `${owner.kind}/${owner.name}` } : {}),
      labelDiff: diff,
    },
  };
}

function missingTargetPort(svc: V1Service, pods: readonly V1Pod[]): Problem | undefined {
  for (const port of svc.spec?.ports ?? []) {
    const target = port.targetPort;
    if (typeof target !== 'string' || /^\d+$/.test(target)) continue;
    const served = pods.some((p) => p.spec?.containers.some((c) => c.ports?.some((cp) => cp.name === target)));
    if (!served) {
      // The endpoints controller skips pods that do not declare a named target port.
      return {
        failureClass: 'ServiceNoEndpoints',
        severity: 'high',
        reason: 'TargetPortNotFound',
        summary: `port ${port.name ?? port.port} targets the named port "${target}", which none of the ${pods.length} selected pods declares`,
        details: { port: port.port, targetPort: target, selectedPods: pods.length },
      };
    }
  }
  return undefined;
}

/**
 * A Service with a selector but nowhere to send traffic. Names the selector and, when no pod matches, the pods
 * that come closest and exactly which label differs. ExternalName Services and Services without a selector
 * (endpoints managed by hand) are out of scope; headless Services are checked like any other.
 */
export const serviceAnalyzer: Analyzer<'Service'> = {
  name: 'Service',
  kind: 'Service',
  analyze(svc, snapshot) {
    if (svc.spec?.type === 'ExternalName' || !hasSelector(svc)) return [];
    const nowMs = snapshot.now().getTime();
    if (isYoung(svc, nowMs)) return [];
    const { pods, ready } = serviceBackends(svc, snapshot);
    if (pods.length === 0) {
      const problem = noPodsProblem(svc, snapshot);
      return problem ? [problem] : [];
    }
    const port = missingTargetPort(svc, pods);
    if (port) return [port];
    if (ready.length > 0 || pods.every((p) => isYoung(p, nowMs))) return [];
    const names = pods.slice(0, 3).map((p) => p.metadata?.name ?? '');
    return [
      {
        failureClass: 'ServiceEndpointsNotReady',
        severity: 'high',
        reason: 'NoReadyEndpoints',
        summary: `all ${pods.length} selected pod(s) are not ready (${names.join(', ')}${pods.length > 3 ? ', …' : ''}): the Service has no ready endpoints`,
        details: { selector: formatLabels(svc.spec?.selector), selectedPods: pods.length, readyEndpoints: 0 },
        partOf: uniqueRefs(pods.map((p) => owningWorkload('Pod', p, snapshot))),
      },
    ];
  },
};
