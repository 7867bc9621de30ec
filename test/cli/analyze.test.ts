import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IncidentListSchema } from '../../src/detect/index.js';
import { simKubeconfig } from '../../src/sim/kubeconfig.js';
import { applyScenario, getScenario } from '../../src/sim/scenarios/index.js';
import { type Simulator, startSimulator } from '../../src/sim/simulator.js';
import { type CliRun, runCli } from '../helpers/cli.js';
import { eventually } from '../helpers/kubectl.js';

describe('kubemend analyze', () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemend-analyze-'));
    sim = await startSimulator({ speed: 100, forbidden: ['networkpolicies'] });
    await applyScenario(sim.kubeconfigPath, getScenario('crash-missing-env')!);
    await applyScenario(sim.kubeconfigPath, getScenario('healthy-mixed-namespace')!);
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one incident per failing workload as a table, and names a kind it may not list', async () => {
    let r: CliRun = { code: -1, stdout: '', stderr: '' };
    await eventually(
      async () => {
        r = await runCli(['analyze', '--kubeconfig', sim.kubeconfigPath, '-A']);
        return /CrashLoopBackOff/.test(r.stdout);
      },
      30_000,
      'the crash loop to show',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAMESPACE\s+KIND\s+NAME\s+REASON\s+SUMMARY\s+AGE/m);
    assert.match(r.stdout, /crash-missing-env\s+Deployment\s+orders-api\s+CrashLoopBackOff/);
    assert.doesNotMatch(r.stdout, /healthy-mixed-namespace/);
    assert.match(
      r.stderr,
      /warning: cannot list networkpolicies: networkpolicies is forbidden: User "kubemend-sim" cannot list resource "networkpolicies"/,
    );
  });

  it('emits JSON that matches the documented schema', async () => {
    const r = await runCli(['analyze', '--kubeconfig', sim.kubeconfigPath, '-n', 'crash-missing-env', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const parsed = IncidentListSchema.safeParse(JSON.parse(r.stdout));
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(parsed.data.items[0]?.workload.name, 'orders-api');
  });

  it('says what is wrong with a missing, malformed or unreachable kubeconfig, without a stack trace', async () => {
    const missing = await runCli(['analyze', '--kubeconfig', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: no kubeconfig found at .*nope\.yaml\nhint: /);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nclusters: [unclosed\n');
    const malformed = await runCli(['analyze', '--kubeconfig', bad]);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /^error: cannot read kubeconfig/);
    assert.doesNotMatch(malformed.stderr, /\n\s+at /);

    // A port nothing listens on: take a free one and close it again.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const down = join(dir, 'down.yaml');
    writeFileSync(down, simKubeconfig(`http://127.0.0.1:${port}`));
    const unreachable = await runCli(['analyze', '--kubeconfig', down]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^error: cannot reach the API server at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(unreachable.stderr, /hint: is the cluster running\?/);

    const ctx = await runCli(['analyze', '--kubeconfig', sim.kubeconfigPath, '--context', 'prod']);
    assert.equal(ctx.code, 1);
    assert.match(ctx.stderr, /context "prod" is not in the kubeconfig\nhint: known contexts: kubemend-sim/);
  });

  it('rejects bad flags with a hint', async () => {
    const r = await runCli(['analyze', '-o', 'xml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown output format "xml"/);
    const u = await runCli(['analyze', '--bogus']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /Unknown option '--bogus'/);
  });
});
