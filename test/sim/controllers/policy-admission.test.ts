import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { StatusError } from '../../../src/sim/store/status-error.js';
import { type Cluster, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(): Cluster {
  const c = startCluster({ kubelet: false });
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function pod(
  name: string,
  containers: { name: string; requests?: Record<string, string>; limits?: Record<string, string> }[],
  ns = 'default',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      containers: containers.map((c) => ({
        name: c.name,
        image: 'nginx:1.27',
        ...(c.requests || c.limits
          ? {
              resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) },
            }
          : {}),
      })),
    },
  } as KubeObject;
}

function quota(name: string, hard: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'default' },
    spec: { hard, ...extra },
  } as KubeObject;
}

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected the API to refuse the request');
}

describe('ResourceQuota admission', () => {
  it('refuses a pod that would exceed the quota with the exact 403 message', () => {
    const c = cluster();
    c.create(K.quotas, quota('compute-quota', { 'requests.cpu': '2', 'requests.memory': '1Gi' }));
    c.create(K.pods, pod('a', [{ name: 'app', requests: { cpu: '1', memory: '256Mi' } }]));
    const err = refusal(() => c.create(K.pods, pod('b', [{ name: 'app', requests: { cpu: '2', memory: '256Mi' } }])));
    assert.equal(err.code, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.equal(
      err.message,
      'pods "b" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=2, used: requests.cpu=1, limited: requests.cpu=2',
    );
  });

  it('lists every exceeded resource, sorted, in canonical quantities', () => {
    const c = cluster();
    c.create(K.quotas, quota('mem', { 'requests.memory': '1Gi', 'limits.memory': '1Gi', pods: '5' }));
    c.create(K.pods, pod('a', [{ name: 'app', requests: { memory: '512Mi' }, limits: { memory: '512Mi' } }]));
    c.create(K.pods, pod('b', [{ name: 'app', requests: { memory: '256Mi' }, limits: { memory: '256Mi' } }]));
    const err = refusal(() =>
      c.create(K.pods, pod('c', [{ name: 'app', requests: { memory: '512Mi' }, limits: { memory: '512Mi' } }])),
    );
    assert.equal(
      err.message,
      'pods "c" is forbidden: exceeded quota: mem, requested: limits.memory=512Mi,requests.memory=512Mi, used: limits.memory=768Mi,requests.memory=768Mi, limited: limits.memory=1Gi,requests.memory=1Gi',
    );
  });

  it('requires requests or limits for what the quota constrains, naming the containers', () => {
    const c = cluster();
    c.create(K.quotas, quota('q', { 'requests.cpu': '4', 'limits.memory': '4Gi' }));
    const err = refusal(() =>
      c.create(K.pods, pod('bare', [{ name: 'app', requests: { cpu: '100m' } }, { name: 'sidecar' }])),
    );
    assert.equal(
      err.message,
      'pods "bare" is forbidden: failed quota: q: must specify limits.memory for: app,sidecar; requests.cpu for: sidecar',
    );
  });

  it('counts a limit without a request as the request, as the API server defaults it', () => {
    const c = cluster();
    c.create(K.quotas, quota('q', { 'requests.cpu': '1' }));
    c.create(K.pods, pod('a', [{ name: 'app', limits: { cpu: '800m' } }]));
    const err = refusal(() => c.create(K.pods, pod('b', [{ name: 'app', limits: { cpu: '300m' } }])));
    assert.match(err.message, /requested: requests\.cpu=300m, used: requests\.cpu=800m, limited: requests\.cpu=1$/);
  });

  it('enforces object counts and ignores finished pods', () => {
    const c = cluster();
    c.create(K.quotas, quota('counts', { pods: '1', 'count/configmaps': '1', services: '1' }));
    c.create(K.pods, pod('one', [{ name: 'app' }]));
    assert.equal(
      refusal(() => c.create(K.pods, pod('two', [{ name: 'app' }]))).message,
      'pods "two" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=1, limited: pods=1',
    );
    c.store.modify(
      K.pods,
      'default',
      'one',
      (p) => {
        p.status = { phase: 'Succeeded' };
      },
      {
        subresource: 'status',
      },
    );
    c.create(K.pods, pod('two', [{ name: 'app' }]));
    c.create(K.configMaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'default' },
    } as KubeObject);
    const err = refusal(() =>
      c.create(K.configMaps, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'b', namespace: 'default' },
      } as KubeObject),
    );
    assert.equal(
      err.message,
      'configmaps "b" is forbidden: exceeded quota: counts, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
    );
  });

  it('applies BestEffort-scoped quotas only to pods without requests or limits', () => {
    const c = cluster();
    c.create(K.quotas, quota('be', { pods: '1' }, { scopes: ['BestEffort'] }));
    c.create(K.pods, pod('be1', [{ name: 'app' }]));
    c.create(K.pods, pod('burst', [{ name: 'app', requests: { cpu: '100m' } }]));
    assert.match(
      refusal(() => c.create(K.pods, pod('be2', [{ name: 'app' }]))).message,
      /exceeded quota: be, requested: pods=1/,
    );
  });

  it('the quota controller reports hard and used', async () => {
    const c = cluster();
    c.create(K.quotas, quota('compute', { 'requests.cpu': '2', 'requests.memory': '2048Mi', pods: '10' }));
    c.create(K.pods, pod('a', [{ name: 'app', requests: { cpu: '500m', memory: '128Mi' } }]));
    c.create(K.pods, pod('b', [{ name: 'app', requests: { cpu: '500m', memory: '128Mi' } }]));
    await c.until(
      () =>
        ((c.get(K.quotas, 'default', 'compute')?.status ?? {}) as { used?: { pods?: string } } | undefined)?.used
          ?.pods === '2',
      'used',
    );
    assert.deepEqual(c.get(K.quotas, 'default', 'compute')?.status, {
      hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '2Gi' },
      used: { pods: '2', 'requests.cpu': '1', 'requests.memory': '256Mi' },
    });
  });
});

