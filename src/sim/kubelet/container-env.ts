// A container's environment as kubelet's makeEnvironmentVariables builds it: envFrom, then env in order with
// `$(VAR)` expansion, then service links; a missing ConfigMap/Secret/key that is not optional fails with
// kubelet's exact error text, which becomes the CreateContainerConfigError message.

import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import { type Container, podSpec } from '../scheduler/pod-shape.js';
import type { ObjectStore } from '../store/object-store.js';
import { fieldRefValue, type PodPlacement, resourceFieldValue } from './downward-api.js';

export const CONFIGMAPS = RESOURCES.find((r) => r.plural === 'configmaps' && r.group === '')!;
export const SECRETS = RESOURCES.find((r) => r.plural === 'secrets' && r.group === '')!;
const SERVICES = RESOURCES.find((r) => r.plural === 'services' && r.group === '')!;

export type EnvResult =
  | { readonly ok: true; readonly env: Record<string, string> }
  | { readonly ok: false; readonly message: string };

/** A ConfigMap's string data, or undefined when it does not exist. */
export function configMapData(store: ObjectStore, namespace: string, name: string): Record<string, string> | undefined {
  const cm = store.get(CONFIGMAPS, namespace, name);
  if (!cm) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((cm.binaryData ?? {}) as Record<string, string>))
    out[k] = Buffer.from(v, 'base64').toString('utf8');
  return Object.assign(out, (cm.data ?? {}) as Record<string, string>);
}

/** A Secret's decoded data (stringData wins, as the API server merges it), or undefined when it does not exist. */
export function secretData(store: ObjectStore, namespace: string, name: string): Record<string, string> | undefined {
  const s = store.get(SECRETS, namespace, name);
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((s.data ?? {}) as Record<string, string>))
    out[k] = Buffer.from(v, 'base64').toString('utf8');
  return Object.assign(out, (s.stringData ?? {}) as Record<string, string>);
}

/** Kubernetes' `$(VAR)` expansion: defined names are replaced, unknown ones stay literal, `$$` escapes. */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return lookup(name) ?? whole;
  });
}

function serviceEnv(store: ObjectStore, pod: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (svc: KubeObject): void => {
    const spec = (svc.spec ?? {}) as {
      clusterIP?: string;
      ports?: { name?: string; port: number; protocol?: string }[];
    };
    const ip = spec.clusterIP;
    const ports = spec.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) return;
    const n = (svc.metadata.name ?? '').toUpperCase().replace(/-/g, '_');
    const first = ports[0]!;
    out[`${n}_SERVICE_HOST`] = ip;
    out[`${n}_SERVICE_PORT`] = String(first.port);
    out[`${n}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`;
    for (const p of ports) {
      const proto = p.protocol ?? 'TCP';
      if (p.name) out[`${n}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
      const base = `${n}_PORT_${p.port}_${proto}`;
      out[base] = `${proto.toLowerCase()}://${ip}:${p.port}`;
      out[`${base}_PROTO`] = proto.toLowerCase();
      out[`${base}_PORT`] = String(p.port);
      out[`${base}_ADDR`] = ip;
    }
  };
  const ns = pod.metadata.namespace ?? 'default';
  if (podSpec(pod).enableServiceLinks !== false)
    for (const svc of store.all(SERVICES, ns)) if (svc.metadata.name !== 'kubernetes' || ns !== 'default') add(svc);
  // The API server's own Service is always advertised, whatever enableServiceLinks says.
  const master = store.get(SERVICES, 'default', 'kubernetes') ?? {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes' },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
  };
  add(master);
  return out;
}

export function resolveEnv(store: ObjectStore, pod: KubeObject, container: Container, place: PodPlacement): EnvResult {
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  const configMaps = new Map<string, Record<string, string> | undefined>();
  const secrets = new Map<string, Record<string, string> | undefined>();
  const cm = (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, configMapData(store, ns, name));
    return configMaps.get(name);
  };
  const secret = (name: string) => {
    if (!secrets.has(name)) secrets.set(name, secretData(store, ns, name));
    return secrets.get(name);
  };

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const data = cm(name);
      if (!data) {
        if (from.configMapRef.optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      for (const [k, v] of Object.entries(data)) env[prefix + k] = v;
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const data = secret(name);
      if (!data) {
        if (from.secretRef.optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      for (const [k, v] of Object.entries(data)) env[prefix + k] = v;
    }
  }

  const services = serviceEnv(store, pod);
  const lookup = (name: string): string | undefined => env[name] ?? services[name];
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      env[e.name] = expandVars(e.value ?? '', lookup);
      continue;
    }
    if (from.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const data = cm(name);
      if (!data) {
        if (optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      const v = data[key];
      if (v === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in ConfigMap ${ns}/${name}` };
      }
      env[e.name] = v;
    } else if (from.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const data = secret(name);
      if (!data) {
        if (optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      const v = data[key];
      if (v === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in Secret ${ns}/${name}` };
      }
      env[e.name] = v;
    } else if (from.fieldRef) {
      const r = fieldRefValue(pod, from.fieldRef.fieldPath, place);
      if (!r.ok) return r;
      env[e.name] = r.value;
    } else if (from.resourceFieldRef) {
      const r = resourceFieldValue(pod, container, from.resourceFieldRef, place);
      if (!r.ok) return r;
      env[e.name] = r.value;
    }
  }
  for (const [k, v] of Object.entries(services)) if (!(k in env)) env[k] = v;
  if (!('HOSTNAME' in env)) env.HOSTNAME = podSpec(pod).hostname ?? pod.metadata.name ?? '';
  return { ok: true, env };
}
