// What a person typing kubectl sees on the scenarios: rollout status / history / undo, logs (current, previous,
// by deployment), top, describe's events section, and events filtered by reason, as a real cluster shows them.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyScenario, getScenario, type Scenario } from '../../../src/sim/scenarios/index.js';
import { eventually } from '../../helpers/kubectl.js';
import { useScenarioSimulator } from './fixture.js';
import { waitForFailure } from './oracle.js';

const fx = useScenarioSimulator();

const USED = [
  'bad-image-tag-after-rollout',
  'memory-hog',
  'crash-missing-env',
  'liveness-probe-bad-path',
  'unschedulable-cpu',
  'quota-blocks-pods',
  'job-backoff-limit',
  'memory-leak',
] as const;

function scenario(name: (typeof USED)[number]): Scenario {
  const s = getScenario(name);
  assert.ok(s, name);
  return s;
}

async function kubectl(args: string[]): Promise<string> {
  const r = await fx.kubectl.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const ns = (name: (typeof USED)[number]) => ['-n', scenario(name).namespace];

describe('kubectl on the scenarios', () => {
  before(async () => {
    await Promise.all(
      USED.map(async (name) => {
        await applyScenario(fx.sim.kubeconfigPath, scenario(name));
        await waitForFailure(fx.cluster, scenario(name), 90_000);
      }),
    );
  });

  it('rollout status reports the stuck rollout, and rollout undo brings the good tag back', async () => {
    const n = ns('bad-image-tag-after-rollout');
    // progressDeadlineSeconds (600 simulated seconds) passes while the new pod cannot pull its image.
    const stuck = await fx.kubectl.run(['rollout', 'status', 'deployment/web', ...n, '--timeout=60s']);
    assert.equal(stuck.code, 1);
    assert.match(stuck.stderr, /deployment "web" exceeded its progress deadline/);
    const history = await kubectl(['rollout', 'history', 'deployment/web', ...n]);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>/);

    assert.match(await kubectl(['rollout', 'undo', 'deployment/web', ...n]), /deployment\.apps\/web rolled back/);
    assert.match(
      await kubectl(['rollout', 'status', 'deployment/web', ...n, '--timeout=60s']),
      /deployment "web" successfully rolled out/,
    );
    const images = await kubectl([
      'get',
      'pods',
      ...n,
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    ]);
    assert.deepEqual(images.split(' '), ['nginx:1.27.5', 'nginx:1.27.5', 'nginx:1.27.5']);
    // Undo re-uses revision 1's ReplicaSet under a new revision number, as kube-controller-manager does.
    assert.match(
      await kubectl(['rollout', 'history', 'deployment/web', ...n]),
      /REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>/,
    );
  });

  it('logs --previous shows what the crashed container printed; logs deploy/x picks a pod of the Deployment', async () => {
    assert.match(
      await kubectl(['logs', 'deploy/memory-hog', ...ns('memory-hog'), '--previous']),
      /^stress: info: \[1\] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd$/m,
    );
    // kubectl picks one of the two pods; it has a previous instance once it has crashed a first time.
    const previous = () => fx.kubectl.run(['logs', 'deploy/orders-api', ...ns('crash-missing-env'), '--previous']);
    await eventually(async () => (await previous()).code === 0, 30_000, 'a previous orders-api container');
    const r = await previous();
    assert.match(r.stdout, /^FATAL: environment variable DB_HOST is not set$/m);
    assert.match(r.stderr, /Found 2 pods, using pod\/orders-api-/);
    // A running container's log: nginx's access lines for the kubelet's liveness probes.
    const access = await kubectl(['logs', 'deploy/storefront', ...ns('liveness-probe-bad-path')]);
    assert.match(access, /"GET \/healthz HTTP\/1\.1" 404 \d+ "-" "kube-probe\/1\.32"/);
  });

  it('restart counts keep rising under CrashLoopBackOff', async () => {
    const restarts = async () =>
      Number(
        await kubectl([
          'get',
          'pods',
          ...ns('memory-hog'),
          '-o',
          'jsonpath={.items[0].status.containerStatuses[0].restartCount}',
        ]),
      );
    const first = await restarts();
    await eventually(async () => (await restarts()) > first, 60_000, 'another restart of memory-hog');
    assert.match(
      await kubectl(['get', 'pods', ...ns('memory-hog')]),
      /memory-hog-\S+\s+0\/1\s+(CrashLoopBackOff|OOMKilled)\s+\d+ \(\S+ ago\)/,
    );
  });

  it('describe shows the last state and the events section', async () => {
    const pod = await kubectl(['describe', 'pod', ...ns('memory-hog'), '-l', 'app=memory-hog']);
    assert.match(pod, /Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
    assert.match(pod, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
    assert.match(
      pod,
      /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container memory-hog in pod memory-hog-/,
    );

    const probe = await kubectl(['describe', 'pod', ...ns('liveness-probe-bad-path'), '-l', 'app=storefront']);
    assert.match(
      probe,
      /Liveness:\s+http-get http:\/\/:80\/healthz delay=5s timeout=1s period=10s #success=1 #failure=3/,
    );
    assert.match(probe, /Warning\s+Unhealthy\s+.*Liveness probe failed: HTTP probe failed with statuscode: 404/);
    assert.match(probe, /Normal\s+Killing\s+.*Container nginx failed liveness probe, will be restarted/);

    const job = await kubectl(['describe', 'job', 'db-migrate', ...ns('job-backoff-limit')]);
    assert.match(job, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 3 Failed/);
    assert.match(
      job,
      /Warning\s+BackoffLimitExceeded\s+.*job-controller\s+Job has reached the specified backoff limit/,
    );

    const rs = await kubectl(['describe', 'replicaset', ...ns('quota-blocks-pods'), '-l', 'app=worker']);
    assert.match(
      rs,
      /Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods "worker-\S+" is forbidden: exceeded quota: compute-quota/,
    );
    const quota = await kubectl(['describe', 'quota', 'compute-quota', ...ns('quota-blocks-pods')]);
    assert.match(quota, /requests\.cpu\s+1\s+1/);
  });

  it('get events --field-selector reason=... filters to the events a real cluster records', async () => {
    const scheduling = await kubectl([
      'get',
      'events',
      ...ns('unschedulable-cpu'),
      '--field-selector',
      'reason=FailedScheduling',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.match(
      scheduling,
      /0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\./,
    );
    const table = await kubectl([
      'get',
      'events',
      ...ns('unschedulable-cpu'),
      '--field-selector',
      'reason=FailedScheduling',
    ]);
    assert.doesNotMatch(table, /ScalingReplicaSet|SuccessfulCreate/);
    assert.match(table, /Warning\s+FailedScheduling\s+pod\/analytics-/);
    // kubelet's OOM kills are recorded on the node, outside the workload's namespace.
    const oom = await kubectl([
      'get',
      'events',
      '-A',
      '--field-selector',
      'reason=OOMKilling,involvedObject.kind=Node',
    ]);
    assert.match(
      oom,
      /Warning\s+OOMKilling\s+node\/sim-node-\d\s+Memory cgroup out of memory: Killed process \d+ \(stress\)/,
    );
  });

  it('top pods shows the leak climbing and top nodes the nodes', async () => {
    const n = ns('memory-leak');
    const memories = async () => {
      const out = await kubectl(['top', 'pods', ...n, '--no-headers']);
      return new Map(
        out
          .trim()
          .split('\n')
          .map((l) => {
            const [pod = '', , mem = ''] = l.trim().split(/\s+/);
            return [pod, Number.parseInt(mem, 10)];
          }),
      );
    };
    // Between two readings some pod holds more memory than before (an OOM kill in between resets one, not both).
    let previous = await memories();
    await eventually(
      async () => {
        const now = await memories();
        const grew = [...now].some(([pod, mib]) => mib > (previous.get(pod) ?? Number.POSITIVE_INFINITY));
        previous = now;
        return grew;
      },
      30_000,
      'memory of a session-cache pod to grow',
    );
    assert.match(
      await kubectl(['top', 'nodes']),
      /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*\n(sim-node-\d\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*\n){3}$/,
    );
  });
});
