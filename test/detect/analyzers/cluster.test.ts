import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configReferencesAnalyzer } from '../../../src/detect/analyzers/config-references.js';
import { hpaAnalyzer } from '../../../src/detect/analyzers/hpa.js';
import { nodeAnalyzer } from '../../../src/detect/analyzers/node.js';
import { pdbAnalyzer } from '../../../src/detect/analyzers/pdb.js';
import { resourceQuotaAnalyzer } from '../../../src/detect/analyzers/resource-quota.js';
import { mutatingWebhookAnalyzer, validatingWebhookAnalyzer } from '../../../src/detect/analyzers/webhook.js';
import {
  ago,
  container,
  DAY,
  deployment,
  deploymentWithPods,
  event,
  findings,
  MIN,
  only,
  pod,
  replicaSet,
  runningStatus,
  service,
  uid,
} from '../fixtures/index.js';

function node(name: string, conditions: Record<string, [string, string?, string?, string?]>) {
  const types = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: uid(`node/${name}`), labels: { 'kubernetes.io/hostname': name } },
    spec: { podCIDR: '10.244.1.0/24' },
    status: {
      conditions: types.map((type) => {
        const [status, reason, message, since] = conditions[type] ?? [type === 'Ready' ? 'True' : 'False'];
        return {
          type,
          status,
          lastHeartbeatTime: ago(MIN),
          lastTransitionTime: since ?? ago(DAY),
          ...(reason ? { reason } : {}),
          ...(message ? { message } : {}),
        };
      }),
      nodeInfo: { kubeletVersion: 'v1.32.0' },
    },
  };
}

describe('Node analyzer', () => {
  it('reports a NotReady node with how long and how many pods it strands', async () => {
    const n = node('node-2', {
      Ready: ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', ago(7 * MIN)],
    });
    const pods = [pod('a', { nodeName: 'node-2' }), pod('b', { nodeName: 'node-2' }), pod('c', { nodeName: 'node-1' })];
    const f = only(await findings([n, ...pods], { analyzers: [nodeAnalyzer] }));
    assert.equal(f.failureClass, 'NodeNotReady');
    assert.equal(f.severity, 'critical');
    assert.equal(
      f.summary,
      'node is unreachable (Ready=Unknown) for 7m: Kubelet stopped posting node status.; 2 pod(s) scheduled on it',
    );
  });

  it('reports memory pressure, and nothing for a healthy or cordoned node', async () => {
    const pressured = node('node-3', {
      MemoryPressure: ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
    });
    const cordoned = {
      ...node('node-4', {}),
      spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    };
    const f = only(await findings([pressured, cordoned, node('node-1', {})], { analyzers: [nodeAnalyzer] }));
    assert.equal(f.failureClass, 'NodePressure');
    assert.equal(f.reason, 'MemoryPressure');
  });
});

describe('HPA analyzer', () => {
  function hpa(target: string, o: { conditions?: Record<string, unknown>[]; desired?: number; max?: number } = {}) {
    return {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: target, namespace: 'default', uid: uid(`hpa/${target}`) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
        minReplicas: 2,
        maxReplicas: o.max ?? 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
      },
      status: { currentReplicas: o.desired ?? 2, desiredReplicas: o.desired ?? 2, conditions: o.conditions ?? [] },
    };
  }

  it('reports a missing target and a target without CPU requests', async () => {
    const noRequests = deployment('api', { containers: [container()] });
    const fs = await findings([hpa('ghost'), hpa('api'), noRequests], { analyzers: [hpaAnalyzer] });
    assert.deepEqual(
      fs.map((f) => f.summary),
      [
        'scales on cpu utilization but container(s) app of Deployment "api" set no cpu request',
        'scale target Deployment "ghost" does not exist',
      ],
    );
  });

  it('reports an autoscaler pinned at its maximum, not one resting at its minimum', async () => {
    const web = deployment('web', { containers: [container({ cpuRequest: '100m' })] });
    const atMax = hpa('web', {
      max: 5,
      desired: 5,
      conditions: [
        {
          type: 'ScalingLimited',
          status: 'True',
          reason: 'TooManyReplicas',
          message: 'the desired replica count is more than the maximum replica count',
        },
      ],
    });
    const f = only(await findings([web, atMax], { analyzers: [hpaAnalyzer] }));
    assert.equal(f.failureClass, 'HPAAtMaxReplicas');
    const atMin = hpa('web', {
      conditions: [
        {
          type: 'ScalingLimited',
          status: 'True',
          reason: 'TooFewReplicas',
          message: 'the desired replica count is less than the minimum replica count',
        },
      ],
    });
    assert.deepEqual(await findings([web, atMin], { analyzers: [hpaAnalyzer] }), []);
  });
});

