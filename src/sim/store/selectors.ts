// Field selectors with kube-apiserver's grammar and error texts (label selectors live in
// src/kube/label-selector.ts). Parsing returns a result, never throws, so a bad `?fieldSelector=` becomes a 400
// for that request and nothing else.

import type { SelectorParse } from '../../kube/label-selector.js';
import { getPath } from '../objects.js';

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}
export type FieldSelector = readonly FieldRequirement[];

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];
/** The field labels kube-apiserver supports per resource (plural); others are a 400 like the real server. */
const FIELDS: Record<string, readonly string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'note',
  ],
  secrets: ['type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
  jobs: ['status.successful'],
  persistentvolumeclaims: ['spec.volumeName'],
  persistentvolumes: ['spec.storageClassName'],
  services: ['spec.clusterIP', 'spec.type'],
  certificatesigningrequests: ['spec.signerName'],
};

export function parseFieldSelector(input: string | undefined, plural: string): SelectorParse<FieldSelector> {
  if (input === undefined || input.trim() === '') return { ok: true, value: [] };
  const allowed = new Set([...COMMON_FIELDS, ...(FIELDS[plural] ?? [])]);
  const reqs: FieldRequirement[] = [];
  for (const raw of input.split(',')) {
    const part = raw.trim();
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) return { ok: false, message: `invalid selector: '${input}'; can't understand '${part}'` };
    const field = m[1]!.trim();
    if (!allowed.has(field)) return { ok: false, message: `field label not supported: ${field}` };
    reqs.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() });
  }
  return { ok: true, value: reqs };
}

function fieldValue(obj: unknown, field: string): string {
  // Events' `source` field selector reads source.component; everything else is a plain path.
  const path = field === 'source' ? ['source', 'component'] : field.split('.');
  const v = getPath(obj, path);
  if (v === undefined || v === null) return '';
  return String(v);
}

export function matchFields(selector: FieldSelector, obj: unknown): boolean {
  for (const r of selector) {
    const v = fieldValue(obj, r.field);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
