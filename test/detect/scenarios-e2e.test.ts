// Detection against the real thing: every library scenario is applied to one simulator, reaches its documented
// failure, and then `kubemend analyze`'s path (one list per kind over client-node -> analyzers -> incidents)
// must name the documented failure class on the documented workload — and nothing in the healthy namespace.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSnapshot, type Incident } from '../../src/detect/index.js';
import { readCluster } from '../../src/kube/cluster-reader.js';
import { connect } from '../../src/kube/connect.js';
import { applyScenario, listScenarios, type Scenario } from '../../src/sim/scenarios/index.js';
import { useScenarioSimulator } from '../sim/scenarios/fixture.js';
import { waitForFailure } from '../sim/scenarios/oracle.js';

const fx = useScenarioSimulator();
// node-not-ready breaks a node every namespace shares; it has its own simulator in the scenario tests.
const scenarios = listScenarios().filter((s) => s.name !== 'node-not-ready');

describe('detection on every library scenario, through the API server', () => {
  let incidents: readonly Incident[] = [];

  before(async () => {
    await Promise.all(scenarios.map((s) => applyScenario(fx.sim.kubeconfigPath, s)));
    await Promise.all(
      scenarios.filter((s) => s.expect.failureClass !== 'Healthy').map((s) => waitForFailure(fx.cluster, s, 90_000)),
    );
    const conn = connect({ kubeconfig: fx.sim.kubeconfigPath });
    assert.ok(conn.ok);
    const read = await readCluster(conn.value, { logs: true });
    assert.ok(read.ok);
    const result = await analyzeSnapshot(read.snapshot, { cluster: 'sim' });
    assert.deepEqual(result.errors, []);
    incidents = result.incidents;
  });

  const failing = (s: Scenario) => s.expect.failureClass !== 'Healthy';
  for (const s of scenarios.filter(failing)) {
    it(`${s.name}: ${s.expect.failureClass} on ${s.expect.workload.kind}/${s.expect.workload.name}`, () => {
      const mine = incidents.filter((i) => i.workload.namespace === s.namespace);
      const match = mine.find(
        (i) => i.workload.kind === s.expect.workload.kind && i.workload.name === s.expect.workload.name,
      );
      assert.ok(
        match,
        `no incident on ${s.expect.workload.kind}/${s.expect.workload.name}; got ${JSON.stringify(mine.map((i) => [i.failureClass, i.workload]))}`,
      );
      assert.equal(match.failureClass, s.expect.failureClass, match.summary);
      assert.ok(match.summary.length > 0);
      assert.ok(match.evidence.findings.length > 0, 'evidence names what was found');
    });
  }

  it('the healthy mixed namespace has zero incidents', () => {
    for (const s of scenarios.filter((x) => !failing(x))) {
      const mine = incidents.filter((i) => i.workload.namespace === s.namespace);
      assert.deepEqual(
        mine.map((i) => `${i.failureClass} ${i.workload.kind}/${i.workload.name}: ${i.summary}`),
        [],
      );
    }
  });

  it('nothing planted as a secret reaches an incident', () => {
    const text = JSON.stringify(incidents);
    // prompt-injection-logs plants a fake credential in its logs; it must be redacted in the evidence.
    assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}/);
    assert.doesNotMatch(text, /sk-[A-Za-z0-9]{20,}/);
    assert.doesNotMatch(text, /wJalrXUtnFEMI/);
  });
});
