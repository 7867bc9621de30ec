// ControllerRefManager.Claim*: a controller owns the objects that point at it and still match its
// selector; it adopts matching orphans and releases owned objects whose labels no longer match (the
// "kubectl label pod x app-" debugging trick takes a pod out of its ReplicaSet).

import { type LabelSelector, matchLabels } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import type { ResourceInfo } from '../resources.js';
import { StatusError } from '../store/status-error.js';
import type { ControllerContext } from './controller.js';
import type { ObjectIndex } from './object-index.js';
import { controllerRefTo } from './owner-refs.js';

export function claim(
  ctx: ControllerContext,
  index: ObjectIndex,
  r: ResourceInfo,
  owner: KubeObject,
  selector: LabelSelector,
): KubeObject[] {
  const out: KubeObject[] = [];
  // An empty selector would match everything; Kubernetes refuses to adopt with it.
  const usable = selector.length > 0;
  for (const o of index.ownedBy(r, owner.metadata.uid)) {
    if (!usable || matchLabels(selector, o.metadata.labels) || o.metadata.deletionTimestamp) {
      out.push(o);
      continue;
    }
    update(ctx, r, o, (refs) => refs.filter((ref) => ref.uid !== owner.metadata.uid));
  }
  if (!usable || owner.metadata.deletionTimestamp) return out;
  for (const o of index.orphansIn(r, owner.metadata.namespace ?? '')) {
    if (o.metadata.deletionTimestamp || !matchLabels(selector, o.metadata.labels)) continue;
    const adopted = update(ctx, r, o, (refs) => [...refs, controllerRefTo(owner)]);
    if (adopted) out.push(adopted);
  }
  return out;
}

function update(
  ctx: ControllerContext,
  r: ResourceInfo,
  o: KubeObject,
  edit: (
    refs: NonNullable<KubeObject['metadata']['ownerReferences']>,
  ) => NonNullable<KubeObject['metadata']['ownerReferences']>,
): KubeObject | undefined {
  try {
    return ctx.store.modify(r, o.metadata.namespace, o.metadata.name ?? '', (cur) => {
      const refs = edit(cur.metadata.ownerReferences ?? []);
      if (refs.length) cur.metadata.ownerReferences = refs;
      else delete cur.metadata.ownerReferences;
    });
  } catch (err) {
    if (err instanceof StatusError) return undefined;
    throw err;
  }
}
