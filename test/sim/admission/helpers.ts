// Builders shared by the admission tests: objects go through defaultObject first, as the store sends them.

import { defaultObject, type FieldCause, validateObject } from '../../../src/sim/admission/index.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES, type ResourceInfo } from '../../../src/sim/resources.js';

export function resource(group: string, kind: string): ResourceInfo {
  const r = RESOURCES.find((x) => x.group === group && x.kind === kind);
  if (!r) throw new Error(`no resource ${group}/${kind}`);
  return r;
}

export function kindOf(obj: KubeObject): ResourceInfo {
  const slash = obj.apiVersion.indexOf('/');
  return resource(slash < 0 ? '' : obj.apiVersion.slice(0, slash), obj.kind);
}

/** Defaults and validates, like the store does on create (or update when `old` is given). */
export function admitCauses(obj: KubeObject, old?: KubeObject): FieldCause[] {
  const r = kindOf(obj);
  return validateObject(r, defaultObject(r, obj), old ? defaultObject(r, old) : undefined);
}

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

export function container(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'app', image: 'nginx:1.27', ...extra };
}

export function podWith(c: Record<string, unknown>): KubeObject {
  return pod({ containers: [container(c)] });
}

export function deployment(spec: Record<string, unknown> = {}, name = 'web'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } },
      ...spec,
    },
  };
}

export function workload(
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown> = {},
  name = 'web',
): KubeObject {
  return { ...deployment(spec, name), apiVersion, kind };
}

/** The regex-bearing messages, spelled out once so each test states only what differs. */
export const MSG = {
  subdomain:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  label:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  qualifiedName:
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  labelValue:
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  configKey:
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  quantity: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
};
