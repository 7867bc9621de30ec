import type { AdmissionregistrationV1WebhookClientConfig } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { uniqueRefs } from '../kinds.js';
import { owningWorkload } from '../owners.js';
import { serviceBackends } from '../service-backends.js';
import type { ClusterSnapshot } from '../snapshot.js';

interface WebhookLike {
  readonly name: string;
  readonly clientConfig: AdmissionregistrationV1WebhookClientConfig;
  readonly failurePolicy?: string;
}

function webhookProblems(
  kind: string,
  webhooks: readonly WebhookLike[] | undefined,
  snapshot: ClusterSnapshot,
): Problem[] {
  const problems: Problem[] = [];
  for (const wh of webhooks ?? []) {
    const ref = wh.clientConfig.service;
    if (!ref) continue;
    // failurePolicy defaults to Fail: an unreachable webhook then rejects every matching API request.
    const fails = (wh.failurePolicy ?? 'Fail') === 'Fail';
    const effect = fails
      ? 'matching API requests are rejected (failurePolicy Fail)'
      : 'the webhook is skipped (failurePolicy Ignore)';
    const svc = snapshot.get('Service', ref.namespace, ref.name);
    const base = {
      webhook: wh.name,
      service: `${ref.namespace}/${ref.name}`,
      failurePolicy: wh.failurePolicy ?? 'Fail',
    };
    if (!svc) {
      problems.push({
        failureClass: 'WebhookUnavailable',
        severity: fails ? 'critical' : 'low',
        reason: 'ServiceNotFound',
        summary: `${kind} webhook "${wh.name}" calls Service ${ref.namespace}/${ref.name}, which does not exist: ${effect}`,
        details: base,
      });
      continue;
    }
    const { pods, ready } = serviceBackends(svc, snapshot);
    if (ready.length > 0 || Object.keys(svc.spec?.selector ?? {}).length === 0) continue;
    problems.push({
      failureClass: 'WebhookUnavailable',
      severity: fails ? 'critical' : 'low',
      reason: 'NoReadyPods',
      summary: `${kind} webhook "${wh.name}" calls Service ${ref.namespace}/${ref.name}, which has no ready pods (${pods.length} selected): ${effect}`,
      details: { ...base, selectedPods: pods.length },
      partOf: uniqueRefs(pods.map((p) => owningWorkload('Pod', p, snapshot))),
    });
  }
  return problems;
}

export const validatingWebhookAnalyzer: Analyzer<'ValidatingWebhookConfiguration'> = {
  name: 'ValidatingWebhookConfiguration',
  kind: 'ValidatingWebhookConfiguration',
  analyze: (cfg, snapshot) => webhookProblems('validating', cfg.webhooks, snapshot),
};

export const mutatingWebhookAnalyzer: Analyzer<'MutatingWebhookConfiguration'> = {
  name: 'MutatingWebhookConfiguration',
  kind: 'MutatingWebhookConfiguration',
  analyze: (cfg, snapshot) => webhookProblems('mutating', cfg.webhooks, snapshot),
};
