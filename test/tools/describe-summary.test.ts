// The describe summary on hand-built objects: the facts a diagnosis needs are there, the bulk is not.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSummary } from '../../src/tools/describe-summary.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: '11111111-2222-3333-4444-555555555555',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4f', uid: 'x', controller: true }],
  },
  spec: {
    nodeName: 'node-a',
    initContainers: [{ name: 'migrate', image: 'tool:1', command: ['sh', '-c', `echo ${'x'.repeat(400)}`] }],
    containers: [
      {
        name: 'app',
        image: 'shop/web:2.0',
        resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 2 },
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } },
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
        envFrom: [{ configMapRef: { name: 'web-config' } }],
      },
    ],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'kube-api-access-abcde', projected: { sources: [] } },
    ],
  },
  status: {
    phase: 'Running',
    initContainerStatuses: [
      { name: 'migrate', ready: true, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 4,
        image: 'shop/web:2.0',
        imageID: 'sha',
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message:
              'back-off 1m20s restarting failed container=app pod=web-1_shop(11111111-2222-3333-4444-555555555555)',
          },
        },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    ],
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [app]',
      },
    ],
  },
};

describe('describeSummary', () => {
  it('a pod: owner, node, per-container image, state, last state, restarts, resources, probes, env', () => {
    const out = describeSummary(pod) ?? '';
    const lines = out.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'Pod: shop/web-1',
      'Controlled by: ReplicaSet/web-6d4f',
      'Status: Running',
      'Node: node-a',
    ]);
    assert.match(out, /Init Containers:\n {2}migrate:\n {4}Image: tool:1\n {4}Command: sh -c echo x+…\n/);
    assert.match(out, /State: Terminated \(Completed, exit code 0\)/);
    assert.match(out, /Containers:\n {2}app:\n {4}Image: shop\/web:2\.0/);
    assert.match(
      out,
      /State: Waiting \(CrashLoopBackOff: back-off 1m20s restarting failed container=app pod=web-1_shop\)\n/,
    );
    assert.match(out, /Last State: Terminated \(OOMKilled, exit code 137\)/);
    assert.match(out, /Ready: false, Restarts: 4/);
    assert.match(out, /Limits: memory=256Mi; Requests: cpu=100m/);
    assert.match(out, /Liveness: http-get :8080\/healthz delay=0s timeout=1s period=5s #failure=2/);
    assert.match(out, /Readiness: exec \[cat \/tmp\/ready\]/);
    assert.match(out, /Env: MODE=prod, DB_PASSWORD \(secret db\/password\), \* \(all of configmap web-config\)/);
    assert.match(out, /Volumes: data \(pvc web-data\)$/m);
    assert.match(
      out,
      /Conditions: PodScheduled=True, Ready=False \(ContainersNotReady: containers with unready status: \[app\]\)/,
    );
    // The long init script is cut, not dumped; the kubelet's UID is dropped from messages.
    assert.ok(out.length < 1500, `${out.length} characters`);
    assert.doesNotMatch(out, /11111111-2222/);
  });

  it('a workload: spec and status counts, the pod template, and a failure condition with its message', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop' },
      spec: {
        backoffLimit: 2,
        template: { spec: { containers: [{ name: 'm', image: 'tool:1' }], restartPolicy: 'Never' } },
      },
      status: {
        failed: 3,
        conditions: [
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the limit' },
        ],
      },
    };
    const out = describeSummary(job) ?? '';
    assert.match(out, /^Job: shop\/migrate\nSpec: backoffLimit=2\nStatus: failed=3\n/);
    assert.match(out, /Pod Template:\nContainers:\n {2}m:\n {4}Image: tool:1\n {4}Resources: <none>/);
    assert.match(out, /Conditions: Failed=True \(BackoffLimitExceeded: Job has reached the limit\)/);
  });

  it('a node: taints, allocatable and the condition that is off', () => {
    const out =
      describeSummary({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-a' },
        spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
        status: {
          allocatable: { cpu: '3800m', memory: '15Gi', 'hugepages-2Mi': '0' },
          conditions: [
            { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'low' },
            { type: 'Ready', status: 'True', reason: 'KubeletReady' },
          ],
        },
      }) ?? '';
    assert.match(out, /Taints: dedicated=gpu:NoSchedule/);
    assert.match(out, /Allocatable: cpu=3800m, memory=15Gi\n/);
    assert.match(out, /Conditions: MemoryPressure=True \(KubeletHasInsufficientMemory: low\), Ready=True$/m);
  });

  it('kinds without a summary are left to the YAML', () => {
    assert.equal(describeSummary({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} }), undefined);
  });
});
