// Approve mode with nobody answering: once the approval deadline passes (cluster clock), the daemon escalates the
// incident, tells people, and the change is never applied.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { AuditEntry } from '../../src/remedy/types.js';
import { applyScenario, getScenario } from '../../src/sim/scenarios/index.js';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/sim.js';
import { startReceiver } from '../notify/receiver.js';
import { startDaemon } from './daemon-process.js';

describe('kubemend run: approval expiry', () => {
  const fx = useSimulator({ speed: 30 });
  const cwd = mkdtempSync(join(tmpdir(), 'kubemend-expiry-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('escalates an unanswered approval request at its deadline and never applies the change', async () => {
    const receiver = await startReceiver();
    after(() => receiver.close());
    writeFileSync(
      join(cwd, 'kubemend.yaml'),
      ['remedy:', '  approvalTimeoutSeconds: 60', 'notify:', `  webhook: { url: "${receiver.url}/hook" }`, ''].join(
        '\n',
      ),
    );
    const stateDir = join(cwd, 'state');
    const daemon = startDaemon(fx.sim.kubeconfigPath, stateDir, 'approve', {
      cwd,
      env: { ...process.env, HOME: cwd },
    });
    children.push(daemon.child);
    await daemon.waitFor((l) => l.event === 'started');
    const scenario = getScenario('memory-hog');
    assert.ok(scenario);
    await applyScenario(fx.sim.kubeconfigPath, scenario);
    const waiting = await daemon.waitFor((l) => l.event === 'outcome' && l.outcome === 'awaiting-approval');
    const expired = await daemon.waitFor(
      (l) => l.event === 'outcome' && l.incidentId === waiting.incidentId && l.outcome !== 'awaiting-approval',
    );
    assert.equal(expired.outcome, 'escalated', JSON.stringify(expired));
    assert.match(String(expired.reason), /nobody approved/);
    await daemon.waitFor((l) => l.step === 'notified' && /escalation/.test(String(l.reason)));
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);

    const kinds = receiver.requests.map((r) => (r.json as { kind?: string }).kind);
    assert.deepEqual(kinds, ['approval-request', 'escalation']);
    const audit = await runCli([
      'audit',
      '--state-dir',
      stateDir,
      '--incident',
      String(waiting.incidentId),
      '-o',
      'json',
    ]);
    assert.equal(audit.code, 0, audit.stderr);
    const steps = (JSON.parse(audit.stdout) as AuditEntry[]).map((e) => e.step);
    assert.ok(
      steps.indexOf('escalated') > steps.indexOf('approval-requested') && steps.includes('approval-requested'),
      steps.join(','),
    );
    assert.ok(!steps.includes('applied'), steps.join(','));
    const kc = new KubeConfig();
    kc.loadFromFile(fx.sim.kubeconfigPath);
    const d = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'memory-hog', namespace: 'memory-hog' });
    assert.equal(d.spec?.template.spec?.containers[0]?.resources?.limits?.memory, '100Mi');
  });
});
