import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyPullError,
  imageRegistry,
  parseMissingConfig,
  parseProbeMessage,
  parseQuotaMessage,
  parseSchedulerMessage,
} from '../../src/detect/messages.js';

describe('parseSchedulerMessage', () => {
  it('splits the per-node reasons and drops the preemption tail', () => {
    const m = parseSchedulerMessage(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    assert.deepEqual(m, {
      available: 0,
      total: 3,
      reasons: [
        { nodes: 1, reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
        { nodes: 2, reason: 'Insufficient cpu' },
      ],
    });
  });

  it('keeps reasons without a node count', () => {
    assert.deepEqual(
      parseSchedulerMessage('0/1 nodes are available: persistentvolumeclaim "data" not found.').reasons,
      [{ reason: 'persistentvolumeclaim "data" not found' }],
    );
  });
});

describe('parseMissingConfig', () => {
  it('reads the kubelet texts for missing objects and keys', () => {
    assert.deepEqual(parseMissingConfig("couldn't find key DB_HOST in ConfigMap shop/app-config"), {
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'app-config',
      key: 'DB_HOST',
    });
    assert.deepEqual(parseMissingConfig('configmap "app-config" not found'), { kind: 'ConfigMap', name: 'app-config' });
    assert.deepEqual(parseMissingConfig('Error: secret "db-creds" not found'), { kind: 'Secret', name: 'db-creds' });
    assert.equal(parseMissingConfig('container has runAsNonRoot and image will run as root'), undefined);
  });
});

describe('classifyPullError', () => {
  it('tells not found, unauthorized, denied, unreachable and rate limited apart', () => {
    const cases: [string, string][] = [
      [
        'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
        'NotFound',
      ],
      [
        'Failed to pull image "registry.acme.io/team/api:2.1": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.acme.io/token: 401 Unauthorized',
        'Unauthorized',
      ],
      [
        'Failed to pull image "acme/private:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
        'AccessDenied',
      ],
      [
        'Failed to pull image "reg.internal:5000/x:1": dial tcp: lookup reg.internal on 10.96.0.10:53: no such host',
        'Unreachable',
      ],
      ['toomanyrequests: You have reached your pull rate limit.', 'RateLimited'],
      [
        'Failed to apply default image tag "Nginx": couldn\'t parse image reference "Nginx": invalid reference format',
        'InvalidReference',
      ],
    ];
    for (const [message, code] of cases) assert.equal(classifyPullError(message).code, code, message);
  });

  it('names the registry of an image reference', () => {
    assert.equal(imageRegistry('nginx:1.27'), 'docker.io');
    assert.equal(imageRegistry('bitnami/redis:7'), 'docker.io');
    assert.equal(imageRegistry('registry.k8s.io/pause:3.9'), 'registry.k8s.io');
    assert.equal(imageRegistry('localhost:5000/app'), 'localhost:5000');
  });
});

describe('parseProbeMessage', () => {
  it('extracts the probe and the response', () => {
    assert.deepEqual(parseProbeMessage('Liveness probe failed: HTTP probe failed with statuscode: 404'), {
      probe: 'liveness',
      response: 'HTTP 404',
      statusCode: 404,
    });
    assert.deepEqual(
      parseProbeMessage(
        'Readiness probe failed: Get "http://10.244.1.23:8080/ready": dial tcp 10.244.1.23:8080: connect: connection refused',
      ),
      { probe: 'readiness', response: 'connection refused' },
    );
    assert.deepEqual(
      parseProbeMessage(
        'Startup probe failed: Get "http://10.244.1.23:8080/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      ),
      { probe: 'startup', response: 'timed out' },
    );
    assert.deepEqual(
      parseProbeMessage("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"),
      {
        probe: 'liveness',
        response: "cat: can't open '/tmp/healthy': No such file or directory",
      },
    );
    assert.equal(parseProbeMessage('Back-off restarting failed container'), undefined);
  });
});

describe('parseQuotaMessage', () => {
  it('reads exceeded and must-specify quota errors', () => {
    assert.deepEqual(
      parseQuotaMessage(
        'Error creating: pods "web-7d9c5b8f6d-x2k4p" is forbidden: exceeded quota: compute, requested: limits.memory=512Mi, used: limits.memory=1792Mi, limited: limits.memory=2Gi',
      ),
      {
        quota: 'compute',
        requested: 'limits.memory=512Mi',
        used: 'limits.memory=1792Mi',
        limited: 'limits.memory=2Gi',
      },
    );
    assert.deepEqual(
      parseQuotaMessage(
        'Error creating: pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app',
      ),
      { quota: 'compute', mustSpecify: 'limits.cpu for: app; limits.memory for: app' },
    );
    assert.equal(
      parseQuotaMessage('Error creating: pods "x" is forbidden: violates PodSecurity "restricted:latest"'),
      undefined,
    );
  });
});
