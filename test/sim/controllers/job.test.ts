import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, messages, type Outcome, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(outcome: (pod: KubeObject) => Outcome, speed = 400): Cluster {
  const c = startCluster({ outcome, speed });
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function job(name: string, spec: Record<string, unknown>, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: {
        spec: { restartPolicy, containers: [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }] },
      },
      ...spec,
    },
  } as KubeObject;
}

type Cond = { type: string; status: string; reason?: string; message?: string };
function jobStatus(
  c: Cluster,
  name: string,
): {
  conditions?: Cond[];
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  uncountedTerminatedPods?: unknown;
} {
  return (c.get(K.jobs, 'default', name)?.status ?? {}) as ReturnType<typeof jobStatus>;
}
function podsOfJob(c: Cluster, name: string): KubeObject[] {
  return c.store
    .all(K.pods, 'default')
    .filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'Job' && r.name === name));
}
function finished(c: Cluster, name: string): Cond | undefined {
  return jobStatus(c, name).conditions?.find(
    (x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True',
  );
}

describe('job controller', () => {
  it('runs completions with bounded parallelism and completes with the 1.32 conditions', async () => {
    const c = cluster(() => ({ kind: 'succeed', afterMs: 5_000 }));
    let maxActive = 0;
    c.store.subscribe(() => {
      maxActive = Math.max(
        maxActive,
        podsOfJob(c, 'batch').filter(
          (p) => !['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? ''),
        ).length,
      );
    });
    c.create(K.jobs, job('batch', { completions: 5, parallelism: 2 }));
    await c.until(() => finished(c, 'batch') !== undefined, 'job finished');
    const st = jobStatus(c, 'batch');
    assert.equal(st.succeeded, 5);
    assert.equal(st.active, undefined);
    assert.equal(st.ready, 0);
    assert.equal(st.terminating, 0);
    assert.deepEqual(st.uncountedTerminatedPods, {});
    assert.ok(st.startTime && st.completionTime);
    assert.deepEqual(
      st.conditions?.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
        ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ],
    );
    assert.equal(maxActive, 2);
    assert.equal(podsOfJob(c, 'batch').length, 5);
    const pod = podsOfJob(c, 'batch')[0]!;
    const uid = c.get(K.jobs, 'default', 'batch')?.metadata.uid;
    assert.equal(pod.metadata.labels?.['batch.kubernetes.io/job-name'], 'batch');
    assert.equal(pod.metadata.labels?.['job-name'], 'batch');
    assert.equal(pod.metadata.labels?.['batch.kubernetes.io/controller-uid'], uid);
    assert.equal(pod.metadata.labels?.['controller-uid'], uid);
    assert.match(pod.metadata.name ?? '', /^batch-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(messages(c, 'Completed', 'batch'), ['Job completed']);
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failed pods (restartPolicy Never), with back-off between them', async () => {
    const c = cluster(() => ({ kind: 'fail', afterMs: 1_000 }));
    c.create(K.jobs, job('flaky', { backoffLimit: 2 }));
    const created: number[] = [];
    c.store.subscribe((e) => {
      if (e.type === 'ADDED' && e.resource === K.pods) created.push(c.clock.now().getTime());
    });
    await c.until(() => finished(c, 'flaky') !== undefined, 'job failed');
    const st = jobStatus(c, 'flaky');
    assert.equal(st.failed, 3);
    assert.equal(podsOfJob(c, 'flaky').length, 3, 'a new pod per failure; failed pods stay');
    assert.deepEqual(
      st.conditions?.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
        ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ],
    );
    assert.deepEqual(messages(c, 'BackoffLimitExceeded', 'flaky'), ['Job has reached the specified backoff limit']);
    assert.equal(c.events('flaky').find((e) => e.reason === 'BackoffLimitExceeded')?.type, 'Warning');
    // 10s, then 20s of back-off after the first and second failures (measured from finishedAt, which has
    // whole-second precision as in Kubernetes).
    const gaps = created.slice(1).map((t, i) => t - created[i]!);
    assert.ok(gaps[0]! >= 10_000 && gaps[1]! >= 20_000, `back-off between replacements: ${gaps.join(', ')}`);
  });

  it('counts in-place restarts against backoffLimit for restartPolicy OnFailure', async () => {
    const c = cluster(() => ({ kind: 'restart', everyMs: 10_000 }));
    c.create(K.jobs, job('retry', { backoffLimit: 3 }, 'OnFailure'));
    await c.until(() => finished(c, 'retry') !== undefined, 'job failed');
    assert.equal(finished(c, 'retry')?.reason, 'BackoffLimitExceeded');
    assert.equal(podsOfJob(c, 'retry').length, 0, 'the restarting pod was terminated');
    assert.equal(jobStatus(c, 'retry').failed, 1);
  });

  it('fails with DeadlineExceeded when activeDeadlineSeconds passes, terminating running pods', async () => {
    const c = cluster(() => ({ kind: 'ready' }));
    c.create(K.jobs, job('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }));
    await c.until(() => finished(c, 'slow') !== undefined, 'deadline');
    assert.deepEqual(
      [finished(c, 'slow')?.reason, finished(c, 'slow')?.message],
      ['DeadlineExceeded', 'Job was active longer than specified deadline'],
    );
    assert.equal(podsOfJob(c, 'slow').length, 0);
    assert.equal(jobStatus(c, 'slow').failed, 2);
    assert.equal(messages(c, 'SuccessfulDelete', 'slow').length, 2);
  });

  it('suspends and resumes', async () => {
    const c = cluster(() => ({ kind: 'ready' }));
    c.create(K.jobs, job('sus', { suspend: true }));
    await c.until(
      () => jobStatus(c, 'sus').conditions?.some((x) => x.type === 'Suspended' && x.status === 'True') === true,
      'suspended',
    );
    assert.equal(podsOfJob(c, 'sus').length, 0);
    assert.deepEqual(messages(c, 'Suspended', 'sus'), ['Job suspended']);
    c.store.modify(K.jobs, 'default', 'sus', (j) => {
      (j.spec as { suspend: boolean }).suspend = false;
    });
    await c.until(() => podsOfJob(c, 'sus').length === 1, 'resumed');
    assert.equal(jobStatus(c, 'sus').conditions?.find((x) => x.type === 'Suspended')?.reason, 'JobResumed');
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    const c = cluster(() => ({ kind: 'succeed', afterMs: 1_000 }));
    c.create(K.jobs, job('ttl', { ttlSecondsAfterFinished: 60 }));
    await c.until(() => finished(c, 'ttl') !== undefined, 'complete');
    await c.until(() => !c.get(K.jobs, 'default', 'ttl'), 'deleted by ttl');
    await c.until(() => podsOfJob(c, 'ttl').length === 0, 'pods collected');
  });

  it('gives Indexed jobs one pod per completion index', async () => {
    const c = cluster(() => ({ kind: 'succeed', afterMs: 1_000 }));
    c.create(K.jobs, job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await c.until(() => finished(c, 'idx') !== undefined, 'complete');
    const indexes = podsOfJob(c, 'idx')
      .map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'])
      .sort();
    assert.deepEqual(indexes, ['0', '1', '2']);
    assert.equal(
      ((c.get(K.jobs, 'default', 'idx')?.status ?? {}) as { completedIndexes?: string }).completedIndexes,
      '0-2',
    );
  });
});
