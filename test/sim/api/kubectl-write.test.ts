import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { useSimulator } from '../../helpers/sim.js';

const DEPLOYMENTS = RESOURCES.find((r) => r.plural === 'deployments')!;
const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;

const deploy = (image: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: ${image}
`;

function spec(o: KubeObject | undefined): Record<string, unknown> {
  return (o?.spec ?? {}) as Record<string, unknown>;
}
function container(o: KubeObject | undefined): Record<string, unknown> {
  const t = spec(o).template as { spec: { containers: Record<string, unknown>[] } };
  return t.spec.containers[0]!;
}

describe('kubectl writes against the simulator', () => {
  const f = useSimulator({ controllers: false });

  it('apply creates, reports unchanged, then configures with a strategic merge patch', async () => {
    let r = await f.kubectl.run(['apply', '-f', '-'], { stdin: deploy('nginx:1.27') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/web created');
    r = await f.kubectl.run(['apply', '-f', '-'], { stdin: deploy('nginx:1.27') });
    assert.equal(r.stdout.trim(), 'deployment.apps/web unchanged');
    const before = f.sim.store.get(DEPLOYMENTS, 'default', 'web')!;
    r = await f.kubectl.run(['apply', '-f', '-'], { stdin: deploy('nginx:1.28') });
    assert.equal(r.stdout.trim(), 'deployment.apps/web configured');
    const after = f.sim.store.get(DEPLOYMENTS, 'default', 'web')!;
    assert.equal(container(after).image, 'nginx:1.28');
    assert.equal(after.metadata.generation, (before.metadata.generation ?? 0) + 1);
    assert.ok(after.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']?.includes('nginx:1.28'));
  });

  it('applies server-side, creating and then merging by field manager', async () => {
    const cm = (v: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { mode: v } });
    let r = await f.kubectl.run(['apply', '--server-side', '-f', '-'], { stdin: cm('a') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'configmap/ssa serverside-applied');
    r = await f.kubectl.run(['apply', '--server-side', '-f', '-'], { stdin: cm('b') });
    assert.equal(r.code, 0, r.stderr);
    const got = await f.kubectl.run(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.mode}']);
    assert.equal(got.stdout, 'b');
  });

  it('patches with json, merge and strategic patches', async () => {
    let r = await f.kubectl.run([
      'patch',
      'deployment',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":3}]',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(spec(f.sim.store.get(DEPLOYMENTS, 'default', 'web')).replicas, 3);
    r = await f.kubectl.run([
      'patch',
      'deployment',
      'web',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"team":"blue"}}}',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(f.sim.store.get(DEPLOYMENTS, 'default', 'web')!.metadata.labels?.team, 'blue');
    r = await f.kubectl.run([
      'patch',
      'deployment',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","value":"prod"}]}]}}}}',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = container(f.sim.store.get(DEPLOYMENTS, 'default', 'web'));
    assert.equal(c.image, 'nginx:1.28', 'strategic merge keeps the other container fields');
    assert.deepEqual(c.env, [{ name: 'MODE', value: 'prod' }]);
  });

  it('scales, sets image and resources, labels and annotates', async () => {
    let r = await f.kubectl.run(['scale', 'deployment', 'web', '--replicas=4']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/web scaled');
    assert.equal(spec(f.sim.store.get(DEPLOYMENTS, 'default', 'web')).replicas, 4);
    r = await f.kubectl.run(['set', 'image', 'deployment/web', 'app=nginx:1.29']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(container(f.sim.store.get(DEPLOYMENTS, 'default', 'web')).image, 'nginx:1.29');
    r = await f.kubectl.run([
      'set',
      'resources',
      'deployment',
      'web',
      '-c',
      'app',
      '--limits=memory=512Mi',
      '--requests=cpu=100m',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(container(f.sim.store.get(DEPLOYMENTS, 'default', 'web')).resources, {
      limits: { memory: '512Mi' },
      requests: { cpu: '100m' },
    });
    r = await f.kubectl.run(['label', 'deployment', 'web', 'owner=sre']);
    assert.equal(r.code, 0, r.stderr);
    r = await f.kubectl.run(['annotate', 'deployment', 'web', 'note=checked']);
    assert.equal(r.code, 0, r.stderr);
    const d = f.sim.store.get(DEPLOYMENTS, 'default', 'web')!;
    assert.equal(d.metadata.labels?.owner, 'sre');
    assert.equal(d.metadata.annotations?.note, 'checked');
  });

  it('creates with create -f, refuses a duplicate with AlreadyExists', async () => {
    const p = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'solo' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    let r = await f.kubectl.run(['create', '-f', '-'], { stdin: p });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/solo created');
    r = await f.kubectl.run(['create', '-f', '-'], { stdin: p });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(AlreadyExists\).*pods "solo" already exists/);
  });

  it('deletes with cascading garbage collection and waits for the object to go', async () => {
    const owner = f.sim.store.get(DEPLOYMENTS, 'default', 'web')!;
    f.sim.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-child',
        namespace: 'default',
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    } as KubeObject);
    const r = await f.kubectl.run(['delete', 'deployment', 'web', '--wait=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps "web" deleted');
    assert.equal(f.sim.store.get(DEPLOYMENTS, 'default', 'web'), undefined);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(f.sim.store.get(PODS, 'default', 'web-child'), undefined, 'the dependent pod is garbage-collected');
    const missing = await f.kubectl.run(['delete', 'pod', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  });

  it('orphans dependents when asked', async () => {
    const cm = f.sim.store.create(RESOURCES.find((r) => r.plural === 'configmaps')!, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'owner-cm', namespace: 'default' },
    } as KubeObject);
    f.sim.store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'orphan',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-cm', uid: cm.metadata.uid! }],
      },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    } as KubeObject);
    const r = await f.kubectl.run(['delete', 'configmap', 'owner-cm', '--cascade=orphan']);
    assert.equal(r.code, 0, r.stderr);
    const orphan = f.sim.store.get(PODS, 'default', 'orphan');
    assert.ok(orphan, 'the dependent survives');
    assert.equal(orphan.metadata.ownerReferences, undefined);
  });
});
