import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { fakeRuntime } from './kubelet-fake-runtime.js';
import { type Cluster, condition, containerStatus, PODS, phase, podManifest, startCluster } from './kubelet-harness.js';

let cluster: Cluster;
afterEach(() => cluster?.stop());

const podIP = (c: Cluster, name: string) => String((c.pod(name)?.status as { podIP?: string } | undefined)?.podIP);

describe('kubelet: probes', () => {
  it('restarts a container whose liveness probe gets 404 from nginx, with Unhealthy and Killing events', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('live', {
        image: 'nginx:1.27',
        livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5, failureThreshold: 3 },
      }),
    );
    await cluster.waitFor(
      'restarted twice',
      () => (containerStatus(cluster.pod('live'))?.restartCount ?? 0) >= 2,
      15_000,
    );
    const events = cluster.events('live');
    const unhealthy = events.find((e) => e.reason === 'Unhealthy');
    assert.deepEqual(unhealthy && [unhealthy.type, unhealthy.message], [
      'Warning',
      'Liveness probe failed: HTTP probe failed with statuscode: 404',
    ]);
    assert.ok((unhealthy?.count ?? 0) >= 6);
    const killing = events.find((e) => e.reason === 'Killing');
    assert.deepEqual(killing && [killing.type, killing.message], [
      'Normal',
      'Container app failed liveness probe, will be restarted',
    ]);
    // nginx exits cleanly on SIGTERM.
    const last = containerStatus(cluster.pod('live'))?.lastState.terminated;
    assert.deepEqual([last?.reason, last?.exitCode], ['Completed', 0]);
    // The probe requests reach the program (nginx logs them).
    assert.ok(cluster.logs.read('default', 'live', 'app', true)?.some((l) => l.text.includes('GET /healthz')));
  });

  it('keeps a pod with a readiness probe on the wrong port running but not ready', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('unready', {
        image: 'nginx:1.27',
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 2 },
      }),
    );
    const ev = await cluster.waitFor('Unhealthy', () =>
      cluster.events('unready').find((e) => e.reason === 'Unhealthy' && e.count >= 3),
    );
    const ip = podIP(cluster, 'unready');
    assert.equal(
      ev.message,
      `Readiness probe failed: Get "http://${ip}:8080/": dial tcp ${ip}:8080: connect: connection refused`,
    );
    const pod = cluster.pod('unready');
    assert.equal(phase(pod), 'Running');
    assert.equal(containerStatus(pod)?.ready, false);
    assert.equal(containerStatus(pod)?.restartCount, 0);
    const ready = condition(pod, 'Ready');
    assert.deepEqual(
      [ready?.status, ready?.reason, ready?.message],
      ['False', 'ContainersNotReady', 'containers with unready status: [app]'],
    );
    assert.ok(!cluster.events('unready').some((e) => e.reason === 'Killing'));
  });

  it('becomes ready through a named-port readiness probe and a tcpSocket probe', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('named', {
        image: 'nginx:1.27',
        ports: [{ name: 'http', containerPort: 80 }],
        readinessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 3, periodSeconds: 2 },
        livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 2 },
      }),
    );
    await cluster.waitFor('named ready', () => condition(cluster.pod('named'), 'Ready')?.status === 'True');
    const ready = cluster.pod('named');
    const readyAt = Date.parse(
      (condition(ready, 'Ready') as unknown as { lastTransitionTime: string }).lastTransitionTime,
    );
    const started = Date.parse(
      (containerStatus(ready)?.state.running as { startedAt: string } | undefined)?.startedAt ?? '',
    );
    // Not before initialDelaySeconds.
    assert.ok(readyAt - started >= 3000, `ready after ${readyAt - started}ms`);
    assert.deepEqual(
      cluster.events('named').filter((e) => e.reason === 'Unhealthy'),
      [],
    );
  });

  it('holds liveness and readiness until the startup probe passes, and kills on startup failure', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('slow', {
        image: 'nginx:1.27',
        startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 2, failureThreshold: 3 },
        livenessProbe: { httpGet: { path: '/nope', port: 80 }, periodSeconds: 1, failureThreshold: 1 },
      }),
    );
    const kill = await cluster.waitFor('startup kill', () =>
      cluster.events('slow').find((e) => e.reason === 'Killing'),
    );
    assert.equal(kill.message, 'Container app failed startup probe, will be restarted');
    const unhealthy = cluster
      .events('slow')
      .filter((e) => e.reason === 'Unhealthy')
      .map((e) => e.message);
    assert.deepEqual(unhealthy, ["Startup probe failed: cat: can't open '/tmp/started': No such file or directory\n"]);
    assert.equal(containerStatus(cluster.pod('slow'))?.ready, false);
    const started = (containerStatus(cluster.pod('slow')) as unknown as { started: boolean }).started;
    assert.equal(started, false);
  });
});

