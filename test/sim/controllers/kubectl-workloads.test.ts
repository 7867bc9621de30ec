// The workload controllers as a user meets them: through the real kubectl against startSimulator, with the
// simulated scheduler and kubelet running the pods.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useSimulator } from '../../helpers/sim.js';

const sim = useSimulator({ speed: 20 });

const web = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await sim.kubectl.run(args, stdin === undefined ? {} : { stdin });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function poll(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('workload controllers through kubectl', () => {
  it('rolls out, serves endpoints, updates, and rolls back with undo', async () => {
    await ok(['apply', '-f', '-'], web('nginx:1.27'));
    assert.match(
      await ok(['rollout', 'status', 'deploy/web', '--timeout=60s']),
      /deployment "web" successfully rolled out/,
    );
    const ips = await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].addresses[*].ip}']);
    assert.equal(ips.trim().split(' ').length, 2);
    assert.match(await ok(['get', 'endpoints', 'web']), /web\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80/);
    await ok(['set', 'image', 'deploy/web', 'app=nginx:1.28']);
    assert.match(await ok(['rollout', 'status', 'deploy/web', '--timeout=60s']), /successfully rolled out/);
    assert.match(await ok(['rollout', 'history', 'deploy/web']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await ok(['rollout', 'undo', 'deploy/web']), /deployment.apps\/web rolled back/);
    assert.match(await ok(['rollout', 'status', 'deploy/web', '--timeout=60s']), /successfully rolled out/);
    assert.match(await ok(['rollout', 'history', 'deploy/web']), /\n2\s+<none>\n3\s+<none>/);
    assert.equal(
      await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
      'nginx:1.27',
    );
    const rs = await ok([
      'get',
      'rs',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas} {end}',
    ]);
    assert.deepEqual(rs.trim().split(' ').sort(), ['nginx:1.27=2', 'nginx:1.28=0']);
    const scaled = await ok([
      'get',
      'events',
      '--field-selector',
      'reason=ScalingReplicaSet',
      '-o',
      'jsonpath={.items[0].message}',
    ]);
    assert.match(scaled, /^Scaled up replica set web-[bcdfghjklmnpqrstvwxz2456789]+ from 0 to 2$/);
  });

  it('shows quota refusals as FailedCreate events and a ReplicaFailure condition', async () => {
    await ok(
      ['apply', '-f', '-'],
      `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute-quota, namespace: shop}
spec:
  hard: {requests.cpu: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: nginx:1.27, resources: {requests: {cpu: 500m}}}]
`,
    );
    const events = () =>
      ok([
        '-n',
        'shop',
        'get',
        'events',
        '--field-selector',
        'reason=FailedCreate',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
    await poll(async () => (await events()).includes('exceeded quota'), 'FailedCreate');
    assert.match(
      await events(),
      /Error creating: pods "api-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute-quota, requested: requests\.cpu=500m, used: requests\.cpu=1, limited: requests\.cpu=1/,
    );
    const cond = await ok([
      '-n',
      'shop',
      'get',
      'deploy',
      'api',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="ReplicaFailure")].reason}',
    ]);
    assert.equal(cond, 'FailedCreate');
    assert.match(await ok(['-n', 'shop', 'describe', 'quota', 'compute-quota']), /requests\.cpu\s+1\s+1/);
  });

  it('keeps a claim for a missing StorageClass Pending with ProvisioningFailed', async () => {
    await ok(
      ['apply', '-f', '-'],
      `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast-ssd
  resources: {requests: {storage: 5Gi}}
`,
    );
    await poll(async () => (await ok(['describe', 'pvc', 'data'])).includes('ProvisioningFailed'), 'event');
    assert.match(await ok(['get', 'pvc', 'data']), /data\s+Pending\s+fast-ssd/);
    assert.match(
      await ok(['describe', 'pvc', 'data']),
      /Warning\s+ProvisioningFailed\s+.*persistentvolume-controller\s+storageclass\.storage\.k8s\.io "fast-ssd" not found/,
    );
    assert.match(
      await ok(['get', 'storageclass']),
      /standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+true/,
    );
  });
});
