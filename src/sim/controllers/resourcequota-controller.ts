// The resourcequota controller: keeps each quota's status.hard (the spec, canonicalised) and status.used
// (summed over what its scopes select) current as objects in the namespace come and go.

import { formatQuantityExact } from '../../kube/quantity.js';
import { hardOf, quotaUsage } from '../admission/quota-usage.js';
import type { Controller, ControllerContext } from './controller.js';
import { K, keyOf, splitKey } from './kinds.js';
import type { ObjectIndex } from './object-index.js';
import { writeStatus } from './pod-control.js';

function sortedRecord(m: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function resourceQuotaController(ctx: ControllerContext, index: ObjectIndex): Controller {
  return {
    name: 'resourcequota-controller',
    keysFor(e) {
      if (e.resource === K.quotas) return e.type === 'DELETED' ? [] : [keyOf(e.object)];
      // Events are too frequent to count and no quota scenario limits them.
      if (e.resource === K.events || !e.resource.namespaced) return [];
      const ns = e.object.metadata.namespace;
      return ns ? index.inNamespace(K.quotas, ns).map(keyOf) : [];
    },
    initialKeys: () => ctx.store.all(K.quotas).map(keyOf),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const quota = ctx.store.get(K.quotas, namespace, name);
      if (!quota) return;
      const hard = new Map([...hardOf(quota)].map(([k, q]) => [k, formatQuantityExact(q)]));
      const used = new Map([...quotaUsage(ctx.store, quota)].map(([k, q]) => [k, formatQuantityExact(q)]));
      writeStatus(ctx, K.quotas, quota, { hard: sortedRecord(hard), used: sortedRecord(used) });
    },
  };
}
