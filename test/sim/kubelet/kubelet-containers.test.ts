import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { fakeRuntime } from './kubelet-fake-runtime.js';
import {
  byPlural,
  type Cluster,
  condition,
  containerStatus,
  PODS,
  phase,
  podManifest,
  startCluster,
} from './kubelet-harness.js';

let cluster: Cluster;
afterEach(() => cluster?.stop());

const uidOf = (c: Cluster, name: string) => c.pod(name)?.metadata.uid ?? '';

describe('kubelet: starting containers', () => {
  it('pulls, creates and starts a container, then reports it running and ready with kubelet events', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', podManifest('web', { image: 'nginx:1.27', ports: [{ containerPort: 80 }] }));
    await cluster.waitFor('web ready', () => condition(cluster.pod('web'), 'Ready')?.status === 'True');
    const pod = cluster.pod('web')!;
    const status = pod.status as Record<string, unknown>;
    assert.equal(status.phase, 'Running');
    assert.match(String(status.podIP), /^10\.244\.\d\.\d+$/);
    assert.match(String(status.hostIP), /^172\.18\.0\.\d$/);
    assert.equal(status.qosClass, 'BestEffort');
    const cs = containerStatus(pod) as unknown as Record<string, unknown>;
    assert.equal(cs.image, 'docker.io/library/nginx:1.27');
    assert.match(String(cs.imageID), /^docker\.io\/library\/nginx@sha256:/);
    assert.match(String(cs.containerID), /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.started, true);
    assert.deepEqual(cs.lastState, {});
    const types = (status.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`);
    assert.deepEqual(types, [
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const messages = cluster.events('web').map((e) => `${e.reason}: ${e.message}`);
    const node = (pod.spec as { nodeName: string }).nodeName;
    assert.deepEqual(messages, [
      `Scheduled: Successfully assigned default/web to ${node}`,
      'Pulling: Pulling image "nginx:1.27"',
      'Pulled: Successfully pulled image "nginx:1.27" in 1.6s (1.6s including waiting). Image size: 72000000 bytes.',
      'Created: Created container: app',
      'Started: Started container app',
    ]);
    // The image is now on that node: a second pod there does not pull again.
    cluster.create('pods', podManifest('web2', { image: 'nginx:1.27' }, { nodeName: node }));
    await cluster.waitFor('web2 running', () => phase(cluster.pod('web2')) === 'Running');
    assert.ok(
      cluster
        .events('web2')
        .some((e) => e.reason === 'Pulled' && e.message === 'Container image "nginx:1.27" already present on machine'),
    );
  });

  it('backs off a tag that does not exist: ErrImagePull, then ImagePullBackOff with doubling delays, until the image is fixed', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 50 });
    const attempts: number[] = [];
    const reasons: string[] = [];
    const unsubscribe = cluster.store.subscribe((e) => {
      if (e.resource !== PODS || e.object.metadata.name !== 'bad') return;
      const now = containerStatus(e.object)?.state.waiting?.reason;
      const before = e.previous ? containerStatus(e.previous)?.state.waiting?.reason : undefined;
      if (now && now !== before) {
        reasons.push(now);
        if (now === 'ErrImagePull') attempts.push(cluster.clock.now().getTime());
      }
    });
    cluster.create('pods', podManifest('bad', { image: 'nginx:1.99' }));
    await cluster.waitFor('4 pull attempts', () => attempts.length >= 4, 15_000);
    unsubscribe();
    assert.deepEqual(reasons.slice(0, 6), [
      'ContainerCreating',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
    ]);
    const gaps = attempts.slice(1).map((t, i) => (t - attempts[i]!) / 1000);
    // 10s, 20s, 40s on the simulated clock, plus the failed pull itself; never earlier, and late only by timer
    // jitter (a loaded test machine delays wall-clock timers, which the fast clock magnifies).
    for (const [i, want] of [10, 20, 40].entries()) {
      const gap = gaps[i] ?? 0;
      assert.ok(gap >= want && gap < want + 10, `gap ${i} was ${gap}s, want ${want}s`);
    }

    const waiting = containerStatus(cluster.pod('bad'))?.state.waiting;
    assert.ok(waiting?.reason === 'ErrImagePull' || waiting?.reason === 'ImagePullBackOff');
    const events = cluster.events('bad');
    const failed = events.find((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image'));
    assert.equal(
      failed?.message,
      'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
    );
    assert.ok((failed?.count ?? 0) >= 4);
    assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull' && e.type === 'Warning'));
    assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ImagePullBackOff'));
    const backoff = events.find((e) => e.reason === 'BackOff');
    assert.deepEqual(backoff && [backoff.type, backoff.message], ['Normal', 'Back-off pulling image "nginx:1.99"']);
    assert.ok((events.find((e) => e.reason === 'Pulling')?.count ?? 0) >= 4);
    assert.equal(phase(cluster.pod('bad')), 'Pending');

    // Fixing the tag in place makes kubelet pull the new image at once.
    cluster.store.modify(PODS, 'default', 'bad', (p) => {
      (p.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:1.27';
    });
    await cluster.waitFor('fixed pod running', () => phase(cluster.pod('bad')) === 'Running', 5_000);
    assert.equal(containerStatus(cluster.pod('bad'))?.restartCount, 0);
  });

  it('honours imagePullPolicy Never and reports an invalid image name without pulling', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('pods', podManifest('never', { image: 'nginx:1.27', imagePullPolicy: 'Never' }));
    cluster.create('pods', podManifest('invalid', { image: 'nginx 1.27' }));
    const waitingStatus = (name: string) => () => {
      const cs = containerStatus(cluster.pod(name));
      return cs?.state.waiting?.message ? cs : undefined;
    };
    const never = await cluster.waitFor('never waiting', waitingStatus('never'));
    assert.deepEqual(never.state.waiting, {
      reason: 'ErrImageNeverPull',
      message: 'Container image "nginx:1.27" is not present with pull policy of Never',
    });
    const invalid = await cluster.waitFor('invalid waiting', waitingStatus('invalid'));
    assert.equal(invalid.state.waiting?.reason, 'InvalidImageName');
    assert.ok(!cluster.events('invalid').some((e) => e.reason === 'Pulling'));
    assert.ok(
      cluster
        .events('invalid')
        .some(
          (e) => e.reason === 'InspectFailed' && e.message.startsWith('Failed to apply default image tag "nginx 1.27"'),
        ),
    );
  });
});

describe('kubelet: crash loops and OOM kills', () => {
  it('restarts a crashing container behind CrashLoopBackOff with rising restartCount, and keeps current and previous logs', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create('pods', podManifest('crash', { image: 'busybox:1.36', command: ['crash', 'boom', '3', '500'] }));
    const messages: string[] = [];
    const unsubscribe = cluster.store.subscribe((e) => {
      const w =
        e.resource === PODS && e.object.metadata.name === 'crash'
          ? containerStatus(e.object)?.state.waiting
          : undefined;
      if (w?.reason === 'CrashLoopBackOff' && w.message && messages.at(-1) !== w.message) messages.push(w.message);
    });
    await cluster.waitFor(
      'restartCount 3',
      () => (containerStatus(cluster.pod('crash'))?.restartCount ?? 0) >= 3,
      15_000,
    );
    unsubscribe();
    const uid = uidOf(cluster, 'crash');
    assert.deepEqual(messages.slice(0, 2), [
      `back-off 10s restarting failed container=app pod=crash_default(${uid})`,
      `back-off 20s restarting failed container=app pod=crash_default(${uid})`,
    ]);
    const cs = containerStatus(cluster.pod('crash'))!;
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.equal(cs.lastState.terminated?.exitCode, 3);
    assert.equal(phase(cluster.pod('crash')), 'Running');
    const backoff = cluster.events('crash').find((e) => e.reason === 'BackOff');
    assert.deepEqual(backoff && [backoff.type, backoff.message], [
      'Warning',
      `Back-off restarting failed container app in pod crash_default(${uid})`,
    ]);
    assert.ok((cluster.events('crash').find((e) => e.reason === 'Started')?.count ?? 0) >= 4);
    assert.deepEqual(
      cluster.logs.read('default', 'crash', 'app', true)?.map((l) => l.text),
      ['boom'],
    );
    assert.equal(cluster.logs.hasPrevious('default', 'crash', 'app'), true);
  });

  it('OOM-kills a container above its memory limit: exit 137, lastState OOMKilled, a node OOMKilling event', async () => {
    cluster = startCluster({ runtime: fakeRuntime, speed: 200 });
    cluster.create(
      'pods',
      podManifest('memory-hog', {
        image: 'app:1.0',
        command: ['hog', String(200 * 1024 * 1024), '1000'],
        resources: { limits: { memory: '100Mi' } },
      }),
    );
    await cluster.waitFor(
      'restartCount 2',
      () => (containerStatus(cluster.pod('memory-hog'))?.restartCount ?? 0) >= 2,
      15_000,
    );
    const cs = containerStatus(cluster.pod('memory-hog'))!;
    assert.deepEqual([cs.lastState.terminated?.reason, cs.lastState.terminated?.exitCode], ['OOMKilled', 137]);
    const started = Date.parse(cs.lastState.terminated!.startedAt);
    const finished = Date.parse(cs.lastState.terminated!.finishedAt);
    // Linear growth to 200Mi over 1s crosses 100Mi at about half a second.
    assert.ok(finished - started <= 1000, `ran ${finished - started}ms`);
    const node = (cluster.pod('memory-hog')!.spec as { nodeName: string }).nodeName;
    const oom = cluster.events(node).find((e) => e.reason === 'OOMKilling');
    assert.ok(oom);
    assert.equal(oom.type, 'Warning');
    assert.equal(oom.source, 'kernel-monitor');
    assert.match(
      oom.message,
      /^Memory cgroup out of memory: Killed process \d+ \(hog\) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:0kB, UID:0 pgtables:\d+kB oom_score_adj:\d+$/,
    );
  });

  it('applies restartPolicy: Never fails the pod, OnFailure finishes it on success', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create(
      'pods',
      podManifest('once', { image: 'busybox:1.36', command: ['crash', 'bye', '2', '300'] }, { restartPolicy: 'Never' }),
    );
    cluster.create(
      'pods',
      podManifest(
        'job',
        { image: 'busybox:1.36', command: ['crash', 'done', '0', '300'] },
        { restartPolicy: 'OnFailure' },
      ),
    );
    await cluster.waitFor('once failed', () => phase(cluster.pod('once')) === 'Failed');
    await cluster.waitFor('job succeeded', () => phase(cluster.pod('job')) === 'Succeeded');
    assert.deepEqual(
      containerStatus(cluster.pod('once'))?.state.terminated && [
        containerStatus(cluster.pod('once'))?.state.terminated?.reason,
        containerStatus(cluster.pod('once'))?.restartCount,
      ],
      ['Error', 0],
    );
    assert.equal(containerStatus(cluster.pod('job'))?.state.terminated?.reason, 'Completed');
    const ready = condition(cluster.pod('job'), 'Ready');
    assert.deepEqual([ready?.status, ready?.reason], ['False', 'PodCompleted']);
    assert.equal(condition(cluster.pod('job'), 'PodReadyToStartContainers')?.status, 'False');
  });
});

describe('kubelet: config and volumes', () => {
  const envFromConfig = { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'DB_HOST' } } };

  it('reports CreateContainerConfigError for a missing ConfigMap and key, and starts once the key exists', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create(
      'pods',
      podManifest('cfg', {
        image: 'app:1.0',
        command: ['env', 'DB_HOST', 'MODE'],
        env: [envFromConfig, { name: 'MODE', value: 'x-$(DB_HOST)' }],
      }),
    );
    const waiting = () => containerStatus(cluster.pod('cfg'))?.state.waiting;
    await cluster.waitFor('config error', () => waiting()?.reason === 'CreateContainerConfigError');
    assert.equal(waiting()?.message, 'configmap "app-config" not found');
    assert.ok(
      cluster
        .events('cfg')
        .some(
          (e) =>
            e.type === 'Warning' && e.reason === 'Failed' && e.message === 'Error: configmap "app-config" not found',
        ),
    );
    assert.equal(phase(cluster.pod('cfg')), 'Pending');

    cluster.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config' },
      data: { OTHER: '1' },
    });
    await cluster.waitFor(
      'missing key',
      () => waiting()?.message === "couldn't find key DB_HOST in ConfigMap default/app-config",
    );

    cluster.store.modify(byPlural('configmaps'), 'default', 'app-config', (cm) => {
      cm.data = { DB_HOST: 'db.prod' };
    });
    await cluster.waitFor('cfg running', () => phase(cluster.pod('cfg')) === 'Running', 3_000);
    await cluster.waitFor('env logged', () => (cluster.logs.read('default', 'cfg', 'app', false)?.length ?? 0) >= 2);
    assert.deepEqual(
      cluster.logs.read('default', 'cfg', 'app', false)?.map((l) => l.text),
      ['DB_HOST=db.prod', 'MODE=x-db.prod'],
    );
  });

  it('uses kubelet wording for missing Secrets and keys, and honours optional references', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create(
      'pods',
      podManifest('sec', {
        image: 'app:1.0',
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      }),
    );
    cluster.create(
      'pods',
      podManifest('opt', {
        image: 'app:1.0',
        command: ['env', 'A', 'B'],
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 'nope', key: 'x', optional: true } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'nope', key: 'y', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'absent', optional: true } }],
      }),
    );
    const waiting = () => containerStatus(cluster.pod('sec'))?.state.waiting;
    await cluster.waitFor('secret error', () => waiting()?.message === 'secret "db" not found');
    await cluster.waitFor('opt running', () => phase(cluster.pod('opt')) === 'Running');
    cluster.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { user: Buffer.from('u').toString('base64') },
    });
    await cluster.waitFor(
      'secret key error',
      () => waiting()?.message === "couldn't find key password in Secret default/db",
    );
    cluster.store.modify(byPlural('secrets'), 'default', 'db', (s) => {
      s.data = { password: Buffer.from('hunter2').toString('base64') };
    });
    await cluster.waitFor('sec running', () => phase(cluster.pod('sec')) === 'Running');
  });

  it('keeps a pod ContainerCreating with FailedMount until its ConfigMap volume exists, then mounts its files', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create(
      'pods',
      podManifest(
        'mount',
        {
          image: 'app:1.0',
          command: ['cat', '/etc/app/settings.conf'],
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }],
        },
        { volumes: [{ name: 'cfg', configMap: { name: 'web-config' } }] },
      ),
    );
    const failedMount = await cluster.waitFor('FailedMount', () =>
      cluster.events('mount').find((e) => e.reason === 'FailedMount'),
    );
    assert.equal(failedMount.message, 'MountVolume.SetUp failed for volume "cfg" : configmap "web-config" not found');
    assert.equal(failedMount.type, 'Warning');
    assert.equal(containerStatus(cluster.pod('mount'))?.state.waiting?.reason, 'ContainerCreating');
    assert.equal(condition(cluster.pod('mount'), 'PodReadyToStartContainers')?.status, 'False');

    cluster.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data: { 'settings.conf': 'port=8080\nmode=fast' },
    });
    await cluster.waitFor('mount running', () => phase(cluster.pod('mount')) === 'Running', 3_000);
    await cluster.waitFor('file logged', () => (cluster.logs.read('default', 'mount', 'app', false)?.length ?? 0) >= 2);
    assert.deepEqual(
      cluster.logs.read('default', 'mount', 'app', false)?.map((l) => l.text),
      ['port=8080', 'mode=fast'],
    );
  });

  it('mounts Secret, projected and subPath files, and skips optional volumes that do not exist', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls' },
      data: { 'tls.key': Buffer.from('KEY').toString('base64') },
    });
    cluster.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'site' },
      data: { 'nginx.conf': 'worker_processes 1;' },
    });
    const pod = (path: string, name: string) =>
      podManifest(
        name,
        {
          image: 'app:1.0',
          command: ['cat', path],
          volumeMounts: [
            { name: 'tls', mountPath: '/etc/tls', readOnly: true },
            { name: 'all', mountPath: '/etc/all' },
            { name: 'conf', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' },
            { name: 'maybe', mountPath: '/etc/maybe' },
          ],
        },
        {
          volumes: [
            { name: 'tls', secret: { secretName: 'tls' } },
            {
              name: 'all',
              projected: {
                sources: [
                  { configMap: { name: 'site' } },
                  { secret: { name: 'tls', items: [{ key: 'tls.key', path: 'keys/server.key' }] } },
                ],
              },
            },
            { name: 'conf', configMap: { name: 'site' } },
            { name: 'maybe', configMap: { name: 'absent', optional: true } },
          ],
        },
      );
    const cases: [string, string][] = [
      ['/etc/tls/tls.key', 'KEY'],
      ['/etc/all/keys/server.key', 'KEY'],
      ['/etc/all/nginx.conf', 'worker_processes 1;'],
      ['/etc/nginx/nginx.conf', 'worker_processes 1;'],
      ['/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'default'],
    ];
    for (const [i, [path]] of cases.entries()) cluster.create('pods', pod(path, `files-${i}`));
    for (const [i, [path, content]] of cases.entries()) {
      await cluster.waitFor(path, () => cluster.logs.read('default', `files-${i}`, 'app', false)?.[0]);
      assert.equal(cluster.logs.read('default', `files-${i}`, 'app', false)?.[0]?.text, content, path);
    }
  });

  it('fails a mount on a missing key of an items list, and mounts downward API files', async () => {
    cluster = startCluster({ runtime: fakeRuntime });
    cluster.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'partial' },
      data: { a: '1' },
    });
    cluster.create(
      'pods',
      podManifest(
        'items',
        { image: 'app:1.0' },
        { volumes: [{ name: 'cfg', configMap: { name: 'partial', items: [{ key: 'b', path: 'b.txt' }] } }] },
      ),
    );
    const ev = await cluster.waitFor('FailedMount', () =>
      cluster.events('items').find((e) => e.reason === 'FailedMount'),
    );
    assert.equal(
      ev.message,
      'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: b',
    );
    cluster.create(
      'pods',
      podManifest(
        'downward',
        {
          image: 'app:1.0',
          command: ['cat', '/etc/podinfo/labels'],
          volumeMounts: [{ name: 'info', mountPath: '/etc/podinfo' }],
        },
        {
          volumes: [
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          ],
        },
      ),
    );
    await cluster.waitFor('labels logged', () => cluster.logs.read('default', 'downward', 'app', false)?.[0]);
    assert.equal(cluster.logs.read('default', 'downward', 'app', false)?.[0]?.text, 'app="downward"');
  });
});