describe('PodDisruptionBudget analyzer', () => {
  function pdb(name: string, spec: Record<string, unknown>, status: Record<string, number>) {
    return {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: 'default', uid: uid(`pdb/${name}`), generation: 1 },
      spec,
      status: { observedGeneration: 1, ...status },
    };
  }

  it('reports a budget that can never allow a disruption and one that selects nothing', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 2 }),
      pdb(
        'web',
        { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
        { expectedPods: 2, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 },
      ),
      pdb(
        'typo',
        { maxUnavailable: 1, selector: { matchLabels: { app: 'wbe' } } },
        { expectedPods: 0, currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0 },
      ),
    ];
    const fs = await findings(objs, { analyzers: [pdbAnalyzer] });
    assert.deepEqual(
      fs.map((f) => [f.object.name, f.reason]),
      [
        ['typo', 'NoPods'],
        ['web', 'ZeroDisruptionsAllowed'],
      ],
    );
  });

  it('reports evictions blocked by unhealthy pods as part of their workload, and is silent when it allows disruptions', async () => {
    const objs = [
      ...deploymentWithPods('web', { replicas: 3 }),
      pdb(
        'web',
        { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
        { expectedPods: 3, currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 },
      ),
      pdb(
        'ok',
        { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
        { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 },
      ),
    ];
    const f = only(await findings(objs, { analyzers: [pdbAnalyzer] }));
    assert.equal(f.failureClass, 'PDBBlocking');
    assert.deepEqual(
      f.partOf?.map((r) => r.name),
      ['web'],
    );
  });
});

describe('Webhook analyzers', () => {
  function webhookConfig(kind: string, svcName: string, failurePolicy?: string) {
    return {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind,
      metadata: { name: `${svcName}-webhook`, uid: uid(`${kind}/${svcName}`) },
      webhooks: [
        {
          name: `validate.${svcName}.example.com`,
          clientConfig: { service: { namespace: 'policy', name: svcName, path: '/validate', port: 443 } },
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          ...(failurePolicy ? { failurePolicy } : {}),
        },
      ],
    };
  }

  it('reports a webhook whose Service is missing, critical when it fails closed', async () => {
    const f = only(
      await findings([webhookConfig('ValidatingWebhookConfiguration', 'gatekeeper')], {
        analyzers: [validatingWebhookAnalyzer],
      }),
    );
    assert.equal(f.failureClass, 'WebhookUnavailable');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /Service policy\/gatekeeper, which does not exist: matching API requests are rejected/);
  });

  it('reports a webhook Service without ready pods, low when it fails open', async () => {
    const objs = [
      webhookConfig('MutatingWebhookConfiguration', 'injector', 'Ignore'),
      service('injector', { ns: 'policy' }),
      ...deploymentWithPods('injector', {
        ns: 'policy',
        replicas: 1,
        podStatus: () => ({ ready: false, statuses: [runningStatus({ ready: false })] }),
      }),
    ];
    const f = only(await findings(objs, { analyzers: [mutatingWebhookAnalyzer] }));
    assert.equal(f.reason, 'NoReadyPods');
    assert.equal(f.severity, 'low');
    const healthy = [
      webhookConfig('MutatingWebhookConfiguration', 'injector'),
      service('injector', { ns: 'policy' }),
      ...deploymentWithPods('injector', { ns: 'policy', replicas: 1 }),
    ];
    assert.deepEqual(await findings(healthy, { analyzers: [mutatingWebhookAnalyzer] }), []);
  });
});

