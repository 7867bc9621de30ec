import type { V1Pod } from '@kubernetes/client-node';
import type { Analyzer } from '../analyzer.js';
import type { Problem } from '../finding.js';
import { isSettledJobPod } from '../job-status.js';
import { isTerminalPod } from '../pod-helpers.js';
import type { ClusterSnapshot } from '../snapshot.js';

interface Reference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly keys: readonly string[];
  /** Where the pod spec refers to it, for the summary: `container "app" env DB_HOST`, `volume "config"`. */
  readonly from: string;
  readonly container?: string;
}

function references(pod: V1Pod): Reference[] {
  const refs: Reference[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const env of c.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef;
      const sec = env.valueFrom?.secretKeyRef;
      const from = `container "${c.name}" env ${env.name}`;
      if (cm?.name && !cm.optional)
        refs.push({ kind: 'ConfigMap', name: cm.name, keys: [cm.key], from, container: c.name });
      if (sec?.name && !sec.optional)
        refs.push({ kind: 'Secret', name: sec.name, keys: [sec.key], from, container: c.name });
    }
    for (const src of c.envFrom ?? []) {
      const from = `container "${c.name}" envFrom`;
      if (src.configMapRef?.name && !src.configMapRef.optional) {
        refs.push({ kind: 'ConfigMap', name: src.configMapRef.name, keys: [], from, container: c.name });
      }
      if (src.secretRef?.name && !src.secretRef.optional) {
        refs.push({ kind: 'Secret', name: src.secretRef.name, keys: [], from, container: c.name });
      }
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    const from = `volume "${v.name}"`;
    if (v.configMap?.name && !v.configMap.optional) {
      refs.push({ kind: 'ConfigMap', name: v.configMap.name, keys: (v.configMap.items ?? []).map((i) => i.key), from });
    }
    if (v.secret?.secretName && !v.secret.optional) {
      refs.push({ kind: 'Secret', name: v.secret.secretName, keys: (v.secret.items ?? []).map((i) => i.key), from });
    }
    for (const p of v.projected?.sources ?? []) {
      if (p.configMap?.name && !p.configMap.optional) {
        refs.push({
          kind: 'ConfigMap',
          name: p.configMap.name,
          keys: (p.configMap.items ?? []).map((i) => i.key),
          from,
        });
      }
      if (p.secret?.name && !p.secret.optional) {
        refs.push({ kind: 'Secret', name: p.secret.name, keys: (p.secret.items ?? []).map((i) => i.key), from });
      }
    }
  }
  return refs;
}

/** Keys present in the object (never values: a Secret's content is not read here). */
function keysOf(ref: Reference, namespace: string | undefined, snapshot: ClusterSnapshot): Set<string> | undefined {
  const obj =
    ref.kind === 'ConfigMap'
      ? snapshot.get('ConfigMap', namespace, ref.name)
      : snapshot.get('Secret', namespace, ref.name);
  if (!obj) return undefined;
  const data = obj as {
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  return new Set([
    ...Object.keys(data.data ?? {}),
    ...Object.keys(data.binaryData ?? {}),
    ...Object.keys(data.stringData ?? {}),
  ]);
}

/**
 * A live pod that refers to a ConfigMap or Secret (or a key in one) that does not exist: it cannot start, or will
 * not start again after its next restart. Optional references are skipped.
 */
export const configReferencesAnalyzer: Analyzer<'Pod'> = {
  name: 'ConfigReference',
  kind: 'Pod',
  analyze(pod, snapshot) {
    if (isTerminalPod(pod) || pod.metadata?.deletionTimestamp || isSettledJobPod(pod, snapshot)) return [];
    const namespace = pod.metadata?.namespace;
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const ref of references(pod)) {
      const keys = keysOf(ref, namespace, snapshot);
      const missingKey = keys ? ref.keys.find((k) => !keys.has(k)) : undefined;
      if (keys && missingKey === undefined) continue;
      const id = `${ref.kind}/${ref.name}/${missingKey ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push({
        failureClass: 'MissingReference',
        severity: 'high',
        reason: keys ? `${ref.kind}KeyNotFound` : `${ref.kind}NotFound`,
        summary: keys
          ? `${ref.from} needs key "${missingKey}" of ${ref.kind} "${ref.name}", which has no such key (it has: ${[...keys].sort().join(', ') || 'none'})`
          : `${ref.from} refers to ${ref.kind} "${ref.name}", which does not exist`,
        ...(ref.container ? { container: ref.container } : {}),
        details: {
          refKind: ref.kind,
          refName: ref.name,
          ...(missingKey !== undefined ? { missingKey } : {}),
          referencedBy: ref.from,
        },
        eventReasons: ['Failed', 'FailedMount'],
      });
    }
    return problems;
  },
};
