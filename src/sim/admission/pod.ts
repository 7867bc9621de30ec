// Pod-specific rules: create-time checks beyond the spec, and ValidatePodUpdate's "only images,
// activeDeadlineSeconds and added tolerations may change" contract.

import type { KubeObject } from '../objects.js';
import { arr, isRecord, rec, str } from '../tables/read.js';
import { child, type FieldCause, forbidden, index, invalid, required } from './field.js';
import { describeDiff, semanticEqual } from './json-diff.js';

const MAX_INT32 = 2147483647;

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export function validatePodCreate(pod: KubeObject): FieldCause[] {
  const spec = rec(pod.spec);
  const causes: FieldCause[] = [];
  if (arr(spec.ephemeralContainers).length > 0)
    causes.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) !== '' && arr(spec.schedulingGates).length > 0)
    causes.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return causes;
}

/** Containers may not be added or removed, and each must keep an image; `stop` ends validation early. */
function containerUpdates(list: unknown, oldList: unknown, path: string): { causes: FieldCause[]; stop: boolean } {
  const next = arr(list);
  if (next.length !== arr(oldList).length)
    return { causes: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const causes = next
    .map(rec)
    .flatMap((c, i) => (str(c.image) === '' ? [required(child(index(path, i), 'image'))] : []));
  return { causes, stop: false };
}

function activeDeadlineUpdate(next: unknown, old: unknown): FieldCause | undefined {
  const path = 'spec.activeDeadlineSeconds';
  if (typeof next === 'number') {
    if (next < 0 || next > MAX_INT32) return invalid(path, next, `must be between 0 and ${MAX_INT32}, inclusive`);
    if (typeof old === 'number' && old < next)
      return invalid(path, next, 'must be less than or equal to previous value');
    return undefined;
  }
  return typeof old === 'number'
    ? invalid(path, null, 'must not update from a positive integer to nil value')
    : undefined;
}

function onlyAddedTolerations(next: unknown, old: unknown): FieldCause | undefined {
  const added = arr(next).map(rec);
  for (const o of arr(old).map(rec)) {
    // tolerationSeconds is the one part of an existing toleration that may change.
    const kept = added.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!kept)
      return forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds');
  }
  return undefined;
}

function withImagesOf(list: unknown, oldList: unknown): unknown[] {
  const old = arr(oldList).map(rec);
  return arr(list).map((c, i) => (isRecord(c) ? { ...c, image: old[i]?.image } : c));
}

export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldCause[] {
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  const causes: FieldCause[] = [];
  for (const field of ['containers', 'initContainers']) {
    const r = containerUpdates(spec[field], oldSpec[field], `spec.${field}`);
    causes.push(...r.causes);
    if (r.stop) return causes;
  }
  const deadline = activeDeadlineUpdate(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds);
  if (deadline) return [...causes, deadline];
  const tolerations = onlyAddedTolerations(spec.tolerations, oldSpec.tolerations);
  if (tolerations) causes.push(tolerations);
  if (semanticEqual(spec, oldSpec)) return causes;

  const munged: Record<string, unknown> = {
    ...spec,
    containers: withImagesOf(spec.containers, oldSpec.containers),
    initContainers: withImagesOf(spec.initContainers, oldSpec.initContainers),
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    tolerations: oldSpec.tolerations,
    schedulingGates: oldSpec.schedulingGates,
  };
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, oldSpec))
    causes.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${describeDiff('core.PodSpec', oldSpec, munged)}`));
  return causes;
}
