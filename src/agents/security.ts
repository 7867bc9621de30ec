// Security's review is code, not a prompt: a Fix that grants privilege, reaches the host, drops limits or
// probes, widens RBAC or deletes a namespace is vetoed, and the veto is final (no model can argue it away).

import type { Fix } from './fix.js';

export interface Violation {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

export type Review =
  | { readonly verdict: 'approved'; readonly notes: readonly string[] }
  | { readonly verdict: 'vetoed'; readonly violations: readonly Violation[] };

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount']);
const HOST_FIELDS = new Set(['hostNetwork', 'hostPID', 'hostIPC']);
const PROBES = new Set(['livenessProbe', 'readinessProbe', 'startupProbe']);

function walk(value: unknown, path: string, out: Violation[]): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === 'privileged' && v === true)
      out.push({ rule: 'no-privileged', path: at, message: 'runs the container privileged' });
    if (key === 'allowPrivilegeEscalation' && v === true)
      out.push({ rule: 'no-privileged', path: at, message: 'allows privilege escalation' });
    if (HOST_FIELDS.has(key) && v === true)
      out.push({ rule: 'no-host-namespaces', path: at, message: `shares the host's ${key.slice(4)} namespace` });
    if (key === 'hostPath' && v !== null)
      out.push({ rule: 'no-hostpath', path: at, message: 'mounts a directory of the node' });
    if (key === 'hostPort' && v !== null)
      out.push({ rule: 'no-host-namespaces', path: at, message: 'binds a port on the node' });
    if (key === 'add' && path.endsWith('capabilities') && Array.isArray(v) && v.length > 0)
      out.push({ rule: 'no-added-capabilities', path: at, message: `adds capabilities ${v.join(', ')}` });
    if (key === 'limits' && (v === null || (typeof v === 'object' && Object.values(v).some((x) => x === null))))
      out.push({ rule: 'keep-limits', path: at, message: 'removes resource limits' });
    if (key === 'resources' && v === null) out.push({ rule: 'keep-limits', path: at, message: 'removes resources' });
    if (PROBES.has(key) && v === null) out.push({ rule: 'keep-probes', path: at, message: `removes the ${key}` });
    walk(v, at, out);
  }
}

function jsonPatchOps(body: unknown, out: Violation[]): void {
  if (!Array.isArray(body)) return;
  for (const [i, op] of body.entries()) {
    if (op === null || typeof op !== 'object') continue;
    const { op: verb, path, value } = op as { op?: string; path?: string; value?: unknown };
    const p = String(path ?? '');
    if (verb === 'remove' && /\/resources(\/limits)?(\/|$)/.test(p))
      out.push({ rule: 'keep-limits', path: p, message: 'removes resource limits' });
    if (verb === 'remove' && /(liveness|readiness|startup)Probe/.test(p))
      out.push({ rule: 'keep-probes', path: p, message: 'removes a probe' });
    // The key named by the path is part of what is set.
    const leaf = p.split('/').at(-1) ?? '';
    walk({ [leaf]: value }, `[${i}]${p.split('/').slice(0, -1).join('.')}`, out);
  }
}

export function reviewFix(fix: Fix): Review {
  const violations: Violation[] = [];
  if (fix.target.kind === 'Namespace')
    violations.push({ rule: 'no-namespace-delete', path: 'target', message: 'touches a Namespace' });
  if (RBAC_KINDS.has(fix.target.kind))
    violations.push({ rule: 'no-rbac-widening', path: 'target', message: `changes ${fix.target.kind} (RBAC)` });
  if (fix.patch) {
    if (fix.patch.type === 'json') jsonPatchOps(fix.patch.body, violations);
    else walk(fix.patch.body, 'patch', violations);
  }
  if (violations.length) return { verdict: 'vetoed', violations };
  const notes: string[] = [];
  if (!fix.target.resourceVersion)
    notes.push('no resourceVersion: the change is not pinned to the object that was read');
  if (fix.risk === 'high') notes.push('the Fixer rates this change high-risk: a person should approve it');
  return { verdict: 'approved', notes };
}

export function formatReview(review: Review): string {
  return review.verdict === 'approved'
    ? `Security: approved${review.notes.length ? ` (${review.notes.join('; ')})` : ''}`
    : `Security: VETOED — ${review.violations.map((v) => `${v.rule} at ${v.path}: ${v.message}`).join('; ')}`;
}
