// kube-scheduler's Filter plugins, in the order the default profile runs them: the first plugin that rejects a
// node decides its reason(s), which the FitError message then counts. Reasons and the Unschedulable vs.
// UnschedulableAndUnresolvable split are kube-scheduler's, because the preemption half of the message
// depends on them.

import { matchLabels, selectorFromSpec } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { podRequests, quantityValue } from './pod-requests.js';
import {
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  nodeSpec,
  nodeStatus,
  type PodAffinityTerm,
  podSpec,
  type Taint,
  type Toleration,
} from './pod-shape.js';

export type FilterCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';
export interface FilterFailure {
  readonly code: FilterCode;
  readonly reasons: readonly string[];
}

/** A node with the non-terminal pods bound to it and what they request. */
export interface NodeInfo {
  readonly node: KubeObject;
  readonly pods: readonly KubeObject[];
  readonly requested: ReadonlyMap<string, number>;
}

/** The cluster as one scheduling cycle sees it. */
export interface ClusterView {
  readonly nodes: readonly NodeInfo[];
  /** Namespace name -> labels, for affinity terms with a namespaceSelector. */
  readonly namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined;
}

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_VOLUME_AFFINITY = 'node(s) had volume node affinity conflict';
export const REASON_POD_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === undefined || t.operator === '' || t.operator === 'Equal')
    return (t.value ?? '') === (taint.value ?? '');
  return false;
}

export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

function matchRequirement(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? '')) return false;
      return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

/** One nodeSelectorTerm: all its expressions and fields must hold; an empty term matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => matchRequirement(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined))) return false;
  return fields.every((r) => matchRequirement(r, r.key === 'metadata.name' ? node.metadata.name : undefined));
}

/** nodeSelector and required node affinity (the NodeAffinity plugin). */
export function matchesNodeSelectorAndAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = podSpec(pod);
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => matchNodeSelectorTerm(t, node));
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(pod: KubeObject, node: KubeObject): Taint | undefined {
  const tolerations = podSpec(pod).tolerations;
  return (nodeSpec(node).taints ?? []).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerated(tolerations, t),
  );
}

function hostPorts(pod: KubeObject): number[] {
  const spec = podSpec(pod);
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((c) =>
    (c.ports ?? []).flatMap((p) => (p.hostPort ? [p.hostPort] : [])),
  );
}

function resourceReasons(pod: KubeObject, info: NodeInfo): string[] {
  const alloc = nodeStatus(info.node).allocatable ?? {};
  const reasons: string[] = [];
  const maxPods = quantityValue('pods', alloc.pods ?? 110);
  if (info.pods.length + 1 > maxPods) reasons.push('Too many pods');
  const want = podRequests(pod);
  const order = [
    'cpu',
    'memory',
    'ephemeral-storage',
    ...[...want.keys()].filter((k) => !['cpu', 'memory', 'ephemeral-storage'].includes(k)),
  ];
  for (const r of order) {
    const w = want.get(r) ?? 0;
    if (w <= 0) continue;
    const have = quantityValue(r, alloc[r]);
    if (w > have - (info.requested.get(r) ?? 0)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}

function termMatches(term: PodAffinityTerm, owner: KubeObject, candidate: KubeObject, view: ClusterView): boolean {
  // A term without a labelSelector selects no pods, as in kube-scheduler.
  if (!term.labelSelector) return false;
  const ns = candidate.metadata.namespace ?? '';
  if (term.namespaceSelector !== undefined) {
    const sel = selectorFromSpec(term.namespaceSelector as Parameters<typeof selectorFromSpec>[0]);
    if (!matchLabels(sel, view.namespaceLabels(ns)) && !(term.namespaces ?? []).includes(ns)) return false;
  } else if ((term.namespaces ?? []).length > 0) {
    if (!(term.namespaces ?? []).includes(ns)) return false;
  } else if (ns !== owner.metadata.namespace) return false;
  return matchLabels(selectorFromSpec(term.labelSelector), candidate.metadata.labels);
}

function topologyValue(node: KubeObject, key: string): string | undefined {
  const labels = node.metadata.labels ?? {};
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function hasRequiredAntiAffinity(p: KubeObject): boolean {
  return (podSpec(p).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/** The InterPodAffinity plugin: required affinity, required anti-affinity, and existing pods' anti-affinity. */
function interPodAffinity(pod: KubeObject, info: NodeInfo, view: ClusterView): FilterFailure | undefined {
  const spec = podSpec(pod);
  const affinity = spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const anti = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  if (affinity.length === 0 && anti.length === 0 && !view.nodes.some((n) => n.pods.some(hasRequiredAntiAffinity)))
    return undefined;
  const others = view.nodes.flatMap((n) => n.pods.map((p) => ({ p, node: n.node })));

  for (const term of affinity) {
    const value = topologyValue(info.node, term.topologyKey);
    const matching = others.filter((o) => termMatches(term, pod, o.p, view));
    // The first pod of a group that selects itself may go anywhere the topology key exists.
    const selfMatch = matching.length === 0 && termMatches(term, pod, pod, view);
    const ok =
      value !== undefined && (selfMatch || matching.some((o) => topologyValue(o.node, term.topologyKey) === value));
    if (!ok) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_POD_AFFINITY] };
  }
  for (const term of anti) {
    const value = topologyValue(info.node, term.topologyKey);
    if (value === undefined) continue;
    const clash = others.some(
      (o) => topologyValue(o.node, term.topologyKey) === value && termMatches(term, pod, o.p, view),
    );
    if (clash) return { code: 'Unschedulable', reasons: [REASON_POD_ANTI_AFFINITY] };
  }
  for (const o of others) {
    const terms = podSpec(o.p).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    for (const term of terms) {
      const value = topologyValue(info.node, term.topologyKey);
      if (value !== undefined && topologyValue(o.node, term.topologyKey) === value && termMatches(term, o.p, pod, view))
        return { code: 'Unschedulable', reasons: [REASON_EXISTING_ANTI_AFFINITY] };
    }
  }
  return undefined;
}

export interface FilterOptions {
  /** Extra per-node check run after the resource fit (the volume binding plugin). */
  readonly volumeFilter?: (node: KubeObject) => FilterFailure | undefined;
}

/** Runs the filter plugins for one node; undefined when the pod fits. */
export function filterNode(
  pod: KubeObject,
  info: NodeInfo,
  view: ClusterView,
  opts: FilterOptions = {},
): FilterFailure | undefined {
  const node = info.node;
  const spec = podSpec(pod);
  if (nodeSpec(node).unschedulable) {
    const cordon: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    if (!tolerated(spec.tolerations, cordon))
      return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_UNSCHEDULABLE] };
  }
  const taint = untoleratedTaint(pod, node);
  if (taint) {
    return {
      code: 'UnschedulableAndUnresolvable',
      reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
    };
  }
  if (!matchesNodeSelectorAndAffinity(pod, node))
    return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_NODE_AFFINITY] };
  const wanted = hostPorts(pod);
  if (wanted.length > 0) {
    const used = new Set(info.pods.flatMap(hostPorts));
    if (wanted.some((p) => used.has(p))) return { code: 'Unschedulable', reasons: [REASON_PORTS] };
  }
  const lacking = resourceReasons(pod, info);
  if (lacking.length > 0) return { code: 'Unschedulable', reasons: lacking };
  const volume = opts.volumeFilter?.(node);
  if (volume) return volume;
  return interPodAffinity(pod, info, view);
}
