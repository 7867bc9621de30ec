// Every runbook scenario, end to end on the simulator: detection reports the incident, the engine repairs it
// through review, policy, dry-run, apply and verification, the workload ends healthy, and the audit trail holds
// every step. The scenarios run in parallel, each in its own namespace.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { Incident } from '../../src/detect/index.js';
import { applyApproved, type RemedyDeps, remediate } from '../../src/remedy/engine.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { crashAfterRollout } from '../../src/sim/scenarios/variants.js';
import { depsFor, useRemedySimulator, waitForIncident } from './fixture.js';

const fx = useRemedySimulator();

const FULL_TRAIL = ['proposed', 'review', 'dry-run', 'policy', 'applied', 'verify', 'resolved'] as const;

function scenario(name: string): Scenario {
  const s = getScenario(name);
  assert.ok(s, `scenario ${name}`);
  return s;
}

async function incidentOf(s: Scenario): Promise<Incident> {
  await applyScenario(fx.sim.kubeconfigPath, s);
  return waitForIncident(fx.conn(), s.namespace, { ...s.expect.workload, failureClass: s.expect.failureClass });
}

function assertTrail(
  deps: RemedyDeps & { audit: { list: (q: { incident: string }) => { step: string }[] } },
  id: string,
) {
  const steps = deps.audit.list({ incident: id }).map((e) => e.step);
  for (const step of FULL_TRAIL) assert.ok(steps.includes(step), `${step} missing from ${steps.join(',')}`);
  assert.equal(steps.at(-1), 'resolved');
}

async function deployment(namespace: string, name: string) {
  return fx.conn().kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace });
}

function assertRolledOut(d: Awaited<ReturnType<typeof deployment>>) {
  const want = d.spec?.replicas ?? 1;
  assert.equal(d.status?.readyReplicas, want, JSON.stringify(d.status));
  assert.equal(d.status?.updatedReplicas, want);
}

const CRASH: Scenario = crashAfterRollout();

describe('runbook repairs on the simulator', { concurrency: true }, () => {
  it('memory-hog: OOMKilled → memory limit raised ×2 per step within bounds → verified → resolved', async () => {
    const s = scenario('memory-hog');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assertTrail(deps, incident.id);
    const d = await deployment(s.namespace, 'memory-hog');
    // 100Mi → 200Mi still OOMs (stress needs ~191Mi plus itself) → 400Mi: each step at most ×2.
    assert.equal(d.spec?.template.spec?.containers[0]?.resources?.limits?.memory, '400Mi');
    assertRolledOut(d);
  });

  it('bad-image-tag-after-rollout: ImagePullBackOff → rollout undo to the running tag → resolved', async () => {
    const s = scenario('bad-image-tag-after-rollout');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assert.equal(result.fix?.kind, 'rollout-undo');
    assertTrail(deps, incident.id);
    const d = await deployment(s.namespace, 'web');
    assert.equal(d.spec?.template.spec?.containers[0]?.image, 'nginx:1.27.5');
    assertRolledOut(d);
  });

  it('crash loop after a rollout: CrashLoopBackOff → rollout undo → resolved', async () => {
    const incident = await incidentOf(CRASH);
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assertTrail(deps, incident.id);
    const d = await deployment(CRASH.namespace, 'worker');
    assert.deepEqual(d.spec?.template.spec?.containers[0]?.command, ['sh', '-c', 'sleep 100000']);
    assertRolledOut(d);
  });

  it('liveness-probe-bad-path: ProbeFailure → probe pointed at a served path → resolved', async () => {
    const s = scenario('liveness-probe-bad-path');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assertTrail(deps, incident.id);
    const d = await deployment(s.namespace, 'storefront');
    assert.equal(d.spec?.template.spec?.containers[0]?.livenessProbe?.httpGet?.path, '/');
    assertRolledOut(d);
  });

  it('readiness-probe-wrong-port: ProbeFailure → probe pointed at the served port → resolved', async () => {
    const s = scenario('readiness-probe-wrong-port');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assertTrail(deps, incident.id);
    const d = await deployment(s.namespace, 'docs');
    assert.equal(d.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.port, 80);
    assertRolledOut(d);
  });

  it('service-selector-mismatch: waits for approval even in auto mode, then fixes the selector', async () => {
    const s = scenario('service-selector-mismatch');
    const incident = await incidentOf(s);
    const deps = await depsFor(fx.conn());
    const core = fx.conn().kc.makeApiClient(CoreV1Api);
    const before = await core.readNamespacedService({ name: 'web-frontend', namespace: s.namespace });
    const first = await remediate(incident, deps, { pollMs: 100 });
    assert.equal(first.outcome, 'awaiting-approval', first.reason);
    const untouched = await core.readNamespacedService({ name: 'web-frontend', namespace: s.namespace });
    assert.equal(untouched.metadata?.resourceVersion, before.metadata?.resourceVersion);
    const done = await applyApproved(incident.id, 'alice', deps, { pollMs: 100 });
    assert.equal(done.outcome, 'resolved', done.reason);
    const steps = deps.audit.list({ incident: incident.id });
    assert.ok(steps.some((e) => e.step === 'approval-requested'));
    assert.ok(steps.some((e) => e.step === 'approved' && e.actor === 'person:alice'));
    assertTrail(deps, incident.id);
    const svc = await core.readNamespacedService({ name: 'web-frontend', namespace: s.namespace });
    assert.deepEqual(svc.spec?.selector, { app: 'frontend' });
  });
});
