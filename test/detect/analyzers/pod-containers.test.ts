import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podAnalyzer } from '../../../src/detect/analyzers/pod.js';
import {
  ago,
  container,
  DAY,
  deploymentWithPods,
  event,
  findings,
  HOUR,
  MIN,
  only,
  pod,
  runningStatus,
  SEC,
  terminated,
  terminatedStatus,
  waitingStatus,
} from '../fixtures/index.js';

const run = (objs: unknown[]) => findings(objs, { analyzers: [podAnalyzer] });

describe('Pod analyzer: OOMKilled', () => {
  it('flags the seed memory-hog in CrashLoopBackOff with its limit, exit code and restarts', async () => {
    const objs = deploymentWithPods('memory-hog', {
      ns: 'demo',
      replicas: 1,
      containers: [
        container({
          name: 'memory-hog',
          image: 'polinux/stress',
          memoryLimit: '100Mi',
          memoryRequest: '50Mi',
          command: ['stress', '--vm', '1', '--vm-bytes', '200M', '--vm-hang', '1'],
        }),
      ],
      podStatus: () => ({
        created: ago(10 * MIN),
        ready: false,
        statuses: [
          waitingStatus(
            'CrashLoopBackOff',
            'back-off 1m20s restarting failed container=memory-hog pod=memory-hog-7d9c5b8f6d-x2k4p_demo(3f1c)',
            {
              name: 'memory-hog',
              image: 'polinux/stress',
              restartCount: 4,
              lastState: terminated(137, 'OOMKilled', ago(40 * SEC)),
            },
          ),
        ],
      }),
    });
    const p = objs[2] as { metadata: { name: string } };
    objs.push(
      event(
        objs[2] as Record<string, unknown>,
        'BackOff',
        `Back-off restarting failed container memory-hog in pod ${p.metadata.name}_demo(3f1c)`,
        {
          count: 12,
          fieldPath: 'spec.containers{memory-hog}',
        },
      ),
      event(
        objs[2] as Record<string, unknown>,
        'Pulled',
        'Container image "polinux/stress" already present on machine',
        { type: 'Normal' },
      ),
    );
    const f = only(await run(objs));
    assert.equal(f.failureClass, 'OOMKilled');
    assert.equal(f.object.name, p.metadata.name);
    assert.equal(f.container, 'memory-hog');
    assert.equal(f.details.memoryLimit, '100Mi');
    assert.equal(f.details.memoryRequest, '50Mi');
    assert.equal(f.details.exitCode, 137);
    assert.equal(f.details.restartCount, 4);
    assert.equal(f.details.restartsPerHour, 16);
    assert.match(
      f.summary,
      /container "memory-hog" OOMKilled \(exit 137\) with memory limit 100Mi; 4 restarts \(16\/h\); now in CrashLoopBackOff/,
    );
    assert.deepEqual(
      f.events.map((e) => [e.reason, e.count]),
      [['BackOff', 12]],
      'Warning events only, Normal ones are noise',
    );
  });

  it('still flags a container OOM-killed minutes ago that is Running again (k8sgpt misses this)', async () => {
    const p = pod('api-0', {
      containers: [container({ memoryLimit: '256Mi' })],
      statuses: [
        runningStatus({
          restartCount: 1,
          startedAt: ago(3 * MIN),
          lastState: terminated(137, 'OOMKilled', ago(3 * MIN)),
        }),
      ],
    });
    const f = only(await run([p]));
    assert.equal(f.failureClass, 'OOMKilled');
    assert.equal(f.details.state, 'running again');
    assert.equal(f.severity, 'high');
  });

  it('flags OOM kills by rate even when the last one is not recent', async () => {
    const p = pod('api-0', {
      created: ago(5 * HOUR),
      containers: [container({ memoryLimit: '256Mi' })],
      statuses: [runningStatus({ restartCount: 12, lastState: terminated(137, 'OOMKilled', ago(2 * HOUR)) })],
    });
    assert.equal(only(await run([p])).details.restartsPerHour, 2.4);
  });

  it('ignores an OOM kill long ago on a pod that has been stable since', async () => {
    const p = pod('api-0', {
      created: ago(30 * DAY),
      containers: [container({ memoryLimit: '256Mi' })],
      statuses: [
        runningStatus({
          restartCount: 1,
          startedAt: ago(10 * DAY),
          lastState: terminated(137, 'OOMKilled', ago(10 * DAY)),
        }),
      ],
    });
    assert.deepEqual(await run([p]), []);
  });
});

