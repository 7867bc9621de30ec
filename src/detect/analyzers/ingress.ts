import type { V1Ingress, V1IngressBackend } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { ClusterSnapshot } from '../snapshot.js';

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

function backends(ing: V1Ingress): V1IngressBackend[] {
  const out: V1IngressBackend[] = [];
  if (ing.spec?.defaultBackend) out.push(ing.spec.defaultBackend);
  for (const rule of ing.spec?.rules ?? []) for (const path of rule.http?.paths ?? []) out.push(path.backend);
  return out;
}

function classIssue(ing: V1Ingress, snapshot: ClusterSnapshot): string | undefined {
  const name = ing.spec?.ingressClassName;
  if (name) return snapshot.get('IngressClass', undefined, name) ? undefined : `IngressClass "${name}" does not exist`;
  if (ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION]) return undefined;
  const hasDefault = snapshot
    .list('IngressClass')
    .some((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return hasDefault ? undefined : 'no ingressClassName and no default IngressClass: no controller will serve it';
}

function backendIssues(ing: V1Ingress, snapshot: ClusterSnapshot): string[] {
  const namespace = ing.metadata?.namespace;
  const issues = new Set<string>();
  for (const b of backends(ing)) {
    if (!b.service) continue;
    const svc = snapshot.get('Service', namespace, b.service.name);
    if (!svc) {
      issues.add(`backend Service "${b.service.name}" does not exist`);
      continue;
    }
    const port = b.service.port;
    const ports = svc.spec?.ports ?? [];
    if (port?.number !== undefined && !ports.some((p) => p.port === port.number)) {
      issues.add(
        `backend Service "${b.service.name}" has no port ${port.number} (it has ${ports.map((p) => p.port).join(', ') || 'none'})`,
      );
    } else if (port?.name !== undefined && !ports.some((p) => p.name === port.name)) {
      issues.add(`backend Service "${b.service.name}" has no port named "${port.name}"`);
    }
  }
  return [...issues];
}

function tlsIssues(ing: V1Ingress, snapshot: ClusterSnapshot): string[] {
  return (ing.spec?.tls ?? [])
    .filter((t) => t.secretName && !snapshot.get('Secret', ing.metadata?.namespace, t.secretName))
    .map((t) => `TLS Secret "${t.secretName}" does not exist`);
}

/** An Ingress no controller serves, or that routes to a Service, port or TLS Secret that does not exist. */
export const ingressAnalyzer: Analyzer<'Ingress'> = {
  name: 'Ingress',
  kind: 'Ingress',
  analyze(ing, snapshot) {
    const cls = classIssue(ing, snapshot);
    const issues = [...(cls ? [cls] : []), ...backendIssues(ing, snapshot), ...tlsIssues(ing, snapshot)];
    if (issues.length === 0) return [];
    return [
      {
        failureClass: 'IngressMisconfigured',
        severity: 'high',
        reason: cls ? 'IngressClassNotFound' : issues[0]?.startsWith('TLS') ? 'TLSSecretNotFound' : 'BackendNotFound',
        summary: issues.join('; '),
        details: { issues: issues.length, ...Object.fromEntries(issues.map((issue, i) => [`issue${i + 1}`, issue])) },
      },
    ];
  },
};
