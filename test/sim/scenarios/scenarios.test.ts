// Every library scenario, applied to one simulator (each in its own namespace, all at once): it reaches the
// failure state its scenario.yaml documents, and its documented fix brings it back to healthy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  applyScenario,
  getScenario,
  listScenarios,
  type Scenario,
} from '../../../src/sim/scenarios/index.js';
import { eventually } from '../../helpers/kubectl.js';
import { type ScenarioFixture, SPEED, useScenarioSimulator } from './fixture.js';
import { assertHealthy } from './healthy.js';
import { waitForFailure } from './oracle.js';

const fx = useScenarioSimulator();

/** Scenarios that change something every namespace shares (a node) run in node-not-ready.test.ts. */
const OWN_SIMULATOR = new Set(['node-not-ready']);

async function kubectl(args: string[]): Promise<string> {
  const r = await fx.kubectl.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What a person sees before the fix, beyond the oracle's reasons/events/logs, for scenarios where it matters. */
const BEFORE_FIX: Readonly<Record<string, (s: Scenario, f: ScenarioFixture) => Promise<void>>> = {
  'service-selector-mismatch': async (s) => {
    const out = await kubectl(['get', 'endpoints', 'web-frontend', '-n', s.namespace]);
    assert.match(out, /web-frontend\s+<none>/);
  },
  'quota-blocks-pods': async (s) => {
    const out = await kubectl(['get', 'deployment', 'worker', '-n', s.namespace]);
    assert.match(out, /worker\s+2\/3/);
  },
  'readiness-probe-wrong-port': async (s, f) => {
    const ep = await f.cluster.core.readNamespacedEndpoints({ namespace: s.namespace, name: 'docs' });
    assert.equal((ep.subsets ?? []).flatMap((x) => x.addresses ?? []).length, 0, 'no ready endpoints');
    assert.equal(
      (ep.subsets ?? []).flatMap((x) => x.notReadyAddresses ?? []).length,
      2,
      'both pods listed as not ready',
    );
  },
  'pvc-missing-storageclass': async (s) => {
    const out = await kubectl([
      'get',
      'events',
      '-n',
      s.namespace,
      '--field-selector',
      'reason=FailedScheduling',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.match(out, /pod has unbound immediate PersistentVolumeClaims/);
  },
  'init-container-typo': async (s) => {
    const out = await kubectl(['get', 'pods', '-n', s.namespace]);
    assert.match(out, /Init:(Error|CrashLoopBackOff)/);
  },
  'bad-image-tag-after-rollout': async (s) => {
    // The old pods keep serving while the new one cannot pull: maxUnavailable rounds down to 0.
    const ep = await kubectl([
      'get',
      'endpoints',
      'web',
      '-n',
      s.namespace,
      '-o',
      'jsonpath={.subsets[*].addresses[*].ip}',
    ]);
    assert.equal(ep.trim().split(/\s+/).length, 3);
  },
};

/** Scenario-specific evidence that the fix worked, beyond rollouts, endpoints and stable restarts. */
const AFTER_FIX: Readonly<Record<string, (s: Scenario, f: ScenarioFixture, invalidBefore: number) => Promise<void>>> = {
  'cronjob-invalid-schedule': async (s, f, invalidBefore) => {
    // The controller accepts the new schedule (no further InvalidSchedule), and the job template itself works:
    // run it once by hand, as `kubectl create job --from=cronjob/...` does.
    const cj = await f.cluster.batch.readNamespacedCronJob({ namespace: s.namespace, name: 'fiscal-close-report' });
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'close-report-check', namespace: s.namespace },
      spec: cj.spec?.jobTemplate.spec,
    };
    const created = await fx.kubectl.run(['create', '-f', '-'], { stdin: JSON.stringify(job) });
    assert.equal(created.code, 0, created.stderr);
    await kubectl(['wait', '--for=condition=Complete', 'job/close-report-check', '-n', s.namespace, '--timeout=60s']);
    assert.equal(await invalidScheduleCount(s, f), invalidBefore);
    const logs = await kubectl(['logs', 'job/close-report-check', '-n', s.namespace]);
    assert.match(logs, /fiscal-close-report: done/);
  },
  'crash-missing-env': async (s) => {
    const logs = await kubectl(['logs', 'deploy/orders-api', '-n', s.namespace]);
    assert.match(logs, /connecting to postgres at orders-db\.crash-missing-env\.svc\.cluster\.local:5432/);
  },
  'mysql-no-root-password': async (s) => {
    const logs = await kubectl(['logs', 'deploy/mysql', '-n', s.namespace]);
    assert.match(logs, /ready for connections/);
  },
};

async function invalidScheduleCount(s: Scenario, f: ScenarioFixture): Promise<number> {
  const events = await f.cluster.core.listNamespacedEvent({ namespace: s.namespace });
  return events.items.filter((e) => e.reason === 'InvalidSchedule').reduce((n, e) => n + (e.count ?? 1), 0);
}

describe('library scenarios', { concurrency: true }, () => {
  for (const s of listScenarios()) {
    if (OWN_SIMULATOR.has(s.name) || s.expect.failureClass === 'Healthy') continue;
    it(`${s.name}: fails as documented, and the documented fix heals it`, async () => {
      await applyScenario(fx.sim.kubeconfigPath, s);
      await waitForFailure(fx.cluster, s, 90_000);
      await BEFORE_FIX[s.name]?.(s, fx);
      const invalidBefore = await invalidScheduleCount(s, fx);
      await applyFix(fx.sim.kubeconfigPath, s);
      await assertHealthy(fx.kubectl, fx.cluster, s, SPEED);
      await AFTER_FIX[s.name]?.(s, fx, invalidBefore);
    });
  }

  it('healthy-mixed-namespace: comes up and stays healthy, with no warning at all', async () => {
    const s = getScenario('healthy-mixed-namespace');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    await assertHealthy(fx.kubectl, fx.cluster, s, SPEED);
    const ns = ['-n', s.namespace];
    // The CronJob runs on the simulated clock (every 10 simulated minutes, 6 s here) and its Jobs complete.
    await eventually(
      async () =>
        (await kubectl(['get', 'cronjob', 'cache-warmer', ...ns, '-o', 'jsonpath={.status.lastSuccessfulTime}'])) !==
        '',
      60_000,
      'a successful cache-warmer run',
    );
    assert.match(await kubectl(['get', 'pvc', ...ns]), /data-redis-0\s+Bound[\s\S]*data-redis-1\s+Bound/);
    const hostnames = await kubectl([
      'get',
      'endpoints',
      'redis',
      ...ns,
      '-o',
      'jsonpath={.subsets[*].addresses[*].hostname}',
    ]);
    assert.deepEqual(
      hostnames.split(' ').sort(),
      ['redis-0', 'redis-1'],
      'the headless Service lists each replica by its stable name',
    );
    assert.match(
      await kubectl(['get', 'service', 'payments-db', ...ns]),
      /ExternalName\s+<none>\s+payments-db\.prod\.example\.com/,
    );
    const nodes = (await fx.cluster.core.listNode()).items.length;
    assert.match(
      await kubectl(['get', 'daemonset', 'log-shipper', ...ns]),
      new RegExp(`log-shipper\\s+${nodes}\\s+${nodes}\\s+${nodes}`),
    );
    const warnings = await kubectl(['get', 'events', ...ns, '--field-selector', 'type=Warning', '-o', 'name']);
    assert.equal(warnings, '', 'a healthy namespace has no Warning events');
  });
});