describe('ResourceQuota analyzer', () => {
  function quota(hard: Record<string, string>, used: Record<string, string>) {
    return {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute', namespace: 'default', uid: uid('quota') },
      spec: { hard },
      status: { hard, used },
    };
  }

  it('reports an exhausted quota, high when it is blocking a workload', async () => {
    const d = deployment('web', { replicas: 4 });
    const rs = replicaSet(d);
    const blocked = event(
      rs,
      'FailedCreate',
      'Error creating: pods "web-7d9c5b8f6d-zz" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10',
      {
        component: 'replicaset-controller',
      },
    );
    const q = quota({ pods: '10', 'limits.memory': '4Gi' }, { pods: '10', 'limits.memory': '2560Mi' });
    const f = only(await findings([d, rs, blocked, q], { analyzers: [resourceQuotaAnalyzer] }));
    assert.equal(f.failureClass, 'QuotaExhausted');
    assert.equal(f.severity, 'high');
    assert.equal(f.summary, 'quota used up: pods 10/10; blocking Deployment web');
    assert.deepEqual(
      f.partOf?.map((r) => r.name),
      ['web'],
    );
  });

  it('compares quantities across units and is silent below the limit', async () => {
    assert.equal(
      only(
        await findings([quota({ 'requests.memory': '1Gi' }, { 'requests.memory': '1024Mi' })], {
          analyzers: [resourceQuotaAnalyzer],
        }),
      ).severity,
      'low',
    );
    assert.deepEqual(
      await findings([quota({ 'requests.cpu': '2', pods: '10' }, { 'requests.cpu': '1500m', pods: '3' })], {
        analyzers: [resourceQuotaAnalyzer],
      }),
      [],
    );
  });
});

describe('ConfigMap and Secret references analyzer', () => {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app-config', namespace: 'default', uid: uid('cm') },
    data: { LOG_LEVEL: 'info' },
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'default', uid: uid('sec') },
    type: 'Opaque',
    data: { password: 'aHVudGVyMg==' },
  };

  it('names each missing object and missing key with where the pod refers to it', async () => {
    const p = pod('web-0', {
      containers: [
        container({
          env: [
            { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'DB_HOST' } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
            { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
          ],
        }),
      ],
      volumes: [{ name: 'tls', secret: { secretName: 'web-tls' } }],
    });
    const fs = await findings([cm, secret, p], { analyzers: [configReferencesAnalyzer] });
    assert.deepEqual(fs.map((f) => f.summary).sort(), [
      'container "app" env API_TOKEN refers to Secret "api", which does not exist',
      'container "app" env DB_HOST needs key "DB_HOST" of ConfigMap "app-config", which has no such key (it has: LOG_LEVEL)',
      'volume "tls" refers to Secret "web-tls", which does not exist',
    ]);
    const key = fs.find((f) => f.reason === 'ConfigMapKeyNotFound');
    assert.deepEqual(
      [key?.details.refKind, key?.details.refName, key?.details.missingKey],
      ['ConfigMap', 'app-config', 'DB_HOST'],
    );
  });

  it('is silent when every reference resolves', async () => {
    const p = pod('web-1', {
      containers: [
        container({
          envFrom: [{ configMapRef: { name: 'app-config' } }],
          env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
        }),
      ],
      volumes: [
        {
          name: 'cfg',
          projected: { sources: [{ configMap: { name: 'app-config', items: [{ key: 'LOG_LEVEL', path: 'level' }] } }] },
        },
      ],
    });
    assert.deepEqual(
      await findings(
        [cm, secret, p, pod('done', { phase: 'Succeeded', volumes: [{ name: 'x', configMap: { name: 'gone' } }] })],
        { analyzers: [configReferencesAnalyzer] },
      ),
      [],
    );
  });
});