describe('kubelet: init containers, deadlines and deletion', () => {
  it('runs init containers in order before the app, reporting PodInitializing meanwhile', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    const seen: string[] = [];
    const unsubscribe = cluster.store.subscribe((e) => {
      if (e.resource !== PODS || e.object.metadata.name !== 'init') return;
      const cond = condition(e.object, 'Initialized');
      const app =
        containerStatus(e.object)?.state.waiting?.reason ?? (containerStatus(e.object)?.state.running ? 'running' : '');
      const line = `${cond?.status}:${cond?.message ?? ''}:${app}`;
      if (seen.at(-1) !== line) seen.push(line);
    });
    cluster.create(
      'pods',
      podManifest(
        'init',
        { image: 'nginx:1.27' },
        {
          initContainers: [
            { name: 'migrate', image: 'busybox:1.36', command: ['crash', 'migrating', '0', '2000'] },
            { name: 'warm', image: 'busybox:1.36', command: ['crash', 'warming', '0', '1000'] },
          ],
        },
      ),
    );
    await cluster.waitFor('init running', () => phase(cluster.pod('init')) === 'Running');
    unsubscribe();
    assert.ok(
      seen.includes('False:containers with incomplete status: [migrate warm]:PodInitializing'),
      seen.join('\n'),
    );
    assert.ok(seen.includes('False:containers with incomplete status: [warm]:PodInitializing'), seen.join('\n'));
    assert.equal(seen.at(-1), 'True::running');
    const migrate = containerStatus(cluster.pod('init'), 'migrate', true);
    assert.deepEqual([migrate?.state.terminated?.reason, migrate?.state.terminated?.exitCode], ['Completed', 0]);
    assert.deepEqual(
      cluster.logs.read('default', 'init', 'migrate', false)?.map((l) => l.text),
      ['migrating'],
    );
  });

  it('fails the pod when an init container fails under restartPolicy Never, and crash-loops it otherwise', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    const failingInit = {
      initContainers: [
        { name: 'check', image: 'busybox:1.36', command: ['crash', 'nslookp: not found', '127', '200'] },
      ],
    };
    cluster.create('pods', podManifest('never', { image: 'nginx:1.27' }, { ...failingInit, restartPolicy: 'Never' }));
    cluster.create('pods', podManifest('always', { image: 'nginx:1.27' }, failingInit));
    await cluster.waitFor('never failed', () => phase(cluster.pod('never')) === 'Failed');
    await cluster.waitFor(
      'always backing off',
      () => containerStatus(cluster.pod('always'), 'check', true)?.state.waiting?.reason === 'CrashLoopBackOff',
    );
    assert.equal(phase(cluster.pod('always')), 'Pending');
    assert.equal(containerStatus(cluster.pod('always'))?.state.waiting?.reason, 'PodInitializing');
    assert.equal(containerStatus(cluster.pod('never'), 'check', true)?.state.terminated?.exitCode, 127);
  });

  it('fails a pod past its activeDeadlineSeconds', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create('pods', podManifest('deadline', { image: 'app:1.0' }, { activeDeadlineSeconds: 5 }));
    await cluster.waitFor('deadline failed', () => phase(cluster.pod('deadline')) === 'Failed');
    const status = cluster.pod('deadline')?.status as { reason?: string; message?: string };
    assert.deepEqual(
      [status.reason, status.message],
      ['DeadlineExceeded', 'Pod was active on the node longer than the specified deadline'],
    );
    assert.ok(cluster.events('deadline').some((e) => e.reason === 'DeadlineExceeded'));
  });

  it('stops a deleted pod, forgets its logs and reuses its IP', async () => {
    cluster = startCluster({ runtime: fakeRuntime, nodes: [{ name: 'only' }] });
    cluster.create('pods', podManifest('gone', { image: 'busybox:1.36', command: ['env', 'HOSTNAME'] }));
    await cluster.waitFor('logged', () => cluster.logs.read('default', 'gone', 'app', false)?.[0]);
    assert.equal(cluster.logs.read('default', 'gone', 'app', false)?.[0]?.text, 'HOSTNAME=gone');
    const ip = podIP(cluster, 'gone');
    cluster.store.delete(PODS, 'default', 'gone');
    await cluster.waitFor('logs forgotten', () => cluster.logs.read('default', 'gone', 'app', false)?.length === 0);
    cluster.create('pods', podManifest('next', { image: 'busybox:1.36' }));
    await cluster.waitFor('next running', () => phase(cluster.pod('next')) === 'Running');
    assert.equal(podIP(cluster, 'next'), ip);
  });
});
