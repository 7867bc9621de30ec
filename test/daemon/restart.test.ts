import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/remedy/types.js';
import { applyScenario, getScenario } from '../../src/sim/scenarios/index.js';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/sim.js';
import { startDaemon } from './daemon-process.js';

describe('kubemend run: a daemon killed mid-remediation', () => {
  const fx = useSimulator({ speed: 30 });
  const stateDir = mkdtempSync(join(tmpdir(), 'kubemend-restart-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('finds the applied, unverified change on restart, verifies or rolls it back, and the audit log says so', async () => {
    const scenario = getScenario('memory-hog');
    assert.ok(scenario);
    const first = startDaemon(fx.sim.kubeconfigPath, stateDir, 'auto');
    children.push(first.child);
    await first.waitFor((l) => l.event === 'started');
    await applyScenario(fx.sim.kubeconfigPath, scenario);
    const applied = await first.waitFor((l) => l.event === 'step' && l.step === 'applied');
    first.child.kill('SIGKILL');
    await first.exited;
    const incidentId = String(applied.incidentId);

    const second = startDaemon(fx.sim.kubeconfigPath, stateDir, 'auto');
    children.push(second.child);
    const recovered = await second.waitFor((l) => l.event === 'recovery' && typeof l.outcome === 'string');
    assert.equal(recovered.incidentId, incidentId);
    assert.ok(['resolved', 'rolled-back'].includes(String(recovered.outcome)), JSON.stringify(recovered));
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);

    const audit = await runCli(['audit', '--state-dir', stateDir, '--incident', incidentId, '-o', 'json']);
    assert.equal(audit.code, 0, audit.stderr);
    const steps = (JSON.parse(audit.stdout) as AuditEntry[]).map((e) => `${e.step}: ${e.reason}`);
    const appliedAt = steps.findIndex((s) => s.startsWith('applied:'));
    const restart = steps.findIndex((s) => /^verify: after a restart: the change in flight was applied/.test(s));
    assert.ok(appliedAt >= 0 && restart > appliedAt, steps.join('\n'));
    const settled = steps.slice(restart + 1).find((s) => /^(resolved|rolled-back):/.test(s));
    assert.ok(settled, steps.join('\n'));
    if (recovered.outcome === 'rolled-back') {
      // Back to the exact spec journaled before the change: the 100Mi the scenario set.
      const undone = (JSON.parse(audit.stdout) as AuditEntry[]).find((e) => e.step === 'rolled-back');
      assert.match(undone?.diff ?? '', /memory: "100Mi"/);
    }
  });
});
