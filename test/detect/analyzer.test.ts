import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Analyzer, runAnalyzers } from '../../src/detect/analyzer.js';
import { ANALYZERS } from '../../src/detect/analyzers/index.js';
import { snapshotFromObjects } from '../../src/detect/snapshot.js';
import { ago, MIN, NOW, pod, SEC, terminated, uid, waitingStatus } from './fixtures/index.js';

const crashing = (name: string, ns: string) =>
  pod(name, {
    ns,
    ready: false,
    statuses: [
      waitingStatus('CrashLoopBackOff', 'back-off', {
        restartCount: 4,
        lastState: terminated(1, 'Error', ago(10 * SEC)),
      }),
    ],
  });
const notReadyNode = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-9', uid: uid('node-9') },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'PLEG is not healthy',
        lastTransitionTime: ago(5 * MIN),
      },
    ],
  },
};

describe('runAnalyzers', () => {
  it('reports an analyzer that throws, sync or async, and carries on with the rest', async () => {
    const throwing: Analyzer<'Pod'> = {
      name: 'Broken',
      kind: 'Pod',
      analyze(p) {
        if (p.metadata?.name === 'a') throw new Error('cannot read properties of undefined');
        return Promise.reject(new Error('log backend down'));
      },
    };
    const snap = snapshotFromObjects([crashing('a', 'x'), crashing('b', 'x')], NOW);
    const { findings, errors } = await runAnalyzers([throwing, ...ANALYZERS], snap);
    assert.deepEqual(
      errors.map((e) => [e.code, e.analyzer, e.object.name, e.message]),
      [
        ['AnalyzerFailed', 'Broken', 'a', 'cannot read properties of undefined'],
        ['AnalyzerFailed', 'Broken', 'b', 'log backend down'],
      ],
    );
    assert.deepEqual(
      findings.map((f) => [f.object.name, f.failureClass]),
      [
        ['a', 'CrashLoopBackOff'],
        ['b', 'CrashLoopBackOff'],
      ],
    );
  });

  it('filters by analyzer name or kind, and skips cluster-scoped analyzers for one namespace', async () => {
    const snap = snapshotFromObjects([crashing('a', 'x'), crashing('b', 'y'), notReadyNode], NOW);
    const names = async (opts: Parameters<typeof runAnalyzers>[2]) =>
      (await runAnalyzers(ANALYZERS, snap, opts)).findings.map((f) => `${f.object.kind}/${f.object.name}`);
    assert.deepEqual(await names({}), ['Node/node-9', 'Pod/a', 'Pod/b']);
    assert.deepEqual(await names({ namespace: 'y' }), ['Pod/b']);
    assert.deepEqual(await names({ filter: ['node'] }), ['Node/node-9']);
    assert.deepEqual(await names({ filter: ['Pod'] }), ['Pod/a', 'Pod/b']);
  });
});
