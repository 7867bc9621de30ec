import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { useSimulator } from '../../helpers/sim.js';

const PODS = RESOURCES.find((r) => r.plural === 'pods' && r.group === '')!;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

function pod(name: string, ns: string, labels: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  });
}

describe('kubectl reads against the simulator', () => {
  const f = useSimulator({ controllers: false });

  it('lists namespaces and nodes as tables', async () => {
    const ns = await f.kubectl.run(['get', 'ns']);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE/m);
    assert.match(ns.stdout, /^default\s+Active/m);
    assert.match(ns.stdout, /^kube-system\s+Active/m);
    const nodes = await f.kubectl.run(['get', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^sim-node-1\s+Ready/m);
  });

  it('shows pod STATUS, READY and RESTARTS the way kube-apiserver computes them, with -o wide columns', async () => {
    let r = await f.kubectl.run(['apply', '-f', '-'], {
      stdin: pod('crashy', 'default', { app: 'crashy', tier: 'back' }),
    });
    assert.equal(r.code, 0, r.stderr);
    f.sim.store.modify(
      PODS,
      'default',
      'crashy',
      (p: KubeObject) => {
        p.spec = { ...(p.spec as object), nodeName: 'sim-node-2' };
      },
      {
        subresource: 'binding',
      },
    );
    f.sim.store.modify(
      PODS,
      'default',
      'crashy',
      (p: KubeObject) => {
        p.status = {
          phase: 'Running',
          podIP: '10.244.2.7',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 4,
              image: 'nginx:1.27',
              imageID: '',
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date().toISOString() } },
            },
          ],
        };
      },
      { subresource: 'status' },
    );
    r = await f.kubectl.run(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/m);
    assert.match(r.stdout, /^crashy\s+0\/1\s+CrashLoopBackOff\s+4 \(/m);
    r = await f.kubectl.run(['get', 'pods', '-o', 'wide']);
    assert.match(r.stdout, /IP\s+NODE/);
    assert.match(r.stdout, /10\.244\.2\.7\s+sim-node-2/);
  });

  it('serves -o json, -o yaml, jsonpath with filters, label and field selectors, and -A', async () => {
    await f.kubectl.run(['create', '-f', '-'], { stdin: pod('front-1', 'default', { app: 'front', tier: 'web' }) });
    const other = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    assert.equal((await f.kubectl.run(['apply', '-f', '-'], { stdin: other })).code, 0);
    await f.kubectl.run(['apply', '-f', '-'], { stdin: pod('front-2', 'team-b', { app: 'front', tier: 'web' }) });

    const json = await f.kubectl.run(['get', 'pod', 'front-1', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as KubeObject;
    assert.equal(parsed.metadata.name, 'front-1');
    assert.ok(parsed.metadata.uid);
    const yaml = await f.kubectl.run(['get', 'pod', 'front-1', '-o', 'yaml']);
    assert.match(yaml.stdout, /^kind: Pod$/m);
    assert.match(yaml.stdout, /image: nginx:1\.27/);

    const jp = await f.kubectl.run([
      'get',
      'pods',
      '-o',
      'jsonpath={.items[?(@.metadata.labels.tier=="web")].metadata.name}',
    ]);
    assert.equal(jp.stdout.trim(), 'front-1');
    const sel = await f.kubectl.run(['get', 'pods', '-l', 'app=front,tier in (web,api)', '-o', 'name']);
    assert.equal(sel.stdout.trim(), 'pod/front-1');
    const notSel = await f.kubectl.run(['get', 'pods', '-l', 'app!=front', '-o', 'name']);
    assert.equal(notSel.stdout.trim(), 'pod/crashy');
    const field = await f.kubectl.run(['get', 'pods', '--field-selector', 'status.phase=Running', '-o', 'name']);
    assert.equal(field.stdout.trim(), 'pod/crashy');
    const all = await f.kubectl.run(['get', 'pods', '-A', '-l', 'app=front']);
    assert.match(all.stdout, /^NAMESPACE\s+NAME/m);
    assert.match(all.stdout, /^default\s+front-1/m);
    assert.match(all.stdout, /^team-b\s+front-2/m);
  });

  it('pages long lists with limit/continue', async () => {
    for (let i = 0; i < 7; i++)
      await f.kubectl.run(['apply', '-f', '-'], { stdin: pod(`page-${i}`, 'team-b', { page: 'yes' }) });
    const r = await f.kubectl.run(['get', 'pods', '-n', 'team-b', '-l', 'page=yes', '--chunk-size', '3', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout.trim().split('\n'),
      Array.from({ length: 7 }, (_, i) => `pod/page-${i}`),
    );
  });

  it('describes a pod with its events attributed by uid, and a deployment', async () => {
    const events = RESOURCES.find((r) => r.plural === 'events' && r.group === '')!;
    const crashy = f.sim.store.get(PODS, 'default', 'crashy')!;
    const mk = (name: string, uid: string, message: string) =>
      f.sim.store.create(events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'default' },
        involvedObject: { kind: 'Pod', namespace: 'default', name: 'crashy', uid },
        reason: 'BackOff',
        message,
        type: 'Warning',
        count: 3,
        source: { component: 'kubelet' },
        firstTimestamp: new Date().toISOString(),
        lastTimestamp: new Date().toISOString(),
      } as unknown as KubeObject);
    mk('crashy.1', crashy.metadata.uid!, 'Back-off restarting failed container app');
    mk('crashy.2', 'some-other-uid', 'belongs to an older pod with the same name');
    const r = await f.kubectl.run(['describe', 'pod', 'crashy']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Name:\s+crashy/);
    assert.match(r.stdout, /Back-off restarting failed container app/);
    assert.doesNotMatch(r.stdout, /older pod with the same name/);

    assert.equal((await f.kubectl.run(['apply', '-f', '-'], { stdin: DEPLOY })).code, 0);
    const d = await f.kubectl.run(['describe', 'deployment', 'web']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /Selector:\s+app=web/);
    assert.match(d.stdout, /Image:\s+nginx:1\.27/);
  });

  it('lists api-resources from discovery, with short names and subresources usable', async () => {
    const r = await f.kubectl.run(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m);
    assert.match(r.stdout, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2/m);
    const short = await f.kubectl.run(['get', 'deploy', '-o', 'name']);
    assert.equal(short.stdout.trim(), 'deployment.apps/web');
  });
});
