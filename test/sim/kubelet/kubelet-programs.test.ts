// The kubelet driving the real image catalogue and program model: the failures users hit, from the spec alone.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { defaultRuntime } from '../../../src/sim/kubelet/index.js';
import {
  type Cluster,
  condition,
  containerStatus,
  nodeName,
  phase,
  podManifest,
  startCluster,
} from './kubelet-harness.js';

let cluster: Cluster;
afterEach(() => cluster?.stop());

const logText = (c: Cluster, pod: string, container: string, previous: boolean) =>
  (c.logs.read('default', pod, container, previous) ?? []).map((l) => l.text).join('\n');

describe('kubelet with the program model', () => {
  it('OOM-kills the seed memory-hog (stress 200M under a 100Mi limit) and crash-loops it', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('memory-hog', {
        image: 'polinux/stress',
        resources: { limits: { memory: '100Mi' } },
        command: ['stress'],
        args: ['--vm', '1', '--vm-bytes', '200M'],
      }),
    );
    await cluster.waitFor(
      'two OOM restarts',
      () => (containerStatus(cluster.pod('memory-hog'))?.restartCount ?? 0) >= 2,
      20_000,
    );
    const cs = containerStatus(cluster.pod('memory-hog'));
    assert.deepEqual([cs?.lastState.terminated?.reason, cs?.lastState.terminated?.exitCode], ['OOMKilled', 137]);
    const oom = cluster.events(nodeName(cluster.pod('memory-hog')) ?? '').find((e) => e.reason === 'OOMKilling');
    assert.match(oom?.message ?? '', /Killed process \d+ \(stress\)/);
    await cluster.waitFor(
      'CrashLoopBackOff',
      () => containerStatus(cluster.pod('memory-hog'))?.state.waiting?.reason === 'CrashLoopBackOff',
      10_000,
    );
  });

  it("keeps a crashing script's output as the previous log", async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    cluster.create('pods', podManifest('boom', { image: 'busybox:1.36', command: ['sh', '-c', 'echo boom; exit 1'] }));
    await cluster.waitFor('restarted', () => (containerStatus(cluster.pod('boom'))?.restartCount ?? 0) >= 1, 10_000);
    assert.equal(logText(cluster, 'boom', 'app', true), 'boom');
    const last = containerStatus(cluster.pod('boom'))?.lastState.terminated;
    assert.deepEqual([last?.reason, last?.exitCode], ['Error', 1]);
  });

  it('crashes on a missing environment variable and runs once it is set', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    const script =
      '[ -z "$DB_HOST" ] && echo "DB_HOST not set" >&2 && exit 1; echo "connecting to $DB_HOST"; sleep 3600';
    cluster.create('pods', podManifest('needs-env', { image: 'busybox:1.36', command: ['sh', '-c', script] }));
    await cluster.waitFor('crashed', () => (containerStatus(cluster.pod('needs-env'))?.restartCount ?? 0) >= 1, 10_000);
    assert.equal(logText(cluster, 'needs-env', 'app', true), 'DB_HOST not set');
    cluster.create(
      'pods',
      podManifest('has-env', {
        image: 'busybox:1.36',
        command: ['sh', '-c', script],
        env: [{ name: 'DB_HOST', value: 'db' }],
      }),
    );
    await cluster.waitFor(
      'has-env logged',
      () => logText(cluster, 'has-env', 'app', false).includes('connecting to db'),
      10_000,
    );
    assert.equal(phase(cluster.pod('has-env')), 'Running');
  });

  it('restarts nginx for a liveness probe on a path it does not serve, and keeps a wrong readiness port unready', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('live', {
        image: 'nginx:1.27',
        livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 },
      }),
    );
    cluster.create(
      'pods',
      podManifest('ready', {
        image: 'nginx:1.27',
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
      }),
    );
    await cluster.waitFor(
      'liveness restart',
      () => (containerStatus(cluster.pod('live'))?.restartCount ?? 0) >= 1,
      15_000,
    );
    assert.ok(
      cluster
        .events('live')
        .some(
          (e) =>
            e.reason === 'Unhealthy' && e.message === 'Liveness probe failed: HTTP probe failed with statuscode: 404',
        ),
    );
    assert.ok(logText(cluster, 'live', 'app', true).includes('GET /healthz'));
    await cluster.waitFor(
      'readiness failures',
      () => cluster.events('ready').find((e) => e.reason === 'Unhealthy' && e.count >= 2),
      15_000,
    );
    assert.equal(condition(cluster.pod('ready'), 'Ready')?.status, 'False');
    assert.equal(phase(cluster.pod('ready')), 'Running');
  });

  it('shows mysql without a root password failing with its entrypoint error', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    cluster.create('pods', podManifest('db', { image: 'mysql:8.0' }));
    await cluster.waitFor(
      'mysql restarted',
      () => (containerStatus(cluster.pod('db'))?.restartCount ?? 0) >= 1,
      15_000,
    );
    assert.match(
      logText(cluster, 'db', 'app', true),
      /\[ERROR\] \[Entrypoint\]: Database is uninitialized and password option is not specified/,
    );
  });

  it('crash-loops an init container with a typo and reports a missing binary as StartError', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest(
        'init-typo',
        { image: 'nginx:1.27' },
        { initContainers: [{ name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'nslookp db'] }] },
      ),
    );
    cluster.create(
      'pods',
      podManifest('no-binary', { image: 'busybox:1.36', command: ['kube-schedulerrrr'] }, { restartPolicy: 'Never' }),
    );
    await cluster.waitFor(
      'init back-off',
      () => containerStatus(cluster.pod('init-typo'), 'wait-db', true)?.state.waiting?.reason === 'CrashLoopBackOff',
      15_000,
    );
    assert.equal(containerStatus(cluster.pod('init-typo'), 'wait-db', true)?.lastState.terminated?.exitCode, 127);
    assert.match(logText(cluster, 'init-typo', 'wait-db', true), /nslookp: not found/);
    await cluster.waitFor('start error', () => phase(cluster.pod('no-binary')) === 'Failed', 10_000);
    const term = containerStatus(cluster.pod('no-binary'))?.state.terminated as
      | { reason?: string; exitCode?: number; message?: string }
      | undefined;
    assert.deepEqual([term?.reason, term?.exitCode], ['StartError', 128]);
    assert.ok(!cluster.events('no-binary').some((e) => e.reason === 'Started'));
    assert.ok(
      cluster.events('no-binary').some((e) => e.reason === 'Failed' && e.message === `Error: ${term?.message}`),
    );
  });

  it('lets a pod reach another through a Service and its ClusterIP, and refuses when no endpoint is ready', async () => {
    cluster = startCluster({ runtime: defaultRuntime, speed: 200 });
    const web = podManifest('web', { image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] });
    cluster.create('pods', web);
    for (const [name, selector] of [
      ['web', { app: 'web' }],
      ['nobody', { app: 'nothing' }],
    ] as const)
      cluster.create('services', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: {
          selector,
          clusterIP: name === 'web' ? '10.96.10.10' : '10.96.10.11',
          ports: [{ port: 80, targetPort: 'http' }],
        },
      });
    await cluster.waitFor('web ready', () => condition(cluster.pod('web'), 'Ready')?.status === 'True', 10_000);
    const loop =
      'while true; do wget -q -O - http://web/ >/dev/null && echo web-ok; wget -q -O - http://nobody/ || echo nobody-failed; sleep 5; done';
    cluster.create('pods', podManifest('client', { image: 'busybox:1.36', command: ['sh', '-c', loop] }));
    await cluster.waitFor(
      'client output',
      () => logText(cluster, 'client', 'app', false).includes('nobody-failed'),
      15_000,
    );
    const out = logText(cluster, 'client', 'app', false);
    assert.match(out, /web-ok/);
    assert.match(out, /nobody-failed/);
  });
});
