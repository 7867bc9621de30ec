// node-not-ready changes a node every namespace shares, so it gets a simulator of its own.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyFix, applyScenario, getScenario } from '../../../src/sim/scenarios/index.js';
import { eventually } from '../../helpers/kubectl.js';
import { SPEED, useScenarioSimulator } from './fixture.js';
import { assertHealthy } from './healthy.js';
import { waitForFailure } from './oracle.js';

const fx = useScenarioSimulator();

async function kubectl(args: string[]): Promise<string> {
  const r = await fx.kubectl.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

it('node-not-ready: the node goes NotReady, its pod is evicted and cannot be replaced; the fix heals it', async () => {
  const s = getScenario('node-not-ready');
  assert.ok(s);
  const ns = ['-n', s.namespace];
  await applyScenario(fx.sim.kubeconfigPath, s);
  await waitForFailure(fx.cluster, s, 60_000);

  assert.match(await kubectl(['get', 'node', 'sim-node-3']), /sim-node-3\s+NotReady/);
  const taints = await kubectl(['get', 'node', 'sim-node-3', '-o', 'jsonpath={.spec.taints[*].key}']);
  assert.match(taints, /node\.kubernetes\.io\/not-ready/);
  // The pod's 300 s toleration of the not-ready taint runs out, it is evicted, and its replacement has nowhere
  // to go: one replica per node, and the only free node is the broken one.
  await eventually(
    async () =>
      (await kubectl(['get', 'events', ...ns, '--field-selector', 'reason=TaintManagerEviction', '-o', 'name'])) !== '',
    60_000,
    'the eviction of the pod on sim-node-3',
  );
  await eventually(
    async () => {
      const msg = await kubectl([
        'get',
        'events',
        ...ns,
        '--field-selector',
        'reason=FailedScheduling',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      return (
        /untolerated taint \{node\.kubernetes\.io\/not-ready: \}/.test(msg) &&
        /didn't match pod anti-affinity rules/.test(msg)
      );
    },
    60_000,
    'FailedScheduling for the replacement pod',
  );
  assert.match(await kubectl(['get', 'deployment', 'ingest', ...ns]), /ingest\s+2\/3/);

  await applyFix(fx.sim.kubeconfigPath, s);
  await assertHealthy(fx.kubectl, fx.cluster, s, SPEED);
  const nodes = await kubectl(['get', 'pods', ...ns, '-o', 'jsonpath={.items[*].spec.nodeName}']);
  assert.deepEqual(nodes.split(' ').sort(), ['sim-node-1', 'sim-node-2', 'sim-node-3']);
});
