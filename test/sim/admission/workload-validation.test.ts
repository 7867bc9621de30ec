import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidMessage } from '../../../src/sim/admission/index.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { admitCauses, container, deployment, workload } from './helpers.js';

const lines = (obj: KubeObject) => admitCauses(obj).map((c) => `${c.field}: ${c.message}`);
const template = (labels: Record<string, string> | undefined, spec: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [container()], ...spec },
});

describe('Deployment', () => {
  it('accepts a well-formed deployment', () => {
    assert.deepEqual(admitCauses(deployment()), []);
  });

  it('requires a selector, and stops there as the real validator does', () => {
    const d = deployment({ selector: undefined, template: template(undefined, { containers: [{ name: 'a' }] }) });
    const causes = admitCauses(d);
    assert.deepEqual(causes, [{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }]);
    assert.equal(
      invalidMessage('Deployment', 'web', causes),
      'Deployment.apps "web" is invalid: spec.selector: Required value',
    );
  });

  it('rejects a selector that does not match the template labels', () => {
    assert.deepEqual(admitCauses(deployment({ template: template({ app: 'api', tier: 'be' }) })), [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template.metadata.labels',
        message:
          'Invalid value: map[string]string{"app":"api", "tier":"be"}: `selector` does not match template `labels`',
      },
    ]);
    assert.deepEqual(lines(deployment({ template: template(undefined) })), [
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
  });

  it('matches matchExpressions against the template labels', () => {
    const selector = {
      matchExpressions: [
        { key: 'app', operator: 'In', values: ['web', 'api'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    assert.deepEqual(admitCauses(deployment({ selector })), []);
    assert.equal(admitCauses(deployment({ selector, template: template({ app: 'web', canary: 'true' }) })).length, 1);
  });

  it('rejects an empty selector and malformed expressions', () => {
    assert.deepEqual(lines(deployment({ selector: {} })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
    assert.deepEqual(
      lines(deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'Contains', values: ['web'] }] } })),
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Contains": not a valid selector operator',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Contains", Values:[]string{"web"}}}}: invalid label selector',
      ],
    );
    assert.deepEqual(lines(deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('rejects negative replicas', () => {
    assert.deepEqual(admitCauses(deployment({ replicas: -1 })), [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: -1: must be greater than or equal to 0',
      },
    ]);
  });

  it('only allows restartPolicy Always and no activeDeadlineSeconds in the template', () => {
    assert.deepEqual(
      lines(deployment({ template: template({ app: 'web' }, { restartPolicy: 'Never', activeDeadlineSeconds: 30 }) })),
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
      ],
    );
  });

  it('validates the pod template with template paths', () => {
    assert.deepEqual(lines(deployment({ template: template({ app: 'web' }, { containers: [{ name: 'app' }] }) })), [
      'spec.template.spec.containers[0].image: Required value',
    ]);
  });

  it('validates the rollout strategy', () => {
    assert.deepEqual(lines(deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    assert.deepEqual(lines(deployment({ strategy: { type: 'BlueGreen' } })), [
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]);
    assert.deepEqual(lines(deployment({ strategy: { rollingUpdate: { maxUnavailable: 'half' } } })), [
      `spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"half"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ]);
    assert.deepEqual(lines(deployment({ strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } })), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
    assert.deepEqual(lines(deployment({ strategy: { rollingUpdate: { maxUnavailable: '150%' } } })), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
  });

  it('requires progressDeadlineSeconds to exceed minReadySeconds', () => {
    assert.deepEqual(lines(deployment({ minReadySeconds: 30, progressDeadlineSeconds: 10 })), [
      'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
    ]);
  });
});

describe('ReplicaSet, StatefulSet and DaemonSet', () => {
  it('ReplicaSet: a missing selector also fails the template match', () => {
    assert.deepEqual(lines(workload('apps/v1', 'ReplicaSet', { selector: undefined })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('StatefulSet: selector, policy and restart rules', () => {
    assert.deepEqual(lines(workload('apps/v1', 'StatefulSet', { selector: {} })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
    ]);
    assert.deepEqual(lines(workload('apps/v1', 'StatefulSet', { podManagementPolicy: 'Random', replicas: -2 })), [
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    ]);
    assert.deepEqual(lines(workload('apps/v1', 'StatefulSet', { template: template({ app: 'db' }) })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`',
    ]);
  });

  it('DaemonSet: selector required and pods must restart Always', () => {
    assert.deepEqual(lines(workload('apps/v1', 'DaemonSet', { selector: undefined })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    assert.deepEqual(
      lines(
        workload('apps/v1', 'DaemonSet', {
          template: template({ app: 'web' }, { restartPolicy: 'OnFailure', activeDeadlineSeconds: 5 }),
        }),
      ),
      [
        'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
        'spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds must be nil for daemon set pods',
      ],
    );
  });
});

function job(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'default', ...meta },
    spec: { template: template(undefined, { restartPolicy: 'Never' }), ...spec },
  };
}

describe('Job', () => {
  it('accepts a job whose selector the server will generate', () => {
    assert.deepEqual(admitCauses(job({})), []);
    assert.deepEqual(admitCauses(job({}, { uid: '7d3c1c56-0000-4000-8000-000000000001' })), []);
  });

  it('rejects the default restartPolicy Always', () => {
    assert.deepEqual(lines(job({ template: template(undefined) })), [
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('checks counts and the completion mode', () => {
    assert.deepEqual(lines(job({ backoffLimit: -1, parallelism: -2, completionMode: 'Sometimes' })), [
      'spec.parallelism: Invalid value: -2: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
    ]);
  });

  it('matches a manual selector against the template labels', () => {
    assert.deepEqual(lines(job({ manualSelector: true, selector: { matchLabels: { job: 'x' } } })), [
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
    assert.deepEqual(lines(job({ manualSelector: true })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
  });
});

function cronJob(spec: Record<string, unknown>, name = 'nightly'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: template(undefined, { restartPolicy: 'OnFailure' }) } },
      ...spec,
    },
  };
}

describe('CronJob', () => {
  it('accepts standard schedules and descriptors', () => {
    for (const schedule of [
      '*/5 * * * *',
      '0 9-17 * * mon-fri',
      '15 2 1,15 jan,jul *',
      '@hourly',
      '@every 1h30m',
      '0 0 ? * SUN',
    ])
      assert.deepEqual(admitCauses(cronJob({ schedule })), [], schedule);
  });

  it('reports the cron parser error for a bad schedule', () => {
    const table: [string, string][] = [
      ['61 * * * *', 'end of range (61) above maximum (59): 61'],
      ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
      ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['0 5-2 * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ];
    for (const [schedule, msg] of table)
      assert.deepEqual(admitCauses(cronJob({ schedule })), [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.schedule',
          message: `Invalid value: ${JSON.stringify(schedule)}: ${msg}`,
        },
      ]);
  });

  it('requires a schedule and rejects TZ= in it', () => {
    assert.deepEqual(lines(cronJob({ schedule: '' })), ['spec.schedule: Required value']);
    assert.deepEqual(lines(cronJob({ schedule: 'TZ=UTC 0 3 * * *' })), [
      'spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });

  it('checks the time zone, the concurrency policy and the name length', () => {
    assert.deepEqual(admitCauses(cronJob({ timeZone: 'Europe/Berlin' })), []);
    assert.deepEqual(lines(cronJob({ timeZone: 'Mars/Olympus', concurrencyPolicy: 'Queue' })), [
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      'spec.concurrencyPolicy: Unsupported value: "Queue": supported values: "Allow", "Forbid", "Replace"',
    ]);
    const long = 'n'.repeat(53);
    assert.deepEqual(lines(cronJob({}, long)), [
      `metadata.name: Invalid value: "${long}": must be no more than 52 characters`,
    ]);
  });

  it('validates the job template and refuses a selector in it', () => {
    const jobTemplate = { spec: { selector: { matchLabels: { a: 'b' } }, template: template(undefined) } };
    assert.deepEqual(lines(cronJob({ jobTemplate })), [
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
    ]);
  });
});
