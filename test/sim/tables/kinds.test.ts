import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES, type ResourceInfo } from '../../../src/sim/resources.js';
import { tableColumns, tableRow } from '../../../src/sim/tables/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const CREATED = ago(2 * 86400 + 3 * 3600);

function res(group: string, plural: string): ResourceInfo {
  return RESOURCES.find((r) => r.group === group && r.plural === plural) ?? assert.fail(`${group}/${plural}`);
}

function obj(
  r: ResourceInfo,
  name: string,
  body: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
    kind: r.kind,
    metadata: { name, creationTimestamp: CREATED, ...(r.namespaced ? { namespace: 'default' } : {}), ...meta },
    ...body,
  };
}

/** Column names with their priority marked, e.g. "Containers*" for a wide column. */
function headers(r: ResourceInfo): string[] {
  return tableColumns(r).map((c) => (c.priority === 1 ? `${c.name}*` : c.name));
}

function cells(r: ResourceInfo, o: KubeObject): unknown[] {
  return tableRow(r, o, NOW, 'None').cells;
}

const podTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.27' },
      { name: 'log', image: 'fluent-bit:3' },
    ],
  },
};

describe('workload tables', () => {
  it('deployments', () => {
    const r = res('apps', 'deployments');
    assert.deepEqual(headers(r), [
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const d = obj(r, 'web', {
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    assert.deepEqual(cells(r, d), ['web', '2/3', 3, 2, '2d3h', 'app,log', 'nginx:1.27,fluent-bit:3', 'app=web']);
  });

  it('replicasets', () => {
    const r = res('apps', 'replicasets');
    assert.deepEqual(headers(r), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
    const rs = obj(r, 'web-7d9f', {
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9f' } },
        template: podTemplate,
      },
      status: { replicas: 3, readyReplicas: 1 },
    });
    assert.deepEqual(cells(r, rs), [
      'web-7d9f',
      3,
      3,
      1,
      '2d3h',
      'app,log',
      'nginx:1.27,fluent-bit:3',
      'app=web,pod-template-hash=7d9f',
    ]);
  });

  it('statefulsets', () => {
    const r = res('apps', 'statefulsets');
    assert.deepEqual(headers(r), ['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
    const sts = obj(r, 'db', { spec: { replicas: 3, template: podTemplate }, status: { readyReplicas: 3 } });
    assert.deepEqual(cells(r, sts), ['db', '3/3', '2d3h', 'app,log', 'nginx:1.27,fluent-bit:3']);
  });

  it('daemonsets', () => {
    const r = res('apps', 'daemonsets');
    assert.deepEqual(headers(r), [
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const ds = obj(r, 'agent', {
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { ...podTemplate, spec: { ...podTemplate.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    });
    assert.deepEqual(cells(r, ds), [
      'agent',
      3,
      3,
      2,
      3,
      2,
      'kubernetes.io/os=linux',
      '2d3h',
      'app,log',
      'nginx:1.27,fluent-bit:3',
      'app=agent',
    ]);
    assert.equal(cells(r, obj(r, 'x', { spec: {} }))[6], '<none>');
  });

  it('jobs: status, completions and duration', () => {
    const r = res('batch', 'jobs');
    assert.deepEqual(headers(r), [
      'Name',
      'Status',
      'Completions',
      'Duration',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const complete = obj(r, 'migrate', {
      spec: {
        completions: 1,
        template: podTemplate,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
      },
      status: {
        succeeded: 1,
        startTime: ago(300),
        completionTime: ago(288),
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    });
    assert.deepEqual(cells(r, complete), [
      'migrate',
      'Complete',
      '1/1',
      '12s',
      '2d3h',
      'app,log',
      'nginx:1.27,fluent-bit:3',
      'batch.kubernetes.io/controller-uid=u1',
    ]);
    const runningJob = obj(r, 'etl', {
      spec: { parallelism: 4, template: podTemplate },
      status: { succeeded: 2, startTime: ago(150) },
    });
    assert.deepEqual(cells(r, runningJob).slice(1, 4), ['Running', '2/1 of 4', '2m30s']);
    const failed = obj(r, 'f', {
      spec: { completions: 3 },
      status: { failed: 7, conditions: [{ type: 'Failed', status: 'True' }] },
    });
    assert.deepEqual(cells(r, failed).slice(1, 4), ['Failed', '0/3', '']);
    const suspended = obj(r, 's', {
      spec: { completions: 1 },
      status: { conditions: [{ type: 'Suspended', status: 'True' }] },
    });
    assert.equal(cells(r, suspended)[1], 'Suspended');
    const deleting = obj(r, 'd', { spec: {}, status: {} }, { deletionTimestamp: ago(1) });
    assert.equal(cells(r, deleting)[1], 'Terminating');
  });

  it('cronjobs', () => {
    const r = res('batch', 'cronjobs');
    assert.deepEqual(headers(r), [
      'Name',
      'Schedule',
      'Timezone',
      'Suspend',
      'Active',
      'Last Schedule',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const cj = obj(r, 'nightly', {
      spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template: podTemplate } } },
      status: { active: [{ name: 'nightly-1' }], lastScheduleTime: ago(45) },
    });
    assert.deepEqual(cells(r, cj), [
      'nightly',
      '0 3 * * *',
      '<none>',
      'False',
      1,
      '45s',
      '2d3h',
      'app,log',
      'nginx:1.27,fluent-bit:3',
      '<none>',
    ]);
    const fresh = obj(r, 'weekly', { spec: { schedule: '@weekly', timeZone: 'Europe/Berlin', suspend: true } });
    assert.deepEqual(cells(r, fresh).slice(1, 6), ['@weekly', 'Europe/Berlin', 'True', 0, '<none>']);
  });

  it('horizontalpodautoscalers', () => {
    const r = res('autoscaling', 'horizontalpodautoscalers');
    assert.deepEqual(headers(r), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const hpa = obj(r, 'web', {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
      },
      status: {
        currentReplicas: 4,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 65 } } }],
      },
    });
    assert.deepEqual(cells(r, hpa), [
      'web',
      'Deployment/web',
      'cpu: 65%/80%, memory: <unknown>/512Mi + 1 more...',
      '2',
      10,
      4,
      '2d3h',
    ]);
    const bare = obj(r, 'x', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3 } });
    assert.deepEqual(cells(r, bare).slice(2, 4), ['<none>', '<unset>']);
  });

  it('poddisruptionbudgets', () => {
    const r = res('policy', 'poddisruptionbudgets');
    assert.deepEqual(headers(r), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    assert.deepEqual(cells(r, obj(r, 'web', { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } })), [
      'web',
      '50%',
      'N/A',
      1,
      '2d3h',
    ]);
  });
});

describe('core tables', () => {
  it('services of each type', () => {
    const r = res('', 'services');
    assert.deepEqual(headers(r), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
    const clusterIP = obj(r, 'web', {
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.12.7',
        clusterIPs: ['10.96.12.7'],
        selector: { app: 'web' },
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
    });
    assert.deepEqual(cells(r, clusterIP), [
      'web',
      'ClusterIP',
      '10.96.12.7',
      '<none>',
      '80/TCP,443/TCP',
      '2d3h',
      'app=web',
    ]);
    const nodePort = obj(r, 'np', {
      spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
    });
    assert.deepEqual(cells(r, nodePort).slice(1, 5), ['NodePort', '10.96.0.9', '<none>', '80:30080/TCP']);
    const lb = obj(r, 'lb', {
      spec: {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.0.3'],
        ports: [{ port: 53, nodePort: 31000, protocol: 'UDP' }],
      },
      status: {},
    });
    assert.deepEqual(cells(r, lb).slice(3, 5), ['<pending>', '53:31000/UDP']);
    const lbReady = obj(r, 'lb2', {
      spec: { type: 'LoadBalancer', ports: [] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } },
    });
    assert.deepEqual(cells(r, lbReady).slice(2, 5), ['<none>', '203.0.113.7,lb.example.com', '<none>']);
    const ext = obj(r, 'db', { spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    assert.deepEqual(cells(r, ext).slice(1, 7), [
      'ExternalName',
      '<none>',
      'db.example.com',
      '<none>',
      '2d3h',
      '<none>',
    ]);
  });

  it('nodes: status, roles, version and wide details', () => {
    const r = res('', 'nodes');
    assert.deepEqual(headers(r), [
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
      'Internal-IP*',
      'External-IP*',
      'OS-Image*',
      'Kernel-Version*',
      'Container-Runtime*',
    ]);
    const node = obj(
      r,
      'sim-node-1',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'InternalIP', address: '192.168.1.10' },
            { type: 'Hostname', address: 'sim-node-1' },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.4',
            osImage: 'Ubuntu 24.04 LTS',
            kernelVersion: '6.8.0',
            containerRuntimeVersion: 'containerd://1.7.24',
          },
        },
      },
      { labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '' } },
    );
    assert.deepEqual(cells(r, node), [
      'sim-node-1',
      'Ready,SchedulingDisabled',
      'control-plane,worker',
      '2d3h',
      'v1.32.4',
      '192.168.1.10',
      '<none>',
      'Ubuntu 24.04 LTS',
      '6.8.0',
      'containerd://1.7.24',
    ]);
    const down = obj(
      r,
      'n2',
      { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      { labels: { 'kubernetes.io/role': 'edge' } },
    );
    assert.deepEqual(cells(r, down).slice(1, 3), ['NotReady', 'edge']);
    assert.deepEqual(cells(r, obj(r, 'n3', {})).slice(1, 3), ['Unknown', '<none>']);
    assert.deepEqual(cells(r, obj(r, 'n3', {})).slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });

  it('namespaces', () => {
    const r = res('', 'namespaces');
    assert.deepEqual(headers(r), ['Name', 'Status', 'Age']);
    assert.deepEqual(cells(r, obj(r, 'team-a', { status: { phase: 'Terminating' } })), [
      'team-a',
      'Terminating',
      '2d3h',
    ]);
  });

  it('events (core/v1 and events.k8s.io/v1)', () => {
    const r = res('', 'events');
    assert.deepEqual(headers(r), [
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject*',
      'Source*',
      'Message',
      'First Seen*',
      'Count*',
      'Name*',
    ]);
    const ev = obj(r, 'web-7d9f.17c', {
      involvedObject: { kind: 'Pod', name: 'web-7d9f', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-7d9f\n',
      type: 'Warning',
      source: { component: 'kubelet', host: 'sim-node-1' },
      firstTimestamp: ago(600),
      lastTimestamp: ago(20),
      count: 12,
    });
    assert.deepEqual(cells(r, ev), [
      '20s',
      'Warning',
      'BackOff',
      'pod/web-7d9f',
      'spec.containers{app}',
      'kubelet, sim-node-1',
      'Back-off restarting failed container app in pod web-7d9f',
      '10m',
      12,
      'web-7d9f.17c',
    ]);
    const singleton = obj(r, 'e2', {
      involvedObject: { kind: 'Node' },
      reason: 'Starting',
      type: 'Normal',
      eventTime: ago(30),
      reportingComponent: 'kube-proxy',
    });
    assert.deepEqual(cells(r, singleton).slice(0, 9), [
      '30s',
      'Normal',
      'Starting',
      'node',
      '',
      'kube-proxy',
      '',
      '30s',
      1,
    ]);
    const er = res('events.k8s.io', 'events');
    const newApi = obj(er, 'e3', {
      regarding: { kind: 'Deployment', name: 'web' },
      reason: 'ScalingReplicaSet',
      note: 'Scaled up replica set web-7d9f to 3',
      type: 'Normal',
      eventTime: ago(400),
      series: { count: 4, lastObservedTime: ago(5) },
      reportingController: 'deployment-controller',
    });
    assert.deepEqual(cells(er, newApi).slice(0, 9), [
      '5s',
      'Normal',
      'ScalingReplicaSet',
      'deployment/web',
      '',
      'deployment-controller',
      'Scaled up replica set web-7d9f to 3',
      '6m40s',
      4,
    ]);
  });

  it('configmaps, secrets and serviceaccounts count their entries', () => {
    const cm = res('', 'configmaps');
    assert.deepEqual(headers(cm), ['Name', 'Data', 'Age']);
    assert.deepEqual(cells(cm, obj(cm, 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })), [
      'cfg',
      3,
      '2d3h',
    ]);
    const s = res('', 'secrets');
    assert.deepEqual(headers(s), ['Name', 'Type', 'Data', 'Age']);
    assert.deepEqual(cells(s, obj(s, 'tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } })), [
      'tls',
      'kubernetes.io/tls',
      2,
      '2d3h',
    ]);
    const sa = res('', 'serviceaccounts');
    assert.deepEqual(headers(sa), ['Name', 'Secrets', 'Age']);
    assert.deepEqual(cells(sa, obj(sa, 'default', {})), ['default', 0, '2d3h']);
  });

  it('endpoints list up to three addresses', () => {
    const r = res('', 'endpoints');
    assert.deepEqual(headers(r), ['Name', 'Endpoints', 'Age']);
    const ep = obj(r, 'web', {
      subsets: [
        { addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })), ports: [{ port: 8080 }] },
      ],
    });
    assert.deepEqual(cells(r, ep), ['web', '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...', '2d3h']);
    assert.equal(cells(r, obj(r, 'none', {}))[1], '<none>');
  });

  it('resourcequotas split requests and limits', () => {
    const r = res('', 'resourcequotas');
    assert.deepEqual(headers(r), ['Name', 'Age', 'Request', 'Limit']);
    const q = obj(r, 'team', {
      status: {
        hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'requests.memory': '4096Mi' },
        used: { pods: '3', 'requests.cpu': '1500m', 'limits.memory': '2Gi' },
      },
    });
    assert.deepEqual(cells(r, q), [
      'team',
      '2d3h',
      'pods: 3/10, requests.cpu: 1500m/4, requests.memory: 0/4Gi',
      'limits.memory: 2Gi/8Gi',
    ]);
  });
});

describe('storage, networking and other tables', () => {
  it('persistentvolumeclaims: capacity and modes only once bound', () => {
    const r = res('', 'persistentvolumeclaims');
    assert.deepEqual(headers(r), [
      'Name',
      'Status',
      'Volume',
      'Capacity',
      'Access Modes',
      'StorageClass',
      'VolumeAttributesClass',
      'Age',
      'VolumeMode*',
    ]);
    const bound = obj(r, 'data', {
      spec: {
        volumeName: 'pv-7',
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        resources: { requests: { storage: '10Gi' } },
      },
      status: { phase: 'Bound', capacity: { storage: '10240Mi' }, accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'] },
    });
    assert.deepEqual(cells(r, bound), [
      'data',
      'Bound',
      'pv-7',
      '10Gi',
      'RWO,RWOP',
      'standard',
      '<unset>',
      '2d3h',
      'Filesystem',
    ]);
    const pending = obj(
      r,
      'wait',
      { spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
      { annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } },
    );
    assert.deepEqual(cells(r, pending), ['wait', 'Pending', '', '', '', 'old', '<unset>', '2d3h', '<unset>']);
  });

  it('persistentvolumes', () => {
    const r = res('', 'persistentvolumes');
    assert.deepEqual(headers(r), [
      'Name',
      'Capacity',
      'Access Modes',
      'Reclaim Policy',
      'Status',
      'Claim',
      'StorageClass',
      'VolumeAttributesClass',
      'Reason',
      'Age',
      'VolumeMode*',
    ]);
    const pv = obj(r, 'pv-7', {
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadOnlyMany'],
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    });
    assert.deepEqual(cells(r, pv), [
      'pv-7',
      '10Gi',
      'ROX,RWX',
      'Delete',
      'Bound',
      'default/data',
      'standard',
      '<unset>',
      '',
      '2d3h',
      'Filesystem',
    ]);
  });

  it('storageclasses mark the default class', () => {
    const r = res('storage.k8s.io', 'storageclasses');
    assert.deepEqual(headers(r), [
      'Name',
      'Provisioner',
      'ReclaimPolicy',
      'VolumeBindingMode',
      'AllowVolumeExpansion',
      'Age',
    ]);
    const sc = obj(
      r,
      'standard',
      { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
      { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    );
    assert.deepEqual(cells(r, sc), [
      'standard (default)',
      'rancher.io/local-path',
      'Delete',
      'WaitForFirstConsumer',
      false,
      '2d3h',
    ]);
  });

  it('ingresses and ingressclasses', () => {
    const r = res('networking.k8s.io', 'ingresses');
    assert.deepEqual(headers(r), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    const ing = obj(r, 'web', {
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['a.example.com'] }],
        rules: [
          { host: 'a.example.com' },
          {},
          { host: 'b.example.com' },
          { host: 'c.example.com' },
          { host: 'd.example.com' },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
    });
    assert.deepEqual(cells(r, ing), [
      'web',
      'nginx',
      'a.example.com,b.example.com,c.example.com + 2 more...',
      '203.0.113.9',
      '80, 443',
      '2d3h',
    ]);
    assert.deepEqual(cells(r, obj(r, 'any', { spec: { rules: [{}] } })).slice(1, 5), ['<none>', '*', '', '80']);
    const ic = res('networking.k8s.io', 'ingressclasses');
    assert.deepEqual(headers(ic), ['Name', 'Controller', 'Parameters', 'Age']);
    const withParams = obj(ic, 'nginx', {
      spec: {
        controller: 'k8s.io/ingress-nginx',
        parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' },
      },
    });
    assert.deepEqual(cells(ic, withParams), [
      'nginx',
      'k8s.io/ingress-nginx',
      'IngressParameters.k8s.example.com/p',
      '2d3h',
    ]);
  });

  it('networkpolicies, endpointslices, rolebindings, leases and webhooks', () => {
    const np = res('networking.k8s.io', 'networkpolicies');
    assert.deepEqual(cells(np, obj(np, 'deny', { spec: { podSelector: {} } })), ['deny', '<none>', '2d3h']);
    const es = res('discovery.k8s.io', 'endpointslices');
    assert.deepEqual(headers(es), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    const slice = obj(es, 'web-abc', {
      addressType: 'IPv4',
      ports: [{ port: 8080 }, { name: 'metrics' }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
    });
    assert.deepEqual(cells(es, slice), ['web-abc', 'IPv4', '8080,metrics', '10.0.0.1,10.0.0.2', '2d3h']);
    assert.deepEqual(cells(es, obj(es, 'empty', { addressType: 'IPv4' })).slice(2, 4), ['<unset>', '<unset>']);
    const rb = res('rbac.authorization.k8s.io', 'rolebindings');
    assert.deepEqual(headers(rb), ['Name', 'Role', 'Age', 'Users*', 'Groups*', 'ServiceAccounts*']);
    const binding = obj(rb, 'view', {
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', namespace: 'ci', name: 'runner' },
      ],
    });
    assert.deepEqual(cells(rb, binding), ['view', 'ClusterRole/view', '2d3h', 'alice, bob', 'devs', 'ci/runner']);
    const lease = res('coordination.k8s.io', 'leases');
    assert.deepEqual(cells(lease, obj(lease, 'sim-node-1', { spec: { holderIdentity: 'sim-node-1' } })), [
      'sim-node-1',
      'sim-node-1',
      '2d3h',
    ]);
    const hook = res('admissionregistration.k8s.io', 'validatingwebhookconfigurations');
    assert.deepEqual(cells(hook, obj(hook, 'policy', { webhooks: [{ name: 'a' }, { name: 'b' }] })), [
      'policy',
      2,
      '2d3h',
    ]);
  });

  it('built-in kinds without a printer get Name and Created At', () => {
    const role = res('rbac.authorization.k8s.io', 'roles');
    assert.deepEqual(
      tableColumns(role).map((c) => [c.name, c.type]),
      [
        ['Name', 'string'],
        ['Created At', 'date'],
      ],
    );
    assert.deepEqual(cells(role, obj(role, 'reader', {}, { creationTimestamp: '2024-04-29T08:00:00.123Z' })), [
      'reader',
      '2024-04-29T08:00:00Z',
    ]);
    assert.deepEqual(cells(role, obj(role, 'new', {}, { creationTimestamp: undefined })), [
      'new',
      '0001-01-01T00:00:00Z',
    ]);
  });

  it('any other resource gets the CRD default: Name and an Age date column', () => {
    const crd: ResourceInfo = {
      ...res('apps', 'deployments'),
      group: 'example.com',
      plural: 'widgets',
      kind: 'Widget',
      singular: 'widget',
    };
    assert.deepEqual(
      tableColumns(crd).map((c) => [c.name, c.type]),
      [
        ['Name', 'string'],
        ['Age', 'date'],
      ],
    );
    assert.deepEqual(cells(crd, obj(crd, 'w1', {})), ['w1', '2d3h']);
  });
});
