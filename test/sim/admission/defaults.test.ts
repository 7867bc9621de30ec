import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultObject } from '../../../src/sim/admission/index.js';
import { defaultPullPolicy } from '../../../src/sim/admission/pod-defaults.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { container, deployment, kindOf, pod, podWith, workload } from './helpers.js';

function defaulted(obj: KubeObject): Record<string, unknown> {
  return defaultObject(kindOf(obj), obj) as unknown as Record<string, unknown>;
}

/** Reads a dotted path ("spec.containers.0.image") from a defaulted object. */
function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[k];
  return cur;
}

const TEMPLATE_CONTAINER = {
  name: 'app',
  image: 'nginx:1.27',
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const TEMPLATE_SPEC = {
  containers: [TEMPLATE_CONTAINER],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

describe('Pod defaults', () => {
  it('fills what a real cluster shows for a minimal pod', () => {
    const p = defaulted(podWith({}));
    assert.deepEqual(p.spec, {
      ...TEMPLATE_SPEC,
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('returns a clone and is idempotent', () => {
    const input = podWith({ ports: [{ containerPort: 80 }] });
    const before = structuredClone(input);
    const once = defaultObject(kindOf(input), input);
    assert.deepEqual(input, before);
    assert.deepEqual(defaultObject(kindOf(once), once), once);
  });

  it('picks imagePullPolicy from the tag the way the kubelet reads it', () => {
    const table: [string, string][] = [
      ['nginx', 'Always'],
      ['nginx:latest', 'Always'],
      ['nginx:1.27', 'IfNotPresent'],
      ['registry.local:5000/team/app', 'Always'],
      ['registry.local:5000/team/app:v2', 'IfNotPresent'],
      ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
      ['nginx:latest@sha256:0123456789abcdef', 'Always'],
      ['Nginx', 'IfNotPresent'],
      ['', 'IfNotPresent'],
    ];
    for (const [image, want] of table) assert.equal(defaultPullPolicy(image), want, image);
    assert.equal(at(defaulted(podWith({ image: 'busybox' })), 'spec.containers.0.imagePullPolicy'), 'Always');
    assert.equal(at(defaulted(podWith({ imagePullPolicy: 'Never' })), 'spec.containers.0.imagePullPolicy'), 'Never');
  });

  it('defaults ports, probes, env field refs and volume modes', () => {
    const p = defaulted(
      pod({
        containers: [
          container({
            ports: [{ containerPort: 8080 }],
            livenessProbe: { httpGet: { port: 8080 } },
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          }),
        ],
        volumes: [
          { name: 'cfg', configMap: { name: 'app' } },
          { name: 'scratch' },
          { name: 'host', hostPath: { path: '/var/log' } },
        ],
      }),
    );
    assert.equal(at(p, 'spec.containers.0.ports.0.protocol'), 'TCP');
    assert.deepEqual(at(p, 'spec.containers.0.livenessProbe'), {
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.equal(at(p, 'spec.containers.0.readinessProbe.periodSeconds'), 5);
    assert.equal(at(p, 'spec.containers.0.env.0.valueFrom.fieldRef.apiVersion'), 'v1');
    assert.deepEqual(at(p, 'spec.volumes'), [
      { name: 'cfg', configMap: { name: 'app', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
    ]);
  });

  it('copies limits into missing requests, canonicalizes quantities and sets the QoS class', () => {
    const guaranteed = defaulted(podWith({ resources: { limits: { cpu: '0.5', memory: '1024Mi' } } }));
    assert.deepEqual(at(guaranteed, 'spec.containers.0.resources'), {
      limits: { cpu: '500m', memory: '1Gi' },
      requests: { cpu: '500m', memory: '1Gi' },
    });
    assert.equal(at(guaranteed, 'status.qosClass'), 'Guaranteed');
    const burstable = defaulted(podWith({ resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } }));
    assert.equal(at(burstable, 'status.qosClass'), 'Burstable');
  });

  it('keeps user tolerations and adds only the missing defaults', () => {
    const p = defaulted(
      pod({
        containers: [container()],
        tolerations: [
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
        ],
      }),
    );
    assert.deepEqual(at(p, 'spec.tolerations'), [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const all = defaulted(pod({ containers: [container()], tolerations: [{ operator: 'Exists' }] }));
    assert.deepEqual(at(all, 'spec.tolerations'), [{ operator: 'Exists' }]);
  });

  it('gives critical priority classes their priority and keeps an explicit service account', () => {
    const p = defaulted(
      pod({ containers: [container()], priorityClassName: 'system-cluster-critical', serviceAccountName: 'builder' }),
    );
    assert.equal(at(p, 'spec.priority'), 2000000000);
    assert.equal(at(p, 'spec.serviceAccountName'), 'builder');
    assert.equal(at(p, 'spec.serviceAccount'), 'builder');
  });

  it('leaves an existing status alone', () => {
    const p = defaulted({ ...podWith({}), status: { phase: 'Running', podIP: '10.0.0.5' } });
    assert.deepEqual(p.status, { phase: 'Running', podIP: '10.0.0.5' });
  });
});

describe('workload defaults', () => {
  it('Deployment: replicas, strategy, history, deadline and template', () => {
    const d = defaulted(deployment());
    assert.deepEqual(d.spec, {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: TEMPLATE_SPEC },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('Deployment: keeps explicit zero replicas and adds no rollingUpdate to Recreate', () => {
    const d = defaulted(deployment({ replicas: 0, strategy: { type: 'Recreate' } }));
    assert.equal(at(d, 'spec.replicas'), 0);
    assert.deepEqual(at(d, 'spec.strategy'), { type: 'Recreate' });
  });

  it('ReplicaSet: one replica and template defaults', () => {
    const rs = defaulted(workload('apps/v1', 'ReplicaSet'));
    assert.equal(at(rs, 'spec.replicas'), 1);
    assert.deepEqual(at(rs, 'spec.template.spec'), TEMPLATE_SPEC);
  });

  it('StatefulSet: ordered pods, partitioned rolling update, retained claims', () => {
    const sts = defaulted(
      workload('apps/v1', 'StatefulSet', {
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1024Mi' } } } },
        ],
      }),
    );
    assert.equal(at(sts, 'spec.podManagementPolicy'), 'OrderedReady');
    assert.deepEqual(at(sts, 'spec.updateStrategy'), { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(at(sts, 'spec.persistentVolumeClaimRetentionPolicy'), {
      whenDeleted: 'Retain',
      whenScaled: 'Retain',
    });
    assert.equal(at(sts, 'spec.replicas'), 1);
    assert.equal(at(sts, 'spec.revisionHistoryLimit'), 10);
    assert.equal(at(sts, 'spec.serviceName'), '');
    assert.deepEqual(at(sts, 'spec.volumeClaimTemplates.0.spec'), {
      resources: { requests: { storage: '1Gi' } },
      volumeMode: 'Filesystem',
    });
  });

  it('DaemonSet: rolling update one node at a time', () => {
    const ds = defaulted(workload('apps/v1', 'DaemonSet'));
    assert.deepEqual(at(ds, 'spec.updateStrategy'), {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    assert.equal(at(ds, 'spec.revisionHistoryLimit'), 10);
  });

  it('Job: backoff, completions, mode, suspend and replacement policy', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'default' },
      spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } } },
    };
    const j = defaulted(job);
    assert.equal(at(j, 'spec.backoffLimit'), 6);
    assert.equal(at(j, 'spec.completions'), 1);
    assert.equal(at(j, 'spec.parallelism'), 1);
    assert.equal(at(j, 'spec.completionMode'), 'NonIndexed');
    assert.equal(at(j, 'spec.suspend'), false);
    assert.equal(at(j, 'spec.podReplacementPolicy'), 'TerminatingOrFailed');
    assert.equal(at(j, 'spec.selector'), undefined);
    const parallel = defaulted({ ...job, spec: { ...(job.spec as object), parallelism: 3 } });
    assert.equal(at(parallel, 'spec.completions'), undefined);
  });

  it('Job: generates the controller-uid selector and labels once it has a uid', () => {
    const uid = '0f3e1f5e-8d4a-4c3b-9a71-2b6c5d4e3f21';
    const j = defaulted({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'default', uid },
      spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } } },
    });
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'migrate',
      'controller-uid': uid,
      'job-name': 'migrate',
    };
    assert.deepEqual(at(j, 'spec.selector'), { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(at(j, 'spec.template.metadata.labels'), labels);
    assert.deepEqual(at(j, 'metadata.labels'), labels);
  });

  it('CronJob: concurrency, suspend, history limits and the pod template only', () => {
    const cj = defaulted({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {
        schedule: '@daily',
        jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } },
      },
    });
    assert.equal(at(cj, 'spec.concurrencyPolicy'), 'Allow');
    assert.equal(at(cj, 'spec.suspend'), false);
    assert.equal(at(cj, 'spec.successfulJobsHistoryLimit'), 3);
    assert.equal(at(cj, 'spec.failedJobsHistoryLimit'), 1);
    assert.equal(at(cj, 'spec.jobTemplate.spec.template.spec.dnsPolicy'), 'ClusterFirst');
    assert.equal(at(cj, 'spec.jobTemplate.spec.backoffLimit'), undefined);
  });

  it('HorizontalPodAutoscaler: one minimum replica and an 80% CPU target', () => {
    const hpa = defaulted({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    });
    assert.equal(at(hpa, 'spec.minReplicas'), 1);
    assert.deepEqual(at(hpa, 'spec.metrics'), [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
  });
});

describe('core and cluster defaults', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec,
  });

  it('Service: ClusterIP, no affinity, TCP ports targeting themselves', () => {
    assert.deepEqual(
      defaulted(
        svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }] }),
      ).spec,
      {
        selector: { app: 'web' },
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 80 },
          { port: 443, targetPort: 'https', protocol: 'TCP' },
        ],
        sessionAffinity: 'None',
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
    );
  });

  it('Service: external traffic policy, load balancer node ports and ClientIP timeout', () => {
    const lb = defaulted(svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }));
    assert.equal(at(lb, 'spec.externalTrafficPolicy'), 'Cluster');
    assert.equal(at(lb, 'spec.allocateLoadBalancerNodePorts'), true);
    assert.equal(at(lb, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds'), 10800);
    assert.equal(
      at(defaulted(svc({ type: 'ExternalName', externalName: 'x.example.com' })), 'spec.internalTrafficPolicy'),
      undefined,
    );
  });

  it('PersistentVolumeClaim and PersistentVolume: Filesystem, Pending, Retain', () => {
    const pvc = defaulted({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10240Mi' } } },
    });
    assert.equal(at(pvc, 'spec.volumeMode'), 'Filesystem');
    assert.equal(at(pvc, 'spec.resources.requests.storage'), '10Gi');
    assert.deepEqual(pvc.status, { phase: 'Pending' });
    const pv = defaulted({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv1' },
      spec: { capacity: { storage: '5Gi' }, hostPath: { path: '/d' } },
    });
    assert.equal(at(pv, 'spec.persistentVolumeReclaimPolicy'), 'Retain');
    assert.equal(at(pv, 'spec.volumeMode'), 'Filesystem');
    assert.deepEqual(pv.status, { phase: 'Pending' });
  });

  it('Secret: Opaque, with stringData merged into data as base64', () => {
    const s = defaulted({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { a: 'YQ==', b: 'Yg==' },
      stringData: { b: 'β', c: 'see' },
    });
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { a: 'YQ==', b: Buffer.from('β').toString('base64'), c: 'c2Vl' });
    assert.equal(s.stringData, undefined);
  });

  it('Namespace: name label, kubernetes finalizer and Active phase', () => {
    const ns = defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' } } });
    assert.deepEqual(at(ns, 'metadata.labels'), { env: 'dev', 'kubernetes.io/metadata.name': 'team-a' });
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(ns.status, { phase: 'Active' });
  });

  it('StorageClass, NetworkPolicy, RoleBinding, Endpoints and Node', () => {
    const sc = defaulted({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'std' },
      provisioner: 'sim',
    });
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'Immediate');
    const np = defaulted({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'default' },
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] },
    });
    assert.deepEqual(at(np, 'spec.policyTypes'), ['Ingress', 'Egress']);
    assert.equal(at(np, 'spec.egress.0.ports.0.protocol'), 'TCP');
    const rb = defaulted({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'default' },
      roleRef: { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
      ],
    });
    assert.deepEqual(rb.subjects, [
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
    ]);
    const ep = defaulted({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }],
    });
    assert.equal(at(ep, 'subsets.0.ports.0.protocol'), 'TCP');
    const node = defaulted({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: { capacity: { cpu: '4', memory: '8Gi' } },
    });
    assert.deepEqual(at(node, 'status.allocatable'), { cpu: '4', memory: '8Gi' });
  });

  it('leaves kinds without defaults untouched', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      data: { a: '1' },
    };
    assert.deepEqual(defaulted(cm), cm);
  });
});
