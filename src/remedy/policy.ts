// What kubemend may change on its own, from the config file: a mode per namespace/workload, the action kinds it
// may use, namespaces it never touches, and bounds on how far one fix may move resources or replicas. Bounds are
// checked on the API server's dry-run result, so they hold for any patch shape a runbook or a model produces.

import type { Fix } from '../agents/fix.js';
import { FIX_KINDS } from '../agents/fix.js';
import { parseQuantity } from '../kube/quantity.js';
import type { PolicyConfig, PolicyDecision, RemedyMode } from './types.js';

export const DEFAULT_POLICY: PolicyConfig = {
  mode: 'suggest',
  allowedActions: [...FIX_KINDS],
  deniedNamespaces: ['kube-system'],
  maxMemoryFactor: 2,
  memoryCeiling: '4Gi',
  maxCpuFactor: 2,
  cpuCeiling: '4',
  replicas: { min: 1, max: 20 },
  maxChangesPerWorkloadPerHour: 3,
  verifyWindowSeconds: 120,
  verifyTimeoutSeconds: 300,
  approvalTimeoutSeconds: 900,
};

export function resolvePolicy(partial: Partial<PolicyConfig> = {}): PolicyConfig {
  return { ...DEFAULT_POLICY, ...partial, replicas: { ...DEFAULT_POLICY.replicas, ...partial.replicas } };
}

const AUTONOMY: Readonly<Record<RemedyMode, number>> = { off: 0, suggest: 1, approve: 2, auto: 3 };

/** The less autonomous of two modes: a proposal may ask for more caution than the configured mode, never less. */
export function stricterMode(a: RemedyMode, b: RemedyMode): RemedyMode {
  return AUTONOMY[a] <= AUTONOMY[b] ? a : b;
}

export interface WorkloadName {
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

export function workloadKey(w: WorkloadName): string {
  return `${w.namespace ?? ''}/${w.kind}/${w.name}`;
}

/** Workload setting, else namespace setting, else the global mode. */
export function modeFor(policy: PolicyConfig, w: WorkloadName): RemedyMode {
  return policy.workloads?.[workloadKey(w)] ?? policy.namespaces?.[w.namespace ?? ''] ?? policy.mode;
}

/** The checks that need no proposal: may kubemend act on this workload at all? */
export function checkScope(policy: PolicyConfig, w: WorkloadName): PolicyDecision {
  if (w.namespace && policy.deniedNamespaces.includes(w.namespace))
    return {
      allowed: false,
      code: 'DENIED_NAMESPACE',
      reason: `namespace ${w.namespace} is on the deny-list: kubemend never changes it`,
    };
  const mode = modeFor(policy, w);
  if (mode === 'off') return { allowed: false, code: 'MODE_OFF', reason: `remediation is off for ${workloadKey(w)}` };
  return { allowed: true, mode };
}

export interface ProposalContext {
  /** 'applied' changes to this workload in the last hour. */
  readonly changesInLastHour: number;
  /** The most autonomy the proposal itself allows (a Service selector change asks for approval). */
  readonly maxMode?: RemedyMode;
}

export function checkProposal(policy: PolicyConfig, fix: Fix, ctx: ProposalContext): PolicyDecision {
  const scope = checkScope(policy, fix.target);
  if (!scope.allowed) return scope;
  if (!policy.allowedActions.includes(fix.kind))
    return {
      allowed: false,
      code: 'ACTION_NOT_ALLOWED',
      reason: `action ${fix.kind} is not allowed (allowed: ${policy.allowedActions.join(', ')})`,
    };
  if (fix.kind === 'scale' && fix.replicas !== undefined) {
    const { min, max } = policy.replicas;
    if (fix.replicas < min || fix.replicas > max)
      return {
        allowed: false,
        code: 'OUT_OF_BOUNDS',
        reason: `scaling to ${fix.replicas} replicas is outside ${min}..${max}`,
      };
  }
  if (ctx.changesInLastHour >= policy.maxChangesPerWorkloadPerHour)
    return {
      allowed: false,
      code: 'RATE_LIMITED',
      reason: `${ctx.changesInLastHour} changes to ${fix.target.kind}/${fix.target.name} in the last hour (max ${policy.maxChangesPerWorkloadPerHour})`,
    };
  let mode = scope.mode;
  if (ctx.maxMode) mode = stricterMode(mode, ctx.maxMode);
  if (fix.risk === 'high') mode = stricterMode(mode, 'approve');
  return { allowed: true, mode };
}

interface ContainerLike {
  readonly name?: string;
  readonly resources?: { readonly limits?: Record<string, unknown>; readonly requests?: Record<string, unknown> };
}

function containers(obj: unknown): readonly ContainerLike[] {
  const spec = (obj as { spec?: { template?: { spec?: { containers?: ContainerLike[] } } } } | undefined)?.spec;
  return spec?.template?.spec?.containers ?? [];
}

function quantity(v: unknown): number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
}

/**
 * Resource changes between the live object and what the API server says it would become: a raise is at most
 * ×factor of the current value and never above the ceiling; a limit may not disappear.
 */
export function checkBounds(
  policy: PolicyConfig,
  before: unknown,
  after: unknown,
  /** A change already verified on this very workload (experience) is held to the ceiling, not the per-fix factor. */
  verified = false,
): PolicyDecision | undefined {
  const old = new Map(containers(before).map((c) => [c.name, c]));
  const rules = [
    { resource: 'memory', factor: policy.maxMemoryFactor, ceiling: policy.memoryCeiling },
    { resource: 'cpu', factor: policy.maxCpuFactor, ceiling: policy.cpuCeiling },
  ];
  for (const c of containers(after)) {
    const prev = old.get(c.name);
    for (const field of ['limits', 'requests'] as const) {
      for (const r of rules) {
        const next = quantity(c.resources?.[field]?.[r.resource]);
        const was = quantity(prev?.resources?.[field]?.[r.resource]);
        const ceiling = parseQuantity(r.ceiling) ?? Number.POSITIVE_INFINITY;
        const at = `${c.name} ${field}.${r.resource}`;
        if (next === undefined) {
          if (was !== undefined && field === 'limits')
            return { allowed: false, code: 'OUT_OF_BOUNDS', reason: `the fix removes the ${at}` };
          continue;
        }
        if (was !== undefined && next <= was) continue;
        if (next > ceiling)
          return {
            allowed: false,
            code: 'OUT_OF_BOUNDS',
            reason: `${at} would be ${String(c.resources?.[field]?.[r.resource])}, above the ceiling ${r.ceiling}`,
          };
        if (!verified && was !== undefined && next > was * r.factor)
          return {
            allowed: false,
            code: 'OUT_OF_BOUNDS',
            reason: `${at} would grow more than ×${r.factor} in one fix (${String(prev?.resources?.[field]?.[r.resource])} → ${String(c.resources?.[field]?.[r.resource])})`,
          };
      }
    }
  }
  return undefined;
}
