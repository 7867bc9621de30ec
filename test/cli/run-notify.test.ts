// `kubemend run` tells people through the receivers of kubemend.yaml's notify: section: an escalation reaches a
// generic webhook with its secrets redacted and the delivery lands in the audit log; a receiver that is down
// holds up no repair (its retries are still going when another incident is already resolved).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/remedy/types.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { type DaemonProcess, startDaemon } from '../daemon/daemon-process.js';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/sim.js';
import { downUrl, startReceiver } from '../notify/receiver.js';

const SECRET_PATH = 'T0KEN-8f3c1d9e27b54a60';
const DENIED = 'command-not-found';

function scenario(name: string): Scenario {
  const s = getScenario(name);
  assert.ok(s, name);
  return s;
}

describe('kubemend run: notifications', () => {
  const fx = useSimulator({ speed: 100 });
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A working dir with kubemend.yaml (the webhook URL read from $HOOK_URL) and a state dir. */
  function daemonWith(hookUrl: string): { daemon: DaemonProcess; stateDir: string } {
    const cwd = mkdtempSync(join(tmpdir(), 'kubemend-run-notify-'));
    dirs.push(cwd);
    writeFileSync(
      join(cwd, 'kubemend.yaml'),
      [
        'remedy:',
        `  deniedNamespaces: [kube-system, ${DENIED}]`,
        '  verifyWindowSeconds: 30',
        'notify:',
        '  webhook: { urlEnv: HOOK_URL }',
        '',
      ].join('\n'),
    );
    const stateDir = join(cwd, 'state');
    const daemon = startDaemon(fx.sim.kubeconfigPath, stateDir, 'auto', {
      cwd,
      namespace: null,
      env: { ...process.env, HOME: cwd, HOOK_URL: hookUrl },
    });
    children.push(daemon.child);
    return { daemon, stateDir };
  }

  async function stop(d: DaemonProcess): Promise<void> {
    d.child.kill('SIGTERM');
    assert.equal(await d.exited, 0);
  }

  async function auditOf(stateDir: string, incidentId: string): Promise<AuditEntry[]> {
    const audit = await runCli(['audit', '--state-dir', stateDir, '--incident', incidentId, '-o', 'json']);
    assert.equal(audit.code, 0, audit.stderr);
    return JSON.parse(audit.stdout) as AuditEntry[];
  }

  it('an escalation (policy-denied namespace) reaches the webhook redacted and is audited as notified', async () => {
    const receiver = await startReceiver();
    after(() => receiver.close());
    const { daemon, stateDir } = daemonWith(`${receiver.url}/hook/${SECRET_PATH}`);
    await daemon.waitFor((l) => l.event === 'started');
    await applyScenario(fx.sim.kubeconfigPath, scenario(DENIED));
    const escalated = await daemon.waitFor(
      (l) => l.event === 'step' && l.step === 'escalated' && String(l.workload).startsWith(`${DENIED}/`),
    );
    const notified = await daemon.waitFor(
      (l) => l.event === 'step' && l.step === 'notified' && l.incidentId === escalated.incidentId,
    );
    assert.match(String(notified.reason), /escalation notification to webhook delivered/);
    await stop(daemon);

    const first = receiver.requests.find((r) => (r.json as { kind?: string } | undefined)?.kind === 'escalation');
    assert.ok(first, `no escalation among ${receiver.requests.length} requests`);
    assert.equal(first.path, `/hook/${SECRET_PATH}`);
    const body = first.json as { source: string; incident: { id: string; workload: { namespace: string } } };
    assert.equal(body.source, 'kubemend');
    assert.equal(body.incident.id, escalated.incidentId);
    assert.equal(body.incident.workload.namespace, DENIED);
    assert.match(first.raw, /deny-list/);
    for (const r of receiver.requests) assert.ok(!r.raw.includes(SECRET_PATH), 'the webhook URL leaked into a payload');

    const entries = await auditOf(stateDir, String(escalated.incidentId));
    const steps = entries.map((e) => e.step);
    assert.ok(!steps.includes('applied'), `a denied namespace was changed: ${steps.join(',')}`);
    assert.ok(
      entries.some((e) => e.step === 'notified' && (e.data as { outcome?: string }).outcome === 'delivered'),
      steps.join(','),
    );
  });

  it('with the receiver down, another incident is resolved while the escalation is still being retried', async () => {
    const { daemon, stateDir } = daemonWith(await downUrl());
    await daemon.waitFor((l) => l.event === 'started');
    // The denied namespace still fails from the first test: a daemon with a fresh state dir escalates it anew.
    await applyScenario(fx.sim.kubeconfigPath, scenario(DENIED));
    const escalated = await daemon.waitFor(
      (l) => l.event === 'step' && l.step === 'escalated' && String(l.workload).startsWith(`${DENIED}/`),
    );
    await daemon.waitFor((l) => l.incidentId === escalated.incidentId && /retrying in/.test(String(l.reason)));
    await applyScenario(fx.sim.kubeconfigPath, scenario('memory-hog'));
    const resolved = await daemon.waitFor(
      (l) => l.event === 'step' && l.step === 'resolved' && String(l.workload).startsWith('memory-hog/'),
    );
    // Ordering, not timing: when the repair finished, delivery of the earlier escalation had not ended.
    const upToResolved = daemon.lines.slice(0, daemon.lines.indexOf(resolved) + 1);
    assert.ok(
      !upToResolved.some((l) => l.step === 'notified' && l.incidentId === escalated.incidentId),
      'the escalation delivery ended before the repair: it did not overlap',
    );
    await stop(daemon);

    const entries = await auditOf(stateDir, String(escalated.incidentId));
    const outcome = entries.find((e) => e.step === 'notified')?.data as { outcome?: string } | undefined;
    // Shut down mid-retry: the undelivered escalation is given up, and the audit log says so.
    assert.equal(outcome?.outcome, 'cancelled', JSON.stringify(entries.map((e) => `${e.step}: ${e.reason}`)));
  });
});
