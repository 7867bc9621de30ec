import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiServer, startApiServer } from '../../../src/sim/api/api-server.js';
import { writeSimKubeconfig } from '../../../src/sim/kubeconfig.js';
import { metricsApi } from '../../../src/sim/kubelet/metrics-api.js';
import { podCpuMillis } from '../../../src/sim/kubelet/node-agents.js';
import { type Kubectl, kubectlFor } from '../../helpers/kubectl.js';
import { fakeRuntime } from './kubelet-fake-runtime.js';
import { type Cluster, nodeName, phase, podManifest, startCluster } from './kubelet-harness.js';

let cluster: Cluster;
let api: ApiServer;
let dir: string;
let kubectl: Kubectl;

before(async () => {
  cluster = startCluster({ runtime: fakeRuntime, speed: 50 });
  api = await startApiServer({
    store: cluster.store,
    logs: cluster.logs,
    now: () => cluster.clock.now(),
    extraApis: [metricsApi(cluster)],
  });
  dir = mkdtempSync(join(tmpdir(), 'kubemend-metrics-'));
  writeSimKubeconfig(join(dir, 'kubeconfig'), api.url);
  kubectl = kubectlFor(join(dir, 'kubeconfig'));
  const hog = podManifest('hog', { image: 'app:1.0', command: ['hog', String(64 * 1024 * 1024), '500'] });
  (hog.metadata as { labels: Record<string, string> }).labels = { app: 'hog', tier: 'batch' };
  cluster.create('pods', hog);
  cluster.create('pods', podManifest('web', { image: 'nginx:1.27' }));
  await cluster.waitFor(
    'running',
    () => phase(cluster.pod('hog')) === 'Running' && phase(cluster.pod('web')) === 'Running',
  );
  // Let the hog reach its plateau.
  await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  kubectl?.cleanup();
  await api?.close();
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics.k8s.io', () => {
  it('serves PodMetrics from the running programs, filtered by label selector', async () => {
    const res = await fetch(
      `${api.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=tier%3Dbatch`,
    );
    assert.equal(res.status, 200);
    const list = (await res.json()) as {
      kind: string;
      items: { metadata: { name: string }; containers: { name: string; usage: { cpu: string; memory: string } }[] }[];
    };
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['hog'],
    );
    assert.deepEqual(list.items[0]?.containers, [
      { name: 'app', usage: { cpu: '900000000n', memory: `${64 * 1024}Ki` } },
    ]);
    const missing = await fetch(`${api.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope`);
    assert.equal(missing.status, 404);
    assert.equal(
      ((await missing.json()) as { message: string }).message,
      'podmetrics.metrics.k8s.io "default/nope" not found',
    );
  });

  it('gives the HPA a pod CPU reading', () => {
    assert.equal(podCpuMillis(cluster.store, 'default', 'hog'), 900);
    assert.equal(podCpuMillis(cluster.store, 'default', 'nope'), undefined);
  });

  it('makes `kubectl top pods` and `kubectl top nodes` print real numbers', async () => {
    const pods = await kubectl.run(['top', 'pods']);
    assert.equal(pods.code, 0, pods.stderr);
    const rows = pods.stdout.trim().split('\n');
    assert.match(rows[0] ?? '', /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    assert.ok(
      rows.some((r) => /^hog\s+900m\s+64Mi\s*$/.test(r)),
      pods.stdout,
    );
    assert.ok(
      rows.some((r) => /^web\s+2m\s+5Mi\s*$/.test(r)),
      pods.stdout,
    );

    const one = await kubectl.run(['top', 'pod', 'hog', '--containers']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^hog\s+app\s+900m\s+64Mi\s*$/m);
    const missing = await kubectl.run(['top', 'pod', 'nope']);
    assert.match(missing.stderr, /podmetrics.metrics.k8s.io "default\/nope" not found/);

    const nodes = await kubectl.run(['top', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    const hogNode = nodeName(cluster.pod('hog')) ?? '';
    const line = nodes.stdout.split('\n').find((l) => l.startsWith(hogNode));
    // 900m of the hog plus the node's own 95m, out of 4 cores: 24%.
    assert.match(line ?? '', new RegExp(`^${hogNode}\\s+(995|997)m\\s+24%\\s+\\d+Mi\\s+\\d+%`));
  });
});
