// The node side seen through the real kubectl: describe's events, logs --previous, events by reason, and the
// STATUS column, against an API server over the in-process cluster.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiServer, startApiServer } from '../../../src/sim/api/api-server.js';
import { writeSimKubeconfig } from '../../../src/sim/kubeconfig.js';
import { metricsApi } from '../../../src/sim/kubelet/metrics-api.js';
import { eventually, type Kubectl, kubectlFor } from '../../helpers/kubectl.js';
import { fakeRuntime } from './kubelet-fake-runtime.js';
import { type Cluster, containerStatus, startCluster } from './kubelet-harness.js';

let cluster: Cluster;
let api: ApiServer;
let dir: string;
let kubectl: Kubectl;

const MANIFESTS = `
apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["crash", "boom: cannot reach db", "1", "400"]
---
apiVersion: v1
kind: Pod
metadata:
  name: greedy
spec:
  containers:
  - name: app
    image: app:1.0
    resources:
      requests:
        cpu: "64"
---
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: app
    image: nginx:1.99
`;

before(async () => {
  cluster = startCluster({ runtime: fakeRuntime, speed: 100 });
  api = await startApiServer({
    store: cluster.store,
    logs: cluster.logs,
    now: () => cluster.clock.now(),
    extraApis: [metricsApi(cluster)],
  });
  dir = mkdtempSync(join(tmpdir(), 'kubemend-kubelet-kubectl-'));
  writeSimKubeconfig(join(dir, 'kubeconfig'), api.url);
  kubectl = kubectlFor(join(dir, 'kubeconfig'));
  const applied = await kubectl.run(['apply', '-f', '-'], { stdin: MANIFESTS });
  assert.equal(applied.code, 0, applied.stderr);
  await cluster.waitFor(
    'crasher restarted twice',
    () => (containerStatus(cluster.pod('crasher'))?.restartCount ?? 0) >= 2,
    20_000,
  );
});

after(async () => {
  kubectl?.cleanup();
  await api?.close();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the simulated kubelet', () => {
  it('shows the crash in logs --previous and the back-off in describe', async () => {
    const previous = await kubectl.run(['logs', 'crasher', '--previous']);
    assert.equal(previous.code, 0, previous.stderr);
    assert.equal(previous.stdout, 'boom: cannot reach db\n');
    const described = await kubectl.run(['describe', 'pod', 'crasher']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(
      described.stdout,
      /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod crasher_default\(/,
    );
    assert.match(described.stdout, /Normal\s+Created\s+.*kubelet\s+Created container: app/);
    assert.match(described.stdout, /Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
  });

  it('finds the scheduling failure by reason and shows the image back-off in get pods', async () => {
    const events = await kubectl.run([
      'get',
      'events',
      '--field-selector',
      'reason=FailedScheduling',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.equal(events.code, 0, events.stderr);
    assert.equal(
      events.stdout,
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
    await eventually(
      async () =>
        /typo\s+0\/1\s+(ImagePullBackOff|ErrImagePull)\s+0/.test((await kubectl.run(['get', 'pod', 'typo'])).stdout),
      15_000,
      'typo back-off',
    );
    // Between restarts the pod sits in CrashLoopBackOff (it runs for a fraction of a simulated second).
    await eventually(
      async () =>
        /crasher\s+0\/1\s+CrashLoopBackOff\s+([2-9]|\d\d)\b/.test(
          (await kubectl.run(['get', 'pod', 'crasher'])).stdout,
        ),
      15_000,
      'crasher back-off',
    );
  });
});