describe('LimitRange admission', () => {
  const limits = (items: unknown[]): KubeObject =>
    ({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limits', namespace: 'default' },
      spec: { limits: items },
    }) as KubeObject;

  it('fills in default requests and limits and says so in an annotation', () => {
    const c = cluster();
    c.create(
      K.limitRanges,
      limits([{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m' } }]),
    );
    const created = c.create(K.pods, pod('d', [{ name: 'app', requests: { memory: '64Mi' } }]));
    const resources = (created.spec as { containers: { resources: unknown }[] }).containers[0]?.resources;
    assert.deepEqual(resources, {
      requests: { memory: '64Mi', cpu: '100m' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    assert.equal(
      created.metadata.annotations?.['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: cpu request for container app; cpu, memory limit for container app',
    );
  });

  it('refuses a container above max with the real message', () => {
    const c = cluster();
    c.create(K.limitRanges, limits([{ type: 'Container', max: { memory: '1Gi' } }]));
    const err = refusal(() => c.create(K.pods, pod('big', [{ name: 'app', limits: { memory: '2Gi' } }])));
    assert.equal(err.code, 403);
    assert.equal(err.message, 'pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi');
  });

  it('defaults the LimitRange itself (default from max, defaultRequest from default) and checks min and ratio', () => {
    const c = cluster();
    const stored = c.create(
      K.limitRanges,
      limits([{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' }, maxLimitRequestRatio: { cpu: '4' } }]),
    );
    assert.deepEqual((stored.spec as { limits: { default: unknown; defaultRequest: unknown }[] }).limits[0]?.default, {
      cpu: '2',
    });
    assert.deepEqual(
      (stored.spec as { limits: { default: unknown; defaultRequest: unknown }[] }).limits[0]?.defaultRequest,
      { cpu: '2' },
    );
    assert.equal(
      refusal(() => c.create(K.pods, pod('greedy', [{ name: 'app', requests: { cpu: '200m' }, limits: { cpu: '1' } }])))
        .message,
      'pods "greedy" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 5.000000',
    );
    // Several violations come back together, as Kubernetes aggregates them.
    assert.equal(
      refusal(() => c.create(K.pods, pod('tiny', [{ name: 'app', requests: { cpu: '50m' }, limits: { cpu: '1' } }])))
        .message,
      'pods "tiny" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, cpu max limit to request ratio per Container is 4, but provided ratio is 20.000000]',
    );
  });

  it('checks claims against PersistentVolumeClaim limits', () => {
    const c = cluster();
    c.create(K.limitRanges, limits([{ type: 'PersistentVolumeClaim', max: { storage: '5Gi' } }]));
    const err = refusal(() =>
      c.create(K.pvcs, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'default' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
      } as KubeObject),
    );
    assert.equal(
      err.message,
      'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi',
    );
  });
});
