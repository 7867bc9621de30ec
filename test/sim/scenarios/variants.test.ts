// A user's own manifest with the same mistake as a library scenario fails the same way: other names, images,
// numbers and keys, applied with plain `kubectl apply`, reach the same documented failure states.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { ScenarioExpectation } from '../../../src/sim/scenarios/index.js';
import { useScenarioSimulator } from './fixture.js';
import { waitForFailure } from './oracle.js';

const fx = useScenarioSimulator();

type Json = Record<string, unknown>;

function deployment(
  ns: string,
  name: string,
  pod: Json,
  extra: { annotations?: Record<string, string>; replicas?: number } = {},
): Json {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels, ...(extra.annotations ? { annotations: extra.annotations } : {}) }, spec: pod },
    },
  };
}

interface Variant {
  /** The library scenario whose mistake this repeats. */
  readonly like: string;
  readonly namespace: string;
  readonly objects: readonly Json[];
  readonly expect: ScenarioExpectation;
  /** Something about the failure beyond the oracle's checks. */
  readonly check?: () => Promise<void>;
}

const sh = (script: string) => ['sh', '-c', script];

const VARIANTS: readonly Variant[] = [
  {
    like: 'memory-hog',
    namespace: 'v-stress',
    objects: [
      deployment('v-stress', 'number-cruncher', {
        containers: [
          {
            name: 'cruncher',
            image: 'polinux/stress:1.0.4',
            command: ['stress'],
            args: ['--vm', '1', '--vm-bytes', '300M', '--vm-hang', '0'],
            resources: { limits: { memory: '128Mi' } },
          },
        ],
      }),
    ],
    expect: {
      failureClass: 'OOMKilled',
      workload: { kind: 'Deployment', name: 'number-cruncher' },
      reason: 'OOMKilled',
      exitCode: 137,
      eventReasons: ['BackOff'],
    },
  },
  {
    like: 'memory-leak',
    namespace: 'v-leak',
    // The leak with twice the scenario's limit: the kill comes later, but it comes.
    objects: [
      deployment(
        'v-leak',
        'session-cache',
        {
          containers: [
            {
              name: 'cache',
              image: 'ghcr.io/example/cache:9.1',
              resources: { requests: { memory: '128Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
        { annotations: { 'sim.kubemend.io/memory-leak-mb-per-min': '40' } },
      ),
    ],
    expect: {
      failureClass: 'OOMKilled',
      workload: { kind: 'Deployment', name: 'session-cache' },
      reason: 'OOMKilled',
      exitCode: 137,
    },
    check: async () => {
      const pods = await fx.cluster.core.listNamespacedPod({ namespace: 'v-leak' });
      const killed = pods.items
        .flatMap((p) => p.status?.containerStatuses ?? [])
        .map((c) => c.lastState?.terminated ?? c.state?.terminated);
      const t = killed.find((x) => x?.reason === 'OOMKilled');
      assert.ok(t?.startedAt && t.finishedAt);
      const ranMinutes = (new Date(t.finishedAt).getTime() - new Date(t.startedAt).getTime()) / 60_000;
      // From ~115Mi at 40 MiB/min to 512Mi: about ten simulated minutes (the 256Mi scenario dies after ~3.5).
      assert.ok(ranMinutes > 8 && ranMinutes < 12, `OOM-killed after ${ranMinutes.toFixed(1)} simulated minutes`);
    },
  },
  {
    like: 'crash-missing-env',
    namespace: 'v-env',
    objects: [
      deployment('v-env', 'billing-worker', {
        containers: [
          {
            name: 'worker',
            image: 'alpine:3.20',
            command: sh(
              'if [ -z "$STRIPE_API_KEY" ]; then echo "error: STRIPE_API_KEY missing" >&2; exit 3; fi; sleep 3600',
            ),
          },
        ],
      }),
    ],
    expect: {
      failureClass: 'CrashLoopBackOff',
      workload: { kind: 'Deployment', name: 'billing-worker' },
      reason: 'CrashLoopBackOff',
      exitCode: 3,
      logIncludes: ['error: STRIPE_API_KEY missing'],
    },
  },
  {
    like: 'missing-configmap-key',
    namespace: 'v-key',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'api-settings', namespace: 'v-key' },
        data: { timeout: '30' },
      },
      deployment('v-key', 'gateway', {
        containers: [
          {
            name: 'gw',
            image: 'nginx:1.26',
            env: [
              { name: 'TIMEOUT', valueFrom: { configMapKeyRef: { name: 'api-settings', key: 'TIMEOUT_SECONDS' } } },
            ],
          },
        ],
      }),
    ],
    expect: {
      failureClass: 'CreateContainerConfigError',
      workload: { kind: 'Deployment', name: 'gateway' },
      reason: 'CreateContainerConfigError',
      message: "couldn't find key TIMEOUT_SECONDS in ConfigMap v-key/api-settings",
    },
  },
  {
    like: 'missing-secret',
    namespace: 'v-secret-key',
    // The Secret exists; the key does not.
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'api-creds', namespace: 'v-secret-key' },
        stringData: { user: 'svc' },
      },
      deployment('v-secret-key', 'exporter', {
        containers: [
          {
            name: 'exp',
            image: 'redis:7.2',
            envFrom: [],
            env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-creds', key: 'token' } } }],
          },
        ],
      }),
    ],
    expect: {
      failureClass: 'CreateContainerConfigError',
      workload: { kind: 'Deployment', name: 'exporter' },
      reason: 'CreateContainerConfigError',
      message: "couldn't find key token in Secret v-secret-key/api-creds",
    },
  },
  {
    like: 'bad-image-tag-after-rollout',
    namespace: 'v-tag',
    objects: [deployment('v-tag', 'cache', { containers: [{ name: 'redis', image: 'redis:7.9.9' }] })],
    expect: {
      failureClass: 'ImagePullBackOff',
      workload: { kind: 'Deployment', name: 'cache' },
      reason: 'ImagePullBackOff',
      eventReasons: ['Failed', 'BackOff'],
      message: 'docker\\.io/library/redis:7\\.9\\.9: not found',
    },
  },
  {
    like: 'bad-image-tag-after-rollout',
    namespace: 'v-repo',
    // A misspelled official image: the registry does not say "not found" but "pull access denied".
    objects: [deployment('v-repo', 'web', { containers: [{ name: 'web', image: 'ngnix:1.27' }] })],
    expect: {
      failureClass: 'ImagePullBackOff',
      workload: { kind: 'Deployment', name: 'web' },
      reason: 'ImagePullBackOff',
      message: 'pull access denied, repository does not exist or may require authorization',
    },
  },
  {
    like: 'unschedulable-cpu',
    namespace: 'v-mem',
    objects: [
      deployment('v-mem', 'olap', {
        containers: [{ name: 'db', image: 'postgres:16', resources: { requests: { memory: '64Gi' } } }],
      }),
    ],
    expect: {
      failureClass: 'Unschedulable',
      workload: { kind: 'Deployment', name: 'olap' },
      reason: 'Unschedulable',
      eventReasons: ['FailedScheduling'],
      message: '0/\\d+ nodes are available: \\d+ Insufficient memory',
    },
  },
  {
    like: 'node-selector-mismatch',
    namespace: 'v-affinity',
    objects: [
      deployment('v-affinity', 'gpu-job', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] },
              ],
            },
          },
        },
        containers: [{ name: 'train', image: 'python:3.12', command: ['sleep', '3600'] }],
      }),
    ],
    expect: {
      failureClass: 'Unschedulable',
      workload: { kind: 'Deployment', name: 'gpu-job' },
      reason: 'Unschedulable',
      message: "node\\(s\\) didn't match Pod's node affinity/selector",
    },
  },
  {
    like: 'liveness-probe-bad-path',
    namespace: 'v-liveness',
    objects: [
      deployment('v-liveness', 'site', {
        containers: [
          {
            name: 'httpd',
            image: 'httpd:2.4',
            livenessProbe: { httpGet: { path: '/status', port: 80 }, periodSeconds: 5, failureThreshold: 2 },
          },
        ],
      }),
    ],
    expect: {
      failureClass: 'ProbeFailure',
      workload: { kind: 'Deployment', name: 'site' },
      eventReasons: ['Unhealthy', 'Killing'],
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 404',
    },
  },
  {
    like: 'readiness-probe-wrong-port',
    namespace: 'v-readiness',
    objects: [
      deployment('v-readiness', 'queue', {
        containers: [
          { name: 'redis', image: 'redis:7.4-alpine', readinessProbe: { tcpSocket: { port: 6380 }, periodSeconds: 5 } },
        ],
      }),
    ],
    expect: {
      failureClass: 'ProbeFailure',
      workload: { kind: 'Deployment', name: 'queue' },
      eventReasons: ['Unhealthy'],
      message: 'Readiness probe failed: dial tcp [0-9.]+:6380: connect: connection refused',
    },
  },
  {
    like: 'service-selector-mismatch',
    namespace: 'v-service',
    objects: [
      deployment('v-service', 'orders', {
        containers: [{ name: 'api', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
      }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'orders-api', namespace: 'v-service' },
        spec: { selector: { 'app.kubernetes.io/name': 'orders-api' }, ports: [{ port: 80 }] },
      },
    ],
    expect: { failureClass: 'ServiceNoEndpoints', workload: { kind: 'Service', name: 'orders-api' } },
  },
  {
    like: 'pvc-missing-storageclass',
    namespace: 'v-pvc',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'uploads', namespace: 'v-pvc' },
        spec: {
          storageClassName: 'premium-rwo',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '20Gi' } },
        },
      },
    ],
    expect: {
      failureClass: 'PVCPending',
      workload: { kind: 'PersistentVolumeClaim', name: 'uploads' },
      eventReasons: ['ProvisioningFailed'],
      message: 'storageclass\\.storage\\.k8s\\.io "premium-rwo" not found',
    },
  },
  {
    like: 'job-backoff-limit',
    namespace: 'v-job',
    objects: [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'nightly-export', namespace: 'v-job' },
        spec: {
          backoffLimit: 1,
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [
                {
                  name: 'export',
                  image: 'busybox:1.36',
                  command: sh('echo "export: upstream returned 503" >&2; exit 2'),
                },
              ],
            },
          },
        },
      },
    ],
    expect: {
      failureClass: 'JobFailed',
      workload: { kind: 'Job', name: 'nightly-export' },
      reason: 'BackoffLimitExceeded',
      eventReasons: ['BackoffLimitExceeded'],
      message: 'Job has reached the specified backoff limit',
    },
  },
  {
    like: 'cronjob-invalid-schedule',
    namespace: 'v-cron',
    // April has 30 days: the 31st never comes.
    objects: [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'quarter-report', namespace: 'v-cron' },
        spec: {
          schedule: '30 6 31 4 *',
          jobTemplate: {
            spec: {
              template: {
                spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox:1.36', command: ['true'] }] },
              },
            },
          },
        },
      },
    ],
    expect: {
      failureClass: 'CronJobInvalidSchedule',
      workload: { kind: 'CronJob', name: 'quarter-report' },
      eventReasons: ['InvalidSchedule'],
      message: 'invalid schedule: 30 6 31 4 \\* : time difference between two schedules is less than 1 second',
    },
  },
  {
    like: 'quota-blocks-pods',
    namespace: 'v-quota',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'pod-count', namespace: 'v-quota' },
        spec: { hard: { pods: '1' } },
      },
      deployment('v-quota', 'api', { containers: [{ name: 'api', image: 'nginx:1.27' }] }, { replicas: 2 }),
    ],
    expect: {
      failureClass: 'QuotaExceeded',
      workload: { kind: 'Deployment', name: 'api' },
      eventReasons: ['FailedCreate'],
      message: 'exceeded quota: pod-count, requested: pods=1, used: pods=1, limited: pods=1',
    },
  },
  {
    like: 'init-container-typo',
    namespace: 'v-init',
    // The same typo under bash, which words it differently.
    objects: [
      deployment('v-init', 'app', {
        initContainers: [{ name: 'setup', image: 'debian:12', command: ['bash', '-c', 'ecoh "setting up"'] }],
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      }),
    ],
    expect: {
      failureClass: 'CrashLoopBackOff',
      workload: { kind: 'Deployment', name: 'app' },
      reason: 'CrashLoopBackOff',
      container: 'setup',
      exitCode: 127,
      logIncludes: ['bash: line 1: ecoh: command not found'],
    },
  },
  {
    like: 'mysql-no-root-password',
    namespace: 'v-postgres',
    objects: [
      deployment('v-postgres', 'pg', {
        containers: [{ name: 'postgres', image: 'postgres:17', env: [{ name: 'POSTGRES_DB', value: 'app' }] }],
      }),
    ],
    expect: {
      failureClass: 'MissingPassword',
      workload: { kind: 'Deployment', name: 'pg' },
      reason: 'CrashLoopBackOff',
      exitCode: 1,
      logIncludes: ['Database is uninitialized and superuser password is not specified'],
    },
  },
  {
    like: 'command-not-found',
    namespace: 'v-exec',
    objects: [
      deployment('v-exec', 'cache', { containers: [{ name: 'redis', image: 'redis:7.4', command: ['redis-sever'] }] }),
    ],
    expect: {
      failureClass: 'CrashLoopBackOff',
      workload: { kind: 'Deployment', name: 'cache' },
      reason: 'StartError',
      exitCode: 128,
      message: 'exec: "redis-sever": executable file not found in \\$PATH',
    },
  },
];

describe('variants of the library scenarios', { concurrency: true }, () => {
  for (const v of VARIANTS) {
    it(`${v.namespace} (like ${v.like}) fails the same way`, async () => {
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: v.namespace } };
      const yaml = [ns, ...v.objects].map((o) => stringify(o)).join('---\n');
      const applied = await fx.kubectl.run(['apply', '-f', '-'], { stdin: yaml });
      assert.equal(applied.code, 0, applied.stderr);
      await waitForFailure(fx.cluster, { namespace: v.namespace, expect: v.expect }, 90_000);
      await v.check?.();
    });
  }
});
