// What the repair loop must never do: keep a fix that does not help, touch a denied namespace, overwrite a
// person's concurrent edit, burn model calls on a fix it already knows, or invent data it does not have.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { Incident } from '../../src/detect/index.js';
import { applyApproved, remediate, type TeamProposer } from '../../src/remedy/engine.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { depsFor, useRemedySimulator, waitForIncident } from './fixture.js';

const fx = useRemedySimulator();

function scenario(name: string): Scenario {
  const s = getScenario(name);
  assert.ok(s, `scenario ${name}`);
  return s;
}

async function incidentOf(s: Scenario): Promise<Incident> {
  await applyScenario(fx.sim.kubeconfigPath, s);
  return waitForIncident(fx.conn(), s.namespace, { ...s.expect.workload, failureClass: s.expect.failureClass }, 90_000);
}

const apps = () => fx.conn().kc.makeApiClient(AppsV1Api);

describe('remediation safety on the simulator', { concurrency: true }, () => {
  it('memory-leak: a raise that does not help is rolled back to the exact previous spec, escalated, not retried', async () => {
    const s = scenario('memory-leak');
    const incident = await incidentOf(s);
    // A window longer than the time the leak takes to fill 512Mi (~10 simulated minutes); one change per hour.
    const deps = await depsFor(fx.conn(), {
      verifyWindowSeconds: 1200,
      verifyTimeoutSeconds: 1800,
      maxChangesPerWorkloadPerHour: 1,
    });
    const before = await apps().readNamespacedDeployment({ name: 'session-cache', namespace: s.namespace });
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'rolled-back', result.reason);
    const after = await apps().readNamespacedDeployment({ name: 'session-cache', namespace: s.namespace });
    assert.deepEqual(after.spec?.template, before.spec?.template);
    const steps = deps.audit.list({ incident: incident.id }).map((e) => e.step);
    assert.deepEqual(steps.slice(-3), ['verify', 'rolled-back', 'escalated']);
    assert.equal(steps.filter((x) => x === 'applied').length, 1);

    const again = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(again.outcome, 'refused');
    assert.match(again.reason, /already failed|backing off/);
    const still = await apps().readNamespacedDeployment({ name: 'session-cache', namespace: s.namespace });
    assert.equal(still.metadata?.generation, after.metadata?.generation);
  });

  it('a denied namespace is never touched, not even by a dry run', async () => {
    const s = scenario('readiness-probe-wrong-port');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn(), { deniedNamespaces: ['kube-system', s.namespace] });
    const before = await apps().readNamespacedDeployment({ name: 'docs', namespace: s.namespace });
    const result = await remediate(incident, deps);
    assert.equal(result.outcome, 'refused');
    const after = await apps().readNamespacedDeployment({ name: 'docs', namespace: s.namespace });
    assert.equal(after.metadata?.generation, before.metadata?.generation);
    assert.deepEqual(after.spec, before.spec);
    const steps = deps.audit.list({ incident: incident.id });
    assert.deepEqual(
      steps.map((e) => e.step),
      ['policy', 'escalated'],
    );
    assert.match(steps[0]?.reason ?? '', /DENIED_NAMESPACE/);
  });

  it('a concurrent edit is not clobbered; the second occurrence is fixed from experience with zero model calls', async () => {
    const s = scenario('memory-hog');
    const incident = await incidentOf(s);
    let modelCalls = 0;
    const team: TeamProposer = async () => {
      modelCalls++;
      return undefined;
    };
    const deps = { ...(await depsFor(fx.conn(), { mode: 'approve' })), team };
    const first = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(first.outcome, 'awaiting-approval', first.reason);

    // Bob changes the Deployment while the approval waits.
    await KubernetesObjectApi.makeApiClient(fx.conn().kc).patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'memory-hog', namespace: s.namespace },
        spec: { template: { metadata: { annotations: { 'team.example.com/owner': 'bob' } } } },
      },
      undefined,
      undefined,
      'bob',
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    const second = await applyApproved(incident.id, 'alice', deps, { pollMs: 100 });
    // The approved fix was computed against the old object: re-proposed against Bob's version, asking again.
    assert.equal(second.outcome, 'awaiting-approval', second.reason);
    let d = await apps().readNamespacedDeployment({ name: 'memory-hog', namespace: s.namespace });
    assert.equal(d.spec?.template.metadata?.annotations?.['team.example.com/owner'], 'bob');
    assert.equal(d.spec?.template.spec?.containers[0]?.resources?.limits?.memory, '100Mi');

    const third = await applyApproved(incident.id, 'alice', deps, { pollMs: 100 });
    assert.equal(third.outcome, 'resolved', third.reason);
    d = await apps().readNamespacedDeployment({ name: 'memory-hog', namespace: s.namespace });
    assert.equal(d.spec?.template.metadata?.annotations?.['team.example.com/owner'], 'bob');

    // The manifest is applied again (someone re-deploys the old limit): the same incident comes back.
    const recurrence = await incidentOf(s);
    assert.equal(recurrence.fingerprint, incident.fingerprint);
    const auto = { ...deps, policy: { ...deps.policy, mode: 'auto' as const } };
    const fixed = await remediate(recurrence, auto, { pollMs: 100 });
    assert.equal(fixed.outcome, 'resolved', fixed.reason);
    assert.equal(fixed.actor, 'experience');
    assert.equal(modelCalls, 0);
    const trail = deps.audit.list({ incident: recurrence.id });
    assert.ok(trail.some((e) => e.step === 'experience'));
    assert.ok(trail.some((e) => e.step === 'proposed' && e.actor === 'experience'));
  });

  for (const [name, mustName] of [
    ['unschedulable-cpu', /cpu/i],
    ['missing-configmap-key', /ConfigMap "[^"]+" with key "[^"]+"/],
    ['pvc-missing-storageclass', /StorageClass/],
    ['mysql-no-root-password', /MYSQL_ROOT_PASSWORD/],
  ] as const) {
    it(`${name}: escalates with a precise suggestion and changes nothing`, async () => {
      const s = scenario(name);
      const incident = await incidentOf(s);
      const deps = await depsFor(fx.conn());
      const core = fx.conn().kc.makeApiClient(CoreV1Api);
      const cms = (await core.listNamespacedConfigMap({ namespace: s.namespace })).items.length;
      const result = await remediate(incident, deps);
      assert.equal(result.outcome, 'escalated');
      assert.match(result.reason, mustName);
      assert.match(result.reason, /Suggestion:/);
      const steps = deps.audit.list({ incident: incident.id }).map((e) => e.step);
      assert.ok(!steps.includes('applied') && !steps.includes('dry-run'), steps.join(','));
      assert.equal((await core.listNamespacedConfigMap({ namespace: s.namespace })).items.length, cms);
    });
  }
});
