// End to end through the real kubectl: the simulator's API server and admission with the workload controllers
// and the node side (scheduler, kubelets, node lifecycle), driving scenario manifests from scenarios/.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningControllers, runControllers } from '../../../src/sim/controllers/controller.js';
import { createEventRecorder } from '../../../src/sim/controllers/event-recorder.js';
import { installPolicyAdmission, workloadControllers } from '../../../src/sim/controllers/index.js';
import { nodeControllers, podMetricsSource } from '../../../src/sim/kubelet/index.js';
import { type Simulator, startSimulator } from '../../../src/sim/simulator.js';
import { eventually, type Kubectl, kubectlFor } from '../../helpers/kubectl.js';

let sim: Simulator;
let controllers: RunningControllers;
let kubectl: Kubectl;
const scenario = (name: string, file = 'manifest.yaml') =>
  new URL(`../../../scenarios/${name}/${file}`, import.meta.url).pathname;

before(async () => {
  sim = await startSimulator({ controllers: false, speed: 100 });
  installPolicyAdmission(sim.store);
  const ctx = { store: sim.store, logs: sim.logs, clock: sim.clock, events: createEventRecorder(sim.store, sim.clock) };
  controllers = runControllers(ctx, [
    ...workloadControllers(ctx, { metrics: podMetricsSource(sim.store) }),
    ...nodeControllers(ctx),
  ]);
  kubectl = kubectlFor(sim.kubeconfigPath);
});

after(async () => {
  kubectl?.cleanup();
  controllers?.stop();
  await sim?.close();
});

async function run(...args: string[]): Promise<string> {
  const r = await kubectl.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('simulated cluster through kubectl', () => {
  it('OOM-kills the seed memory-hog Deployment and keeps its output for logs --previous', async () => {
    await run('apply', '-f', scenario('memory-hog'));
    const lastReason = () =>
      run(
        'get',
        'pods',
        '-n',
        'memory-hog',
        '-o',
        'jsonpath={.items[0].status.containerStatuses[0].lastState.terminated.reason}',
      );
    await eventually(async () => (await lastReason()) === 'OOMKilled', 20_000, 'OOMKilled');
    const previous = await run('logs', 'deploy/memory-hog', '-n', 'memory-hog', '--previous');
    assert.match(previous, /dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd/);
    const described = await run('describe', 'pods', '-n', 'memory-hog');
    assert.match(described, /Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
  });

  it('evicts from a NotReady node, refuses the replacement there, and recovers with the node', async () => {
    await run('apply', '-f', scenario('node-not-ready'));
    await run('rollout', 'status', 'deployment/ingest', '-n', 'node-not-ready', '--timeout=60s');
    await run('apply', '-f', scenario('node-not-ready', 'node-failure.yaml'));
    await eventually(async () => /sim-node-3\s+NotReady/.test(await run('get', 'nodes')), 15_000, 'NotReady');
    const pending = async () =>
      run(
        'get',
        'events',
        '-n',
        'node-not-ready',
        '--field-selector',
        'reason=FailedScheduling',
        '-o',
        'jsonpath={.items[*].message}',
      );
    await eventually(async () => (await pending()).length > 0, 20_000, 'FailedScheduling');
    assert.equal(
      await pending(),
      "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
    await run('annotate', 'node', 'sim-node-3', 'sim.kubemend.io/condition-ready-');
    await run('rollout', 'status', 'deployment/ingest', '-n', 'node-not-ready', '--timeout=60s');
    assert.match(await run('get', 'nodes'), /sim-node-3\s+Ready/);
  });
});
