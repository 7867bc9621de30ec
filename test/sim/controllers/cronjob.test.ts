import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { K } from '../../../src/sim/controllers/kinds.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { type Cluster, type ClusterOptions, messages, startCluster } from './harness.js';

const clusters: Cluster[] = [];
function cluster(options: ClusterOptions): Cluster {
  // 1 simulated minute = 50ms of wall time.
  const c = startCluster({ speed: 1_200, ...options });
  clusters.push(c);
  return c;
}
after(() => {
  for (const c of clusters) c.stop();
});

function cronJob(name: string, schedule: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [{ name: 'tick', image: 'busybox:1.36', command: ['date'] }],
            },
          },
        },
      },
      ...extra,
    },
  } as KubeObject;
}

function jobsOf(c: Cluster, cj: string): KubeObject[] {
  return c.store
    .all(K.jobs, 'default')
    .filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === cj));
}

function cjStatus(
  c: Cluster,
  name: string,
): { active?: { name: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string } {
  return (c.get(K.cronJobs, 'default', name)?.status ?? {}) as ReturnType<typeof cjStatus>;
}

describe('cronjob controller', () => {
  it('creates <cronjob>-<minutes> Jobs on the simulated clock and trims history', async () => {
    const c = cluster({ outcome: () => ({ kind: 'succeed', afterMs: 5_000 }) });
    c.create(K.cronJobs, cronJob('tick', '*/1 * * * *', { successfulJobsHistoryLimit: 2 }));
    await c.until(() => messages(c, 'SawCompletedJob', 'tick').length >= 3, 'three completed runs', 20_000);
    const created = messages(c, 'SuccessfulCreate', 'tick');
    assert.ok(created.length >= 3);
    const names = created.map((m) => m.replace('Created job ', ''));
    for (const n of names) {
      const minutes = Number(n.replace('tick-', ''));
      assert.ok(Number.isInteger(minutes), n);
      // The suffix is the scheduled time in minutes since the epoch: on a whole minute of the clock.
      assert.ok(Math.abs(minutes * 60_000 - c.clock.now().getTime()) < 10 * 60_000, n);
    }
    const consecutive = names.slice(0, 3).map((n) => Number(n.replace('tick-', '')));
    assert.deepEqual([consecutive[1]! - consecutive[0]!, consecutive[2]! - consecutive[1]!], [1, 1]);
    assert.match(messages(c, 'SawCompletedJob', 'tick')[0] ?? '', /^Saw completed job: tick-\d+, status: Complete$/);
    await c.until(
      () =>
        jobsOf(c, 'tick').filter((j) => (j.status as { succeeded?: number } | undefined)?.succeeded === 1).length <= 2,
      'history limit',
    );
    const job = jobsOf(c, 'tick')[0]!;
    assert.equal(job.metadata.labels?.app, 'tick');
    assert.match(
      job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/,
    );
    const st = cjStatus(c, 'tick');
    assert.match(st.lastScheduleTime ?? '', /:00Z$/);
    assert.ok(st.lastSuccessfulTime);
  });

  it('Forbid skips a run while the previous one is active; Replace deletes it', async () => {
    const c = cluster({ outcome: () => ({ kind: 'ready' }) });
    c.create(K.cronJobs, cronJob('forbid', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    c.create(K.cronJobs, cronJob('replace', '* * * * *', { concurrencyPolicy: 'Replace' }));
    await c.until(
      () =>
        messages(c, 'JobAlreadyActive', 'forbid').length > 0 && messages(c, 'SuccessfulDelete', 'replace').length > 0,
      'policies',
      20_000,
    );
    assert.equal(jobsOf(c, 'forbid').length, 1);
    assert.deepEqual(messages(c, 'JobAlreadyActive', 'forbid'), [
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    ]);
    assert.equal(cjStatus(c, 'forbid').active?.length, 1);
    assert.match(messages(c, 'SuccessfulDelete', 'replace')[0] ?? '', /^Deleted job replace-\d+$/);
    await c.until(() => jobsOf(c, 'replace').length === 1, 'one replace job left');
  });

  it('does nothing while suspended', async () => {
    const c = cluster({ outcome: () => ({ kind: 'succeed' }) });
    c.create(K.cronJobs, cronJob('paused', '* * * * *', { suspend: true }));
    await c.sleep(180_000);
    assert.equal(jobsOf(c, 'paused').length, 0);
  });

  it('warns UnparseableSchedule with the parser error for a schedule the API server would refuse', async () => {
    const c = cluster({ validation: false });
    c.create(K.cronJobs, cronJob('broken', '*/5 * * *'));
    await c.until(() => messages(c, 'UnparseableSchedule', 'broken').length > 0, 'warning');
    assert.deepEqual(messages(c, 'UnparseableSchedule', 'broken'), [
      'unparseable schedule: "*/5 * * *" : expected exactly 5 fields, found 4: [*/5 * * *]',
    ]);
    assert.equal(c.events('broken')[0]?.type, 'Warning');
    assert.equal(((c.events('broken')[0]?.source ?? {}) as { component?: string }).component, 'cronjob-controller');
  });

  it('warns about an unknown time zone', async () => {
    const c = cluster({ validation: false });
    c.create(K.cronJobs, cronJob('tz', '0 * * * *', { timeZone: 'Mars/Olympus' }));
    await c.until(() => messages(c, 'UnknownTimeZone', 'tz').length > 0, 'warning');
    assert.deepEqual(messages(c, 'UnknownTimeZone', 'tz'), [
      'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus',
    ]);
  });
});
