import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, deployment, messages, podsOf, startCluster } from './harness.js';

type Cond = { type: string; status: string; reason?: string; message?: string };

function conditions(o: KubeObject | undefined): Cond[] {
  return (((o?.status ?? {}) as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[];
}

function condition(o: KubeObject | undefined, type: string): Cond | undefined {
  return conditions(o).find((c) => c.type === type);
}

function replicaSets(c: Cluster, deploy: string, ns = 'default'): KubeObject[] {
  return c.store
    .all(K.replicaSets, ns)
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.name === deploy && r.kind === 'Deployment'));
}

function status(o: KubeObject | undefined): Record<string, number | undefined> {
  return (o?.status ?? {}) as Record<string, number | undefined>;
}

function isReady(p: KubeObject): boolean {
  return conditions(p).some((c) => c.type === 'Ready' && c.status === 'True');
}

function active(p: KubeObject): boolean {
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

function rolledOut(c: Cluster, name: string, ns = 'default'): boolean {
  const d = c.get(K.deployments, ns, name);
  const s = status(d);
  const want = ((d?.spec ?? {}) as { replicas: number }).replicas;
  return (
    (s.observedGeneration ?? 0) >= (d?.metadata.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

function setImage(c: Cluster, name: string, image: string, ns = 'default'): void {
  c.store.modify(K.deployments, ns, name, (d) => {
    const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
    spec.template.spec.containers[0]!.image = image;
  });
}

const clusters: Cluster[] = [];
function cluster(...args: Parameters<typeof startCluster>): Cluster {
  const c = startCluster(...args);
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

describe('deployment controller', () => {
  it('creates a hashed ReplicaSet with revision annotations and owner references, and its pods', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('web', 3));
    await c.until(() => rolledOut(c, 'web'), 'web rolled out');
    const [rs] = replicaSets(c, 'web');
    assert.ok(rs);
    const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual((rs.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, {
      app: 'web',
      'pod-template-hash': hash,
    });
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    const ref = rs.metadata.ownerReferences?.[0];
    assert.equal(ref?.kind, 'Deployment');
    assert.equal(ref?.controller, true);
    assert.equal(ref?.blockOwnerDeletion, true);
    const pods = podsOf(c, 'default', 'web');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name ?? '', new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.ownerReferences?.[0]?.name, rs.metadata.name);
    }
    const d = c.get(K.deployments, 'default', 'web');
    assert.equal(d?.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(
      [condition(d, 'Available')?.reason, condition(d, 'Available')?.message],
      ['MinimumReplicasAvailable', 'Deployment has minimum availability.'],
    );
    assert.deepEqual(
      [condition(d, 'Progressing')?.status, condition(d, 'Progressing')?.reason, condition(d, 'Progressing')?.message],
      ['True', 'NewReplicaSetAvailable', `ReplicaSet "${rs.metadata.name}" has successfully progressed.`],
    );
    assert.deepEqual(messages(c, 'ScalingReplicaSet', 'web'), [
      `Scaled up replica set ${rs.metadata.name} from 0 to 3`,
    ]);
    assert.equal(messages(c, 'SuccessfulCreate', rs.metadata.name).length, 3);
    assert.ok(messages(c, 'SuccessfulCreate', rs.metadata.name).every((m) => /^Created pod: web-/.test(m)));
  });

  it('never exceeds maxSurge nor drops below maxUnavailable during a rolling update', async () => {
    const c = cluster({ outcome: () => ({ kind: 'ready', afterMs: 3_000 }) });
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    c.create(K.deployments, deployment('api', 4, 'nginx:1.27', { strategy }));
    await c.until(() => rolledOut(c, 'api'), 'api rolled out');
    let maxPods = 0;
    let minAvailable = Number.POSITIVE_INFINITY;
    const unsubscribe = c.store.subscribe(() => {
      const pods = podsOf(c, 'default', 'api').filter(active);
      maxPods = Math.max(maxPods, pods.length);
      minAvailable = Math.min(minAvailable, pods.filter(isReady).length);
    });
    setImage(c, 'api', 'nginx:1.28');
    await c.until(() => rolledOut(c, 'api') && podsOf(c, 'default', 'api').filter(active).length === 4, 'api updated');
    unsubscribe();
    assert.ok(maxPods <= 5, `at most replicas+maxSurge pods, saw ${maxPods}`);
    assert.ok(minAvailable >= 3, `at least replicas-maxUnavailable ready, saw ${minAvailable}`);
    const rss = replicaSets(c, 'api');
    assert.equal(rss.length, 2);
    const images = podsOf(c, 'default', 'api').map(
      (p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image,
    );
    assert.deepEqual(images, ['nginx:1.28', 'nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
    const d = c.get(K.deployments, 'default', 'api');
    assert.equal(d?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const scaling = messages(c, 'ScalingReplicaSet', 'api');
    // The new ReplicaSet starts at maxSurge, then old and new step by one as pods become available.
    assert.match(scaling[1] ?? '', /^Scaled up replica set api-\w+ from 0 to 1$/);
    assert.match(scaling[2] ?? '', /^Scaled down replica set api-\w+ from 4 to 3$/);
    assert.match(scaling.at(-1) ?? '', /^Scaled down replica set api-\w+ from 1 to 0$/);
  });

  it('rounds percentage surge up and unavailability down', async () => {
    const c = cluster({ outcome: () => ({ kind: 'ready', afterMs: 2_000 }) });
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    c.create(K.deployments, deployment('pct', 10, 'nginx:1.27', { strategy }));
    await c.until(() => rolledOut(c, 'pct'), 'pct rolled out');
    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    const unsubscribe = c.store.subscribe(() => {
      const pods = podsOf(c, 'default', 'pct').filter(active);
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter(isReady).length);
    });
    setImage(c, 'pct', 'nginx:1.28');
    await c.until(() => rolledOut(c, 'pct') && podsOf(c, 'default', 'pct').filter(active).length === 10, 'pct updated');
    unsubscribe();
    assert.equal(maxPods, 13, 'ceil(2.5) = 3 surge pods');
    assert.equal(minReady, 8, 'floor(2.5) = 2 unavailable');
    const rs = replicaSets(c, 'pct').find((r) => (r.spec as { replicas: number }).replicas === 10);
    assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '13');
  });

  it('reports ProgressDeadlineExceeded when the new pods never become ready, keeping old ones serving', async () => {
    const c = cluster({
      outcome: (p) =>
        (p.spec as { containers: { image: string }[] }).containers[0]?.image === 'nginx:bad'
          ? { kind: 'unready' }
          : { kind: 'ready' },
    });
    c.create(K.deployments, deployment('stuck', 3, 'nginx:1.27', { progressDeadlineSeconds: 60 }));
    await c.until(() => rolledOut(c, 'stuck'), 'stuck rolled out');
    setImage(c, 'stuck', 'nginx:bad');
    await c.until(
      () => condition(c.get(K.deployments, 'default', 'stuck'), 'Progressing')?.reason === 'ProgressDeadlineExceeded',
      'deadline exceeded',
    );
    const d = c.get(K.deployments, 'default', 'stuck');
    const newRS = replicaSets(c, 'stuck').find(
      (rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2',
    );
    assert.deepEqual(condition(d, 'Progressing'), {
      ...condition(d, 'Progressing'),
      status: 'False',
      message: `ReplicaSet "${newRS?.metadata.name}" has timed out progressing.`,
    });
    assert.equal(condition(d, 'Available')?.status, 'True');
    // 25% of 3: surge rounds up to 1, unavailability down to 0, so all old pods keep serving.
    assert.equal(podsOf(c, 'default', 'stuck').filter(isReady).length, 3);
    assert.equal(podsOf(c, 'default', 'stuck').filter(active).length, 4);
    assert.equal(status(d).unavailableReplicas, 1);
  });

  it('rolls back with undo: the old ReplicaSet is found by template and gets the next revision', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('undo', 2));
    await c.until(() => rolledOut(c, 'undo'), 'v1');
    const first = replicaSets(c, 'undo')[0]!;
    setImage(c, 'undo', 'nginx:1.28');
    await c.until(() => rolledOut(c, 'undo') && replicaSets(c, 'undo').length === 2, 'v2');
    // kubectl rollout undo: the template of the previous revision, without its pod-template-hash label.
    const template = structuredClone(
      (first.spec as { template: { metadata: { labels: Record<string, string> } } }).template,
    );
    delete template.metadata.labels['pod-template-hash'];
    c.store.modify(K.deployments, 'default', 'undo', (d) => {
      (d.spec as { template: unknown }).template = template;
    });
    await c.until(
      () =>
        rolledOut(c, 'undo') &&
        c.get(K.replicaSets, 'default', first.metadata.name ?? '')?.metadata.annotations?.[
          'deployment.kubernetes.io/revision'
        ] === '3',
      'rolled back',
    );
    assert.equal(replicaSets(c, 'undo').length, 2, 'no third ReplicaSet');
    const reused = c.get(K.replicaSets, 'default', first.metadata.name ?? '');
    assert.equal(reused?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(((reused?.spec ?? {}) as { replicas: number }).replicas, 2);
    assert.equal(
      c.get(K.deployments, 'default', 'undo')?.metadata.annotations?.['deployment.kubernetes.io/revision'],
      '3',
    );
    const images = podsOf(c, 'default', 'undo')
      .filter(active)
      .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image);
    assert.deepEqual(images, ['nginx:1.27', 'nginx:1.27']);
  });

  it('rollout restart (a template annotation) makes a new ReplicaSet', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('rr', 1));
    await c.until(() => rolledOut(c, 'rr'), 'rr');
    c.store.modify(K.deployments, 'default', 'rr', (d) => {
      const t = (d.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
      t.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' };
    });
    await c.until(() => rolledOut(c, 'rr') && replicaSets(c, 'rr').length === 2, 'restarted');
    const pod = podsOf(c, 'default', 'rr').filter(active)[0];
    assert.equal(pod?.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], '2025-01-01T00:00:00Z');
  });

  it('a paused deployment does not roll out until resumed, and says so in Progressing', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('pz', 2));
    await c.until(() => rolledOut(c, 'pz'), 'pz');
    c.store.modify(K.deployments, 'default', 'pz', (d) => {
      (d.spec as { paused: boolean }).paused = true;
    });
    setImage(c, 'pz', 'nginx:1.28');
    await c.until(
      () => condition(c.get(K.deployments, 'default', 'pz'), 'Progressing')?.reason === 'DeploymentPaused',
      'paused condition',
    );
    await c.sleep(5_000);
    assert.equal(replicaSets(c, 'pz').length, 1, 'no new ReplicaSet while paused');
    assert.equal(condition(c.get(K.deployments, 'default', 'pz'), 'Progressing')?.message, 'Deployment is paused');
    c.store.modify(K.deployments, 'default', 'pz', (d) => {
      (d.spec as { paused: boolean }).paused = false;
    });
    await c.until(() => rolledOut(c, 'pz') && replicaSets(c, 'pz').length === 2, 'resumed rollout');
  });

  it('scales the ReplicaSet with ScalingReplicaSet events both ways', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('sc', 2));
    await c.until(() => rolledOut(c, 'sc'), 'sc');
    const rs = replicaSets(c, 'sc')[0]!;
    c.store.modify(K.deployments, 'default', 'sc', (d) => {
      (d.spec as { replicas: number }).replicas = 5;
    });
    await c.until(() => rolledOut(c, 'sc') && podsOf(c, 'default', 'sc').length === 5, 'scaled up');
    c.store.modify(K.deployments, 'default', 'sc', (d) => {
      (d.spec as { replicas: number }).replicas = 1;
    });
    await c.until(() => rolledOut(c, 'sc') && podsOf(c, 'default', 'sc').length === 1, 'scaled down');
    assert.deepEqual(messages(c, 'ScalingReplicaSet', 'sc'), [
      `Scaled up replica set ${rs.metadata.name} from 0 to 2`,
      `Scaled up replica set ${rs.metadata.name} from 2 to 5`,
      `Scaled down replica set ${rs.metadata.name} from 5 to 1`,
    ]);
    assert.equal(replicaSets(c, 'sc')[0]?.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '1');
  });

  it('Recreate removes every old pod before the new ReplicaSet scales up', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('rc', 3, 'nginx:1.27', { strategy: { type: 'Recreate' } }));
    await c.until(() => rolledOut(c, 'rc'), 'rc');
    let overlap = false;
    const unsubscribe = c.store.subscribe(() => {
      const images = new Set(
        podsOf(c, 'default', 'rc')
          .filter(active)
          .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image),
      );
      if (images.size > 1) overlap = true;
    });
    setImage(c, 'rc', 'nginx:1.28');
    await c.until(() => rolledOut(c, 'rc') && replicaSets(c, 'rc').length === 2, 'recreated');
    unsubscribe();
    assert.equal(overlap, false, 'old and new pods never ran together');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const c = cluster();
    c.create(K.deployments, deployment('hist', 1, 'nginx:1.25', { revisionHistoryLimit: 1 }));
    for (const tag of ['1.26', '1.27', '1.28']) {
      await c.until(() => rolledOut(c, 'hist'), 'rolled');
      setImage(c, 'hist', `nginx:${tag}`);
    }
    await c.until(() => rolledOut(c, 'hist') && replicaSets(c, 'hist').length === 2, 'history trimmed');
    const revisions = replicaSets(c, 'hist')
      .map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'])
      .sort();
    assert.deepEqual(revisions, ['3', '4']);
  });

  it('scales old and new ReplicaSets proportionally when scaled mid-rollout', async () => {
    const c = cluster({
      outcome: (p) =>
        (p.spec as { containers: { image: string }[] }).containers[0]?.image === 'nginx:slow'
          ? { kind: 'unready' }
          : { kind: 'ready' },
    });
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    c.create(K.deployments, deployment('prop', 10, 'nginx:1.27', { strategy }));
    await c.until(() => rolledOut(c, 'prop'), 'prop');
    setImage(c, 'prop', 'nginx:slow');
    await c.until(
      () => replicaSets(c, 'prop').reduce((n, rs) => n + (rs.spec as { replicas: number }).replicas, 0) === 13,
      'surged',
    );
    await c.sleep(2_000);
    c.store.modify(K.deployments, 'default', 'prop', (d) => {
      (d.spec as { replicas: number }).replicas = 20;
    });
    await c.until(
      () => replicaSets(c, 'prop').reduce((n, rs) => n + (rs.spec as { replicas: number }).replicas, 0) === 23,
      'proportional scale',
    );
    const sizes = replicaSets(c, 'prop')
      .map((rs) => (rs.spec as { replicas: number }).replicas)
      .sort((a, b) => a - b);
    // Stuck at old 8 + new 5 (= 10 + surge 3); 10 more split by size: old 8 -> 14, new 5 -> 9.
    assert.deepEqual(sizes, [9, 14]);
  });
});
