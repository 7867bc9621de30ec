import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/remedy/types.js';
import { applyScenario, getScenario } from '../../src/sim/scenarios/index.js';
import { startDaemon } from '../daemon/daemon-process.js';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/sim.js';

describe('kubemend run --mode approve with kubemend approve', () => {
  const fx = useSimulator({ speed: 30 });
  const stateDir = mkdtempSync(join(tmpdir(), 'kubemend-approve-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  const memoryLimit = async () =>
    (
      await fx.kubectl.run([
        'get',
        'deployment',
        'memory-hog',
        '-n',
        'memory-hog',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}',
      ])
    ).stdout.trim();

  it('waits for a person, applies nothing before, and applies only after the approval', async () => {
    const scenario = getScenario('memory-hog');
    assert.ok(scenario);
    const daemon = startDaemon(fx.sim.kubeconfigPath, stateDir, 'approve');
    children.push(daemon.child);
    await daemon.waitFor((l) => l.event === 'started');
    await applyScenario(fx.sim.kubeconfigPath, scenario);
    const requested = await daemon.waitFor((l) => l.event === 'step' && l.step === 'approval-requested');
    const waiting = await daemon.waitFor((l) => l.event === 'outcome' && l.outcome === 'awaiting-approval');
    const id = String(requested.incidentId);
    assert.equal(waiting.incidentId, id);
    assert.equal(await memoryLimit(), '100Mi');

    const unknown = await runCli(['approve', 'no-such-incident', '--state-dir', stateDir]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /no change of incident "no-such-incident" is waiting for approval\nhint: waiting:\n\s+\S+\s+memory-hog\/Deployment\/memory-hog OOMKilled/,
    );

    const approved = await runCli(['approve', id.slice(0, 12), '--state-dir', stateDir, '--by', 'alice']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /approved: memory-hog\/Deployment\/memory-hog OOMKilled .* by alice/);
    await daemon.waitFor((l) => l.event === 'step' && l.step === 'applied' && l.incidentId === id);
    assert.notEqual(await memoryLimit(), '100Mi');
    daemon.child.kill('SIGTERM');
    await daemon.exited;

    const audit = await runCli(['audit', '--state-dir', stateDir, '--incident', id, '-o', 'json']);
    assert.equal(audit.code, 0, audit.stderr);
    const steps = (JSON.parse(audit.stdout) as AuditEntry[]).map((e) => `${e.step} ${e.actor}`);
    const asked = steps.indexOf(steps.find((s) => s.startsWith('approval-requested')) ?? '');
    const yes = steps.indexOf('approved person:alice');
    const applied = steps.findIndex((s) => s.startsWith('applied '));
    assert.ok(asked >= 0 && yes > asked && applied > yes, steps.join('\n'));
    const table = await runCli(['audit', '--state-dir', stateDir]);
    assert.match(table.stdout, new RegExp(`incident ${id}  memory-hog/Deployment/memory-hog`));
    assert.match(table.stdout, /approved\s+person:alice/);
  });
});