describe('Pod analyzer: crashes', () => {
  it('reports CrashLoopBackOff with the exit code and restart rate', async () => {
    const p = pod('worker-0', {
      created: ago(HOUR),
      ready: false,
      statuses: [
        waitingStatus('CrashLoopBackOff', 'back-off 5m0s restarting failed container=app pod=worker-0_default(1)', {
          restartCount: 9,
          lastState: terminated(1, 'Error', ago(MIN)),
        }),
      ],
    });
    const f = only(await run([p]));
    assert.equal(f.failureClass, 'CrashLoopBackOff');
    assert.equal(f.details.exitCode, 1);
    assert.equal(f.details.terminationReason, 'Error');
    assert.equal(f.details.restartsPerHour, 9);
    assert.match(f.summary, /CrashLoopBackOff: exits with code 1 \(Error\); 9 restarts/);
  });

  it('reports a crash-looping init container as such', async () => {
    const p = pod('web-0', {
      phase: 'Pending',
      ready: false,
      initContainers: [container({ name: 'migrate', image: 'busybox:1.36' })],
      initStatuses: [
        waitingStatus('CrashLoopBackOff', 'back-off 40s', {
          name: 'migrate',
          restartCount: 3,
          lastState: terminated(2, 'Error', ago(20 * SEC)),
        }),
      ],
      statuses: [waitingStatus('PodInitializing', undefined)],
    });
    const f = only(await run([p]));
    assert.equal(f.container, 'migrate');
    assert.match(f.summary, /^init container "migrate" in CrashLoopBackOff: exits with code 2/);
  });

  it('keeps calling a restarted container that just exited a crash loop, so the class does not flap', async () => {
    const first = only(await run([pod('once', { statuses: [terminatedStatus(1, 'Error', ago(5 * SEC))] })]));
    assert.equal(first.failureClass, 'ContainerError', 'the very first exit is only an error');
    const again = only(
      await run([pod('again', { statuses: [terminatedStatus(1, 'Error', ago(5 * SEC), { restartCount: 2 })] })]),
    );
    assert.equal(again.failureClass, 'CrashLoopBackOff', 'between back-offs a restarted container is still looping');
  });

  it('reports a container that keeps restarting between crashes while Running', async () => {
    const p = pod('flappy', {
      created: ago(HOUR),
      statuses: [
        runningStatus({ restartCount: 8, startedAt: ago(2 * MIN), lastState: terminated(2, 'Error', ago(2 * MIN)) }),
      ],
    });
    const f = only(await run([p]));
    assert.equal(f.failureClass, 'FrequentRestarts');
    assert.equal(f.details.restartsPerHour, 8);
  });

  it('does not call a long-lived pod with a few old restarts a problem', async () => {
    const p = pod('steady', {
      created: ago(20 * DAY),
      statuses: [
        runningStatus({ restartCount: 5, startedAt: ago(3 * DAY), lastState: terminated(1, 'Error', ago(3 * DAY)) }),
      ],
    });
    assert.deepEqual(await run([p]), []);
  });
});

describe('Pod analyzer: images', () => {
  it('names the image, the registry and its answer: not found', async () => {
    const p = pod('web-1', {
      phase: 'Pending',
      ready: false,
      containers: [container({ image: 'nginx:1.99' })],
      statuses: [waitingStatus('ImagePullBackOff', 'Back-off pulling image "nginx:1.99"', { image: 'nginx:1.99' })],
    });
    const failed = event(
      p,
      'Failed',
      'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
      { fieldPath: 'spec.containers{app}', count: 4 },
    );
    const f = only(
      await run([p, failed, event(p, 'BackOff', 'Back-off pulling image "nginx:1.99"', { type: 'Normal' })]),
    );
    assert.equal(f.failureClass, 'ImagePullBackOff');
    assert.equal(f.reason, 'ImagePullBackOff');
    assert.equal(f.details.image, 'nginx:1.99');
    assert.equal(f.details.registry, 'docker.io');
    assert.equal(f.details.registryAnswer, 'NotFound');
    assert.match(f.summary, /cannot pull image "nginx:1\.99" from docker\.io: not found/);
  });

  it('says unauthorized for a private registry that refuses the pull', async () => {
    const image = 'registry.acme.io/team/api:2.1';
    const p = pod('api-1', {
      phase: 'Pending',
      ready: false,
      containers: [container({ image })],
      statuses: [
        waitingStatus(
          'ErrImagePull',
          `failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.acme.io/token: 401 Unauthorized`,
          { image },
        ),
      ],
    });
    const f = only(await run([p]));
    assert.equal(f.details.registryAnswer, 'Unauthorized');
    assert.equal(f.details.registry, 'registry.acme.io');
    assert.match(f.summary, /unauthorized/);
  });
});

describe('Pod analyzer: configuration', () => {
  it('names the ConfigMap and the missing key of a CreateContainerConfigError', async () => {
    const p = pod('web-2', {
      ns: 'shop',
      phase: 'Pending',
      ready: false,
      statuses: [waitingStatus('CreateContainerConfigError', "couldn't find key DB_HOST in ConfigMap shop/app-config")],
    });
    const f = only(
      await run([
        p,
        event(p, 'Failed', "Error: couldn't find key DB_HOST in ConfigMap shop/app-config", {
          fieldPath: 'spec.containers{app}',
          count: 7,
        }),
      ]),
    );
    assert.equal(f.failureClass, 'CreateContainerConfigError');
    assert.deepEqual(
      { kind: f.details.missingKind, name: f.details.missingName, key: f.details.missingKey },
      { kind: 'ConfigMap', name: 'app-config', key: 'DB_HOST' },
    );
    assert.equal(f.summary, 'container "app" cannot be created: key "DB_HOST" not found in ConfigMap shop/app-config');
    assert.equal(f.events[0]?.count, 7);
  });

  it('names a missing Secret', async () => {
    const p = pod('web-3', {
      phase: 'Pending',
      ready: false,
      statuses: [waitingStatus('CreateContainerConfigError', 'secret "db-creds" not found')],
    });
    const f = only(await run([p]));
    assert.equal(f.details.missingKind, 'Secret');
    assert.equal(f.details.missingName, 'db-creds');
    assert.equal(f.details.missingKey, undefined);
  });
});
