import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTargets } from '../../src/detect/analyzer.js';
import { ANALYZERS } from '../../src/detect/analyzers/index.js';
import type { KindMap } from '../../src/detect/kinds.js';
import { ownerChain, owningWorkload } from '../../src/detect/owners.js';
import { SnapshotStore, snapshotFromObjects } from '../../src/detect/snapshot.js';
import {
  ago,
  cronJob,
  deploymentWithPods,
  event,
  job,
  MIN,
  NOW,
  pod,
  SEC,
  terminated,
  uid,
  waitingStatus,
} from './fixtures/index.js';

describe('snapshotFromObjects', () => {
  it('flattens lists, ignores kinds it does not read, and scopes lists by namespace', () => {
    const snap = snapshotFromObjects([
      { apiVersion: 'v1', kind: 'PodList', items: [pod('a', { ns: 'x' }), pod('b', { ns: 'y' })] },
      { apiVersion: 'v1', kind: 'List', items: [pod('c', { ns: 'x' })] },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ]);
    assert.deepEqual(
      snap
        .list('Pod')
        .map((p) => p.metadata?.name)
        .sort(),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      snap
        .list('Pod', 'x')
        .map((p) => p.metadata?.name)
        .sort(),
      ['a', 'c'],
    );
    assert.equal(snap.get('Pod', 'y', 'b')?.metadata?.name, 'b');
    assert.equal(snap.get('Pod', 'x', 'b'), undefined);
  });

  it('indexes events by involvedObject uid, newest first', () => {
    const p = pod('web-0');
    const twin = pod('web-0', { ns: 'other' });
    const older = event(p, 'BackOff', 'older', { lastSeen: ago(5 * MIN) });
    const newer = event(p, 'BackOff', 'newer', { lastSeen: ago(10 * SEC) });
    const snap = snapshotFromObjects([p, twin, older, newer, event(twin, 'Failed', 'not mine')]);
    assert.deepEqual(
      snap.eventsFor(uid('Pod/default/web-0')).map((e) => e.message),
      ['newer', 'older'],
    );
  });
});

describe('SnapshotStore', () => {
  it('follows upserts and removals, including events, and invalidates cached lists', () => {
    const store = new SnapshotStore(() => NOW);
    const p = pod('web-0') as unknown as KindMap['Pod'];
    store.upsert('Pod', p);
    assert.equal(store.list('Pod').length, 1);
    const e = event(p as unknown as Record<string, unknown>, 'BackOff', 'first', {
      name: 'web-0.1',
    }) as unknown as KindMap['Event'];
    store.upsert('Event', e);
    store.upsert('Event', { ...e, message: 'second', count: 2 });
    assert.deepEqual(
      store.eventsFor(p.metadata?.uid ?? '').map((x) => x.message),
      ['second'],
      'an updated event replaces itself',
    );
    store.remove('Event', e);
    assert.deepEqual(store.eventsFor(p.metadata?.uid ?? ''), []);
    store.remove('Pod', p);
    assert.deepEqual(store.list('Pod'), []);
  });

  it('accepts Date timestamps as client-node’s typed lists deliver them', async () => {
    const [d, rs, p] = deploymentWithPods('web', {
      replicas: 1,
      podStatus: () => ({
        created: ago(20 * MIN),
        ready: false,
        statuses: [
          waitingStatus('CrashLoopBackOff', 'back-off', {
            restartCount: 3,
            lastState: terminated(1, 'Error', ago(SEC)),
          }),
        ],
      }),
    });
    const typed = structuredClone(p) as {
      metadata: { creationTimestamp: unknown };
      status: { startTime: unknown; containerStatuses: { lastState: { terminated: { finishedAt: unknown } } }[] };
    };
    typed.metadata.creationTimestamp = new Date(String(typed.metadata.creationTimestamp));
    typed.status.startTime = new Date(String(typed.status.startTime));
    const last = typed.status.containerStatuses[0]?.lastState.terminated;
    if (last) last.finishedAt = new Date(String(last.finishedAt));
    const snap = snapshotFromObjects([d, rs, typed], NOW);
    const { findings } = await analyzeTargets(ANALYZERS, snap, [
      { kind: 'Pod', object: typed as unknown as KindMap['Pod'] },
    ]);
    assert.deepEqual(
      findings.map((f) => [f.failureClass, f.details.restartsPerHour]),
      [['CrashLoopBackOff', 9]],
    );
  });
});

describe('owners', () => {
  it('walks Pod → Job → CronJob and Pod → ReplicaSet → Deployment by uid', () => {
    const cron = cronJob('nightly');
    const j = job('nightly-1', { owner: cron });
    const jp = pod('nightly-1-abc', { owner: j });
    const [d, rs, p] = deploymentWithPods('web', { replicas: 1 });
    const snap = snapshotFromObjects([cron, j, jp, d, rs, p]);
    assert.deepEqual(
      ownerChain(jp as never, snap).map((r) => `${r.kind}/${r.name}`),
      ['Job/nightly-1', 'CronJob/nightly'],
    );
    assert.equal(owningWorkload('Pod', p as never, snap).name, 'web');
  });

  it('does not follow an owner reference whose uid no longer matches', () => {
    const [d, rs, p] = deploymentWithPods('web', { replicas: 1 });
    const recreated = { ...rs, metadata: { ...(rs?.metadata as object), uid: uid('a-new-life') } };
    const snap = snapshotFromObjects([d, recreated, p]);
    assert.deepEqual(
      ownerChain(p as never, snap).map((r) => r.kind),
      ['ReplicaSet', 'Deployment'],
      'inferred from the pod-template-hash',
    );
    assert.equal(ownerChain(p as never, snap)[1]?.uid, '', 'the inferred Deployment has no known uid');
  });
});
