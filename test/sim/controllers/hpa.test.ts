import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, type ClusterOptions, deployment, messages, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(options: ClusterOptions = {}): Cluster {
  const c = startCluster({ speed: 1_000, ...options });
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function withCpu(d: KubeObject, request: string, annotation?: string): KubeObject {
  const tpl = (
    d.spec as {
      template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Record<string, unknown>[] } };
    }
  ).template;
  tpl.spec.containers[0]!.resources = { requests: { cpu: request } };
  if (annotation) tpl.metadata.annotations = { 'sim.kubemend.io/cpu-millis': annotation };
  return d;
}

function hpa(name: string, target: string, min: number, max: number, utilization = 50): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } },
        },
      ],
    },
  } as KubeObject;
}

type Cond = { type: string; status: string; reason: string; message: string };
function cond(c: Cluster, name: string, type: string): Cond | undefined {
  return (
    ((c.get(K.hpas, 'default', name)?.status ?? {}) as { conditions?: Cond[] } | undefined)?.conditions ?? []
  ).find((x) => x.type === type);
}
function replicas(c: Cluster, name: string): number {
  return ((c.get(K.deployments, 'default', name)?.spec ?? {}) as { replicas: number }).replicas;
}

describe('horizontal pod autoscaler', () => {
  it('scales up by utilization within maxReplicas, then down after the stabilization window to minReplicas', async () => {
    let usage = 300;
    const c = cluster({ metrics: { cpuMillis: () => usage } });
    c.create(K.deployments, withCpu(deployment('cpu', 2), '200m'));
    c.create(K.hpas, hpa('cpu', 'cpu', 2, 5));
    await c.until(() => replicas(c, 'cpu') === 5, 'scaled up', 20_000);
    assert.deepEqual(messages(c, 'SuccessfulRescale', 'cpu'), [
      'New size: 5; reason: cpu resource utilization (percentage of request) above target',
    ]);
    const st = c.get(K.hpas, 'default', 'cpu')?.status as {
      currentMetrics: unknown[];
      desiredReplicas: number;
      lastScaleTime?: string;
    };
    assert.deepEqual(st.currentMetrics, [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 150, averageValue: '300m' } } },
    ]);
    assert.equal(st.desiredReplicas, 5);
    assert.ok(st.lastScaleTime);
    assert.deepEqual(cond(c, 'cpu', 'ScalingLimited'), {
      ...cond(c, 'cpu', 'ScalingLimited'),
      status: 'True',
      reason: 'TooManyReplicas',
      message: 'the desired replica count is more than the maximum replica count',
    });
    assert.equal(
      cond(c, 'cpu', 'ScalingActive')?.message,
      'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    );
    usage = 20;
    const dropped = c.clock.now().getTime();
    await c.until(() => cond(c, 'cpu', 'AbleToScale')?.reason === 'ScaleDownStabilized', 'stabilizing', 20_000);
    await c.until(() => replicas(c, 'cpu') === 2, 'scaled down', 20_000);
    const scaledAt = ((c.get(K.hpas, 'default', 'cpu')?.status ?? {}) as { lastScaleTime?: string }).lastScaleTime;
    const waited = Date.parse(scaledAt ?? '') - dropped;
    // The window runs from the last high recommendation, taken up to one 15s sync before the drop.
    assert.ok(waited >= 284_000, `no scale-down inside the 5 minute window (scaled after ${waited}ms)`);
    assert.equal(messages(c, 'SuccessfulRescale', 'cpu').at(-1), 'New size: 2; reason: All metrics below target');
    assert.equal(cond(c, 'cpu', 'ScalingLimited')?.reason, 'TooFewReplicas');
  });

  it('stays put inside the 10% tolerance', async () => {
    const c = cluster();
    c.create(K.deployments, withCpu(deployment('calm', 3), '100m', '52'));
    c.create(K.hpas, hpa('calm', 'calm', 1, 10));
    await c.until(
      () =>
        cond(c, 'calm', 'ScalingActive')?.reason === 'ValidMetricFound' &&
        cond(c, 'calm', 'AbleToScale')?.reason === 'ReadyForNewScale',
      'evaluated',
      20_000,
    );
    assert.equal(replicas(c, 'calm'), 3);
    assert.equal(messages(c, 'SuccessfulRescale', 'calm').length, 0);
    assert.equal(cond(c, 'calm', 'ScalingLimited')?.reason, 'DesiredWithinRange');
  });

  it('reports FailedGetResourceMetric when pods have no metrics, and FailedGetScale for a missing target', async () => {
    const c = cluster();
    c.create(K.deployments, withCpu(deployment('dark', 1), '100m'));
    c.create(K.hpas, hpa('dark', 'dark', 1, 3));
    c.create(K.hpas, hpa('ghost', 'nope', 1, 3));
    const noMetrics = 'unable to get metrics for resource cpu: no metrics returned from resource metrics API';
    await c.until(
      () => cond(c, 'dark', 'ScalingActive')?.status === 'False' && cond(c, 'ghost', 'AbleToScale')?.status === 'False',
      'conditions',
      20_000,
    );
    assert.deepEqual(
      [cond(c, 'dark', 'ScalingActive')?.reason, cond(c, 'dark', 'ScalingActive')?.message],
      [
        'FailedGetResourceMetric',
        `the HPA was unable to compute the replica count: failed to get cpu utilization: ${noMetrics}`,
      ],
    );
    assert.deepEqual(messages(c, 'FailedGetResourceMetric', 'dark'), [`failed to get cpu utilization: ${noMetrics}`]);
    assert.deepEqual(messages(c, 'FailedComputeMetricsReplicas', 'dark'), [
      `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: ${noMetrics}`,
    ]);
    assert.deepEqual(
      [cond(c, 'ghost', 'AbleToScale')?.reason, cond(c, 'ghost', 'AbleToScale')?.message],
      [
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: deployments.apps "nope" not found`,
      ],
    );
  });
});
