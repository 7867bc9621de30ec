// Shared objects and assertions for the patch engine tests.
import assert from 'node:assert/strict';
import { getPath, type KubeObject } from '../../../src/sim/objects.js';
import { type ApplyPatchArgs, applyPatch, type PatchFailure } from '../../../src/sim/patch/index.js';

export const NOW = '2025-03-01T10:00:00Z';

/** A Deployment shaped like one kubectl created and the controllers annotated. */
export function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '6d1c6a1e-0000-4000-8000-000000000001',
      resourceVersion: '42',
      generation: 3,
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': '3' },
      finalizers: ['example.com/a', 'example.com/b'],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              args: ['--port', '8080'],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              resources: { limits: { memory: '128Mi' } },
            },
            { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        },
      },
    },
    status: { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
  };
}

/** A Pod (its spec is a PodSpec directly, not a template). */
export function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx' }], hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }] },
    status: { conditions: [{ type: 'Ready', status: 'False' }], podIPs: [{ ip: '10.1.0.5' }] },
  };
}

export function patchOk(args: Omit<ApplyPatchArgs, 'now'> & { now?: string }): KubeObject {
  const r = applyPatch({ now: NOW, ...args });
  if (!r.ok) assert.fail(`expected the patch to apply, got ${r.code}: ${r.message}`);
  return r.object;
}

export function patchFails(args: Omit<ApplyPatchArgs, 'now'> & { now?: string }): PatchFailure {
  const r = applyPatch({ now: NOW, ...args });
  if (r.ok) assert.fail(`expected the patch to fail, got ${JSON.stringify(r.object)}`);
  return r;
}

/** Strategic merge patch shorthand: `smp(obj, {spec: ...})`. */
export function smp(current: KubeObject, patch: unknown): KubeObject {
  return patchOk({ type: 'strategic', current, body: JSON.stringify(patch) });
}

/** A strategic patch body that touches only a workload's pod template spec. */
export function template(spec: unknown): { spec: { template: { spec: unknown } } } {
  return { spec: { template: { spec } } };
}

/** A strategic patch body for the `app` container of a workload. */
export function appPatch(fields: Record<string, unknown>): ReturnType<typeof template> {
  return template({ containers: [{ name: 'app', ...fields }] });
}

/** A value deep inside an object, e.g. `at(o, 'spec', 'replicas')`. */
export function at(o: unknown, ...path: (string | number)[]): unknown {
  return getPath(o, path);
}

/** The pod template's spec of a workload. */
export function podSpec(o: KubeObject, ...rest: (string | number)[]): unknown {
  return getPath(o, ['spec', 'template', 'spec', ...rest]);
}

/** The `name` (or another key) of each entry of a list. */
export function keys(list: unknown, key = 'name'): unknown[] {
  assert.ok(Array.isArray(list), `expected a list, got ${JSON.stringify(list)}`);
  return list.map((x: unknown) => getPath(x, [key]));
}
