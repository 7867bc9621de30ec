import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { IncidentChange } from '../../src/detect/index.js';
import { IncidentWatcher } from '../../src/detect/watcher.js';
import type { KubeObject } from '../../src/sim/objects.js';
import { RESOURCES } from '../../src/sim/resources.js';
import { eventually } from '../helpers/kubectl.js';
import { useSimulator } from '../helpers/sim.js';

const res = (plural: string) => RESOURCES.find((r) => r.plural === plural && (r.group === '' || plural !== 'events'))!;

describe('the incident watcher (informers -> incremental analysis -> tracker)', () => {
  // Controllers off: the test plays kubelet and controllers by writing status, so every step is deterministic.
  const f = useSimulator({ controllers: false });

  it('opens one incident on the Deployment when its pod is OOMKilled, and resolves it when healthy again', async () => {
    const { store } = f.sim;
    const deploy = store.create(res('deployments'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'memory-hog', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'memory-hog' } },
        template: {
          metadata: { labels: { app: 'memory-hog' } },
          spec: {
            containers: [{ name: 'memory-hog', image: 'polinux/stress', resources: { limits: { memory: '100Mi' } } }],
          },
        },
      },
    } as KubeObject);
    const rs = store.create(res('replicasets'), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'memory-hog-7d9f8c',
        namespace: 'default',
        labels: { app: 'memory-hog' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'memory-hog',
            uid: deploy.metadata.uid!,
            controller: true,
          },
        ],
      },
      spec: deploy.spec,
    } as KubeObject);
    const pod = store.create(res('pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'memory-hog-7d9f8c-abcde',
        namespace: 'default',
        labels: { app: 'memory-hog' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name!,
            uid: rs.metadata.uid!,
            controller: true,
          },
        ],
      },
      spec: {
        containers: [{ name: 'memory-hog', image: 'polinux/stress', resources: { limits: { memory: '100Mi' } } }],
      },
    } as KubeObject);

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.sim.kubeconfigPath);
    const watcher = new IncidentWatcher({
      kc,
      cluster: 'sim',
      tracker: { resolveAfterPasses: 1, quietPeriodMs: 0 },
      fullPassMs: 3_600_000,
    });
    const seen: IncidentChange[] = [];
    watcher.onChange((c) => seen.push(c));
    await watcher.start();
    assert.equal(seen.length, 0, 'a pending pod with no status is not an incident');

    const now = new Date().toISOString();
    store.modify(
      res('pods'),
      'default',
      pod.metadata.name!,
      (p) => {
        p.status = {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'memory-hog',
              ready: false,
              restartCount: 3,
              image: 'polinux/stress',
              imageID: '',
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
              lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now, finishedAt: now } },
            },
          ],
        };
      },
      { subresource: 'status' },
    );
    await eventually(() => seen.some((c) => c.type === 'opened'), 10_000, 'an opened incident');
    const opened = seen.find((c) => c.type === 'opened')!;
    assert.equal(opened.incident.failureClass, 'OOMKilled');
    assert.equal(opened.incident.workload.kind, 'Deployment');
    assert.equal(opened.incident.workload.name, 'memory-hog');
    assert.equal(seen.filter((c) => c.type === 'opened').length, 1, 'one incident for the workload, not one per pod');

    store.modify(
      res('pods'),
      'default',
      pod.metadata.name!,
      (p) => {
        p.status = {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'memory-hog',
              ready: true,
              restartCount: 0,
              image: 'polinux/stress',
              imageID: '',
              state: { running: { startedAt: now } },
            },
          ],
        };
      },
      { subresource: 'status' },
    );
    await eventually(() => seen.some((c) => c.type === 'resolved'), 10_000, 'the incident resolving');
    await watcher.stop();
  });

  it('keeps watching after the API server drops every watch', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.sim.kubeconfigPath);
    const watcher = new IncidentWatcher({ kc, cluster: 'sim', fullPassMs: 3_600_000 });
    await watcher.start();
    f.sim.dropWatches();
    f.sim.store.create(res('configmaps'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after-drop', namespace: 'default' },
    } as KubeObject);
    await eventually(
      () => watcher.snapshot.get('ConfigMap', 'default', 'after-drop') !== undefined,
      10_000,
      'the cache to see a post-drop object',
    );
    await watcher.stop();
  });
});
