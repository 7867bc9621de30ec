// The real kubectl renders our Tables: a minimal discovery-only server serves toTable() output, so this
// checks the envelope and cell types kubectl accepts without depending on the rest of the simulator.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSimKubeconfig } from '../../../src/sim/kubeconfig.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES, type ResourceInfo } from '../../../src/sim/resources.js';
import { toTable } from '../../../src/sim/tables/index.js';
import { type Kubectl, kubectlFor } from '../../helpers/kubectl.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const res = (group: string, plural: string): ResourceInfo =>
  RESOURCES.find((r) => r.group === group && r.plural === plural) ?? assert.fail(plural);

// Built per request so ages are exact whatever kubectl's start-up time.
const pods = (): KubeObject[] => [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(300) },
    spec: { nodeName: 'sim-node-1', containers: [{ name: 'app', image: 'nginx' }] },
    status: {
      phase: 'Running',
      podIP: '10.244.0.7',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(290) } } }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'crash-2', namespace: 'default', creationTimestamp: ago(300) },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(20) } },
        },
      ],
    },
  },
];

const deployments = (): KubeObject[] => [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(7200) },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    },
    status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
  },
];

function resourceList(groupVersion: string, rs: ResourceInfo[]): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: rs.map((r) => ({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'list'],
      shortNames: r.shortNames,
    })),
  };
}

const ROUTES: Record<string, () => object> = {
  '/version': () => ({ major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' }),
  '/api': () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }),
  '/apis': () => ({
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      },
    ],
  }),
  '/api/v1': () => resourceList('v1', [res('', 'pods')]),
  '/apis/apps/v1': () => resourceList('apps/v1', [res('apps', 'deployments')]),
};

const LISTS: Record<string, [ResourceInfo, () => KubeObject[]]> = {
  '/api/v1/namespaces/default/pods': [res('', 'pods'), pods],
  '/apis/apps/v1/namespaces/default/deployments': [res('apps', 'deployments'), deployments],
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const route = ROUTES[path];
  const list = LISTS[path];
  let status = 200;
  let type = 'application/json';
  let body: object;
  if (route) body = route();
  else if (list && (req.headers.accept ?? '').includes('as=Table')) {
    type = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    body = toTable(list[0], list[1](), { resourceVersion: '7' }, new Date());
  } else {
    status = 404;
    body = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' };
  }
  res.writeHead(status, { 'Content-Type': type });
  res.end(JSON.stringify(body));
}

describe('kubectl renders the tables', () => {
  let server: Server;
  let dir: string;
  let kubectl: Kubectl;

  before(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'kubemend-tables-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeSimKubeconfig(kubeconfig, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    kubectl = kubectlFor(kubeconfig);
  });

  after(async () => {
    kubectl.cleanup();
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('get pods shows READY, STATUS and RESTARTS computed by the server', async () => {
    const r = await kubectl.run(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows, [
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['web-1', '1/1', 'Running', '0', '5m'],
      ['crash-2', '0/1', 'CrashLoopBackOff', '4 (20s ago)', '5m'],
    ]);
  });

  it('get pods -o wide adds the priority-1 columns', async () => {
    const r = await kubectl.run(['get', 'pods', '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], [
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    assert.deepEqual(rows[1], ['web-1', '1/1', 'Running', '0', '5m', '10.244.0.7', 'sim-node-1', '<none>', '<none>']);
  });

  it('get deployments prints integer cells', async () => {
    const r = await kubectl.run(['get', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows, [
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['web', '1/2', '2', '1', '120m'],
    ]);
  });
});
