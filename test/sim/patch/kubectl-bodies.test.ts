// The PATCH bodies kubectl 1.32 actually sends (see shared/reference/kubernetes-api.md §1.5), applied to a
// live Deployment the way the simulator's server will apply them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { at, deployment, keys, patchOk, podSpec } from './fixtures.js';

const strategic = (current: KubeObject, body: string) => patchOk({ type: 'strategic', current, body });

describe('kubectl request bodies', () => {
  it('kubectl apply (client-side) with a changed image', () => {
    const lastApplied =
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},' +
      '"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.28","name":"app"}]}}}}\n';
    const body = JSON.stringify({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }],
            containers: [{ image: 'nginx:1.28', name: 'app' }],
          },
        },
      },
    });
    const out = strategic(deployment(), body);
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.28');
    assert.deepEqual(keys(podSpec(out, 'containers')), ['app', 'sidecar']);
    assert.equal(out.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], lastApplied);
    assert.equal(out.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  });

  it('kubectl apply (client-side) deleting an env var and a field from the manifest', () => {
    const body =
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],' +
      '"containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"name":"app","resources":null}]}}}}';
    const out = strategic(deployment(), body);
    assert.deepEqual(podSpec(out, 'containers', 0, 'env'), [{ name: 'A', value: '1' }]);
    assert.equal(podSpec(out, 'containers', 0, 'resources'), undefined);
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.27');
  });

  it('kubectl apply (client-side) switching the strategy to Recreate (a $retainKeys union)', () => {
    const body = '{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}';
    assert.deepEqual(at(strategic(deployment(), body), 'spec', 'strategy'), { type: 'Recreate' });
  });

  it('kubectl apply (client-side) changing a volume source', () => {
    const body =
      '{"spec":{"template":{"spec":{"$setElementOrder/volumes":[{"name":"data"}],' +
      '"volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"cm"},"name":"data"}]}}}}';
    assert.deepEqual(podSpec(strategic(deployment(), body), 'volumes'), [{ name: 'data', configMap: { name: 'cm' } }]);
  });

  it('kubectl set image', () => {
    const body =
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],' +
      '"containers":[{"image":"nginx:1.28","name":"app"}]}}}}';
    const out = strategic(deployment(), body);
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.28');
    assert.equal(podSpec(out, 'containers', 1, 'image'), 'busybox:1.36');
  });

  it('kubectl set resources', () => {
    const body =
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],' +
      '"containers":[{"name":"app","resources":{"limits":{"memory":"512Mi"},"requests":{"cpu":"100m"}}}]}}}}';
    const out = strategic(deployment(), body);
    assert.deepEqual(podSpec(out, 'containers', 0, 'resources'), {
      limits: { memory: '512Mi' },
      requests: { cpu: '100m' },
    });
    assert.deepEqual(keys(podSpec(out, 'containers', 0, 'env')), ['A', 'B']);
  });

  it('kubectl rollout restart', () => {
    const body =
      '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-03-01T10:00:00Z"}}}}}';
    const out = strategic(deployment(), body);
    assert.deepEqual(at(out, 'spec', 'template', 'metadata'), {
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-03-01T10:00:00Z' },
    });
  });

  it('kubectl rollout undo (a JSON patch replacing the template and the annotations)', () => {
    const template = {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.26', resources: {} }], restartPolicy: 'Always' },
    };
    const body = JSON.stringify([
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '4' } },
    ]);
    const out = patchOk({ type: 'json', current: deployment(), body });
    assert.deepEqual(at(out, 'spec', 'template'), template);
    assert.deepEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '4' });
    assert.equal(at(out, 'spec', 'replicas'), 2);
  });

  it('kubectl label / annotate (merge patches), including label removal with key-', () => {
    const labelled = patchOk({
      type: 'merge',
      current: deployment(),
      body: '{"metadata":{"labels":{"tier":"frontend"}}}',
    });
    assert.deepEqual(labelled.metadata.labels, { app: 'web', tier: 'frontend' });
    const removed = patchOk({ type: 'merge', current: labelled, body: '{"metadata":{"labels":{"tier":null}}}' });
    assert.deepEqual(removed.metadata.labels, { app: 'web' });
    const annotated = patchOk({
      type: 'merge',
      current: deployment(),
      body: '{"metadata":{"annotations":{"note":"x"}}}',
    });
    assert.equal(annotated.metadata.annotations?.note, 'x');
  });

  it('kubectl patch with the default (strategic) type and kubectl cordon', () => {
    const out = strategic(deployment(), '{"spec":{"replicas":3}}');
    assert.equal(at(out, 'spec', 'replicas'), 3);
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} };
    assert.equal(at(strategic(node, '{"spec":{"unschedulable":true}}'), 'spec', 'unschedulable'), true);
  });
});
