// What a live kubelet keeps posting about its node: condition timestamps and the node Lease in
// kube-node-lease (what `kubectl describe node` shows under Lease). The lease is renewed every 40 simulated
// seconds rather than kubelet's 10, to keep watch traffic low; a kubelet that stopped posting (Ready=Unknown)
// stops renewing.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { NodeCondition } from '../scheduler/pod-shape.js';
import { nodeCondition } from '../scheduler/pod-shape.js';
import type { ObjectStore } from '../store/object-store.js';
import { StatusError } from '../store/status-error.js';

const NODES = RESOURCES.find((r) => r.plural === 'nodes' && r.group === '')!;
const LEASES = RESOURCES.find((r) => r.plural === 'leases')!;
const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_MS = 40_000;

function microTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** Fills condition timestamps a seeded node lacks (describe would print year 1), once. */
export function stampConditions(store: ObjectStore, node: KubeObject): void {
  const conditions = (node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? [];
  if (conditions.every((c) => c.lastHeartbeatTime && c.lastTransitionTime)) return;
  const since = node.metadata.creationTimestamp ?? new Date(store.now()).toISOString();
  store.modify(
    NODES,
    undefined,
    node.metadata.name!,
    (n) => {
      const st = n.status as { conditions: NodeCondition[] };
      st.conditions = st.conditions.map((c) => ({
        ...c,
        lastHeartbeatTime: c.lastHeartbeatTime ?? since,
        lastTransitionTime: c.lastTransitionTime ?? since,
      }));
    },
    { subresource: 'status' },
  );
}

/** Creates or renews the node's Lease; returns the delay until the next renewal (undefined: kubelet is gone). */
export function renewLease(store: ObjectStore, node: KubeObject): number | undefined {
  if (nodeCondition(node, 'Ready')?.status === 'Unknown') return undefined;
  const name = node.metadata.name!;
  const nowMs = store.now().getTime();
  const lease = store.get(LEASES, LEASE_NAMESPACE, name);
  const renewed = Date.parse(String((lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? ''));
  const due = Number.isFinite(renewed) ? renewed + LEASE_DURATION_MS : nowMs;
  if (lease && due > nowMs) return due - nowMs;
  try {
    if (lease) {
      store.modify(LEASES, LEASE_NAMESPACE, name, (l) => {
        l.spec = { ...(l.spec as object), renewTime: microTime(nowMs) };
      });
    } else {
      store.create(LEASES, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace: LEASE_NAMESPACE,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
        },
        spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_MS / 1000, renewTime: microTime(nowMs) },
      } as KubeObject);
    }
  } catch (err) {
    // No kube-node-lease namespace (a bare test store): the node simply has no lease.
    if (!(err instanceof StatusError && err.code === 404)) throw err;
    return undefined;
  }
  return LEASE_DURATION_MS;
}
