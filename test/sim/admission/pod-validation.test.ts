import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitCauses, container, MSG, pod, podWith } from './helpers.js';

describe('pod containers', () => {
  it('accepts a minimal pod', () => {
    assert.deepEqual(admitCauses(podWith({})), []);
  });

  it('requires at least one container', () => {
    assert.deepEqual(admitCauses(pod({ containers: [] })), [
      { reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' },
    ]);
  });

  it('requires a container name and an image', () => {
    assert.deepEqual(admitCauses(pod({ containers: [{}] })), [
      { reason: 'FieldValueRequired', field: 'spec.containers[0].name', message: 'Required value' },
      { reason: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value' },
    ]);
  });

  it('requires container names to be DNS-1123 labels', () => {
    assert.deepEqual(admitCauses(podWith({ name: 'My_App' })), [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].name',
        message: `Invalid value: "My_App": ${MSG.label}`,
      },
    ]);
  });

  it('rejects duplicate container names, init containers included', () => {
    const causes = admitCauses(
      pod({
        containers: [container(), container({ image: 'busybox' })],
        initContainers: [container({ image: 'alpine' })],
      }),
    );
    assert.deepEqual(causes, [
      { reason: 'FieldValueDuplicate', field: 'spec.containers[1].name', message: 'Duplicate value: "app"' },
      { reason: 'FieldValueDuplicate', field: 'spec.initContainers[0].name', message: 'Duplicate value: "app"' },
    ]);
  });

  it('validates init containers like containers', () => {
    assert.deepEqual(admitCauses(pod({ containers: [container()], initContainers: [{ name: 'init' }] })), [
      { reason: 'FieldValueRequired', field: 'spec.initContainers[0].image', message: 'Required value' },
    ]);
  });

  it('checks port numbers, names and protocols', () => {
    const causes = admitCauses(
      podWith({
        ports: [
          { containerPort: 70000 },
          { containerPort: 80, protocol: 'HTTP' },
          { containerPort: 81, name: 'http' },
          { containerPort: 82, name: 'http' },
          { containerPort: 83, name: 'web-server-port-1' },
          {},
        ],
      }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].ports[0].containerPort',
        message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
      },
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.containers[0].ports[1].protocol',
        message: 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      },
      { reason: 'FieldValueDuplicate', field: 'spec.containers[0].ports[3].name', message: 'Duplicate value: "http"' },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].ports[4].name',
        message: 'Invalid value: "web-server-port-1": must be no more than 15 characters',
      },
      { reason: 'FieldValueRequired', field: 'spec.containers[0].ports[5].containerPort', message: 'Required value' },
    ]);
  });

  it('rejects an unknown restartPolicy, dnsPolicy and imagePullPolicy', () => {
    const causes = admitCauses(
      pod({
        containers: [container({ imagePullPolicy: 'Sometimes' })],
        restartPolicy: 'Sometimes',
        dnsPolicy: 'Google',
      }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.containers[0].imagePullPolicy',
        message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      },
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.restartPolicy',
        message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      },
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.dnsPolicy',
        message:
          'Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      },
    ]);
  });

  it('checks env names and valueFrom references', () => {
    const causes = admitCauses(
      podWith({
        env: [
          { name: 'MY VAR.1', value: 'ok' },
          { name: 'A=B', value: 'x' },
          { value: 'orphan' },
          { name: 'FROM', valueFrom: { configMapKeyRef: { name: 'cfg' } } },
          { name: 'BOTH', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NONE', valueFrom: {} },
        ],
      }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].env[1].name',
        message: `Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      },
      { reason: 'FieldValueRequired', field: 'spec.containers[0].env[2].name', message: 'Required value' },
      {
        reason: 'FieldValueRequired',
        field: 'spec.containers[0].env[3].valueFrom.configMapKeyRef.key',
        message: 'Required value',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].env[4].valueFrom',
        message: 'Invalid value: "": may not be specified when `value` is not empty',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].env[5].valueFrom',
        message:
          'Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      },
    ]);
  });

  it('reports a volumeMount whose volume does not exist', () => {
    const causes = admitCauses(
      pod({
        containers: [
          container({
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'cfg', mountPath: '/data' },
            ],
          }),
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'app-config' } }],
      }),
    );
    assert.deepEqual(causes, [
      { reason: 'FieldValueNotFound', field: 'spec.containers[0].volumeMounts[0].name', message: 'Not found: "data"' },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].volumeMounts[1].mountPath',
        message: 'Invalid value: "/data": must be unique',
      },
    ]);
  });

  it('checks volume names and required references', () => {
    const causes = admitCauses(
      pod({
        containers: [container()],
        volumes: [
          { name: 'Data', emptyDir: {} },
          { name: 'cfg', configMap: {} },
          { name: 'cfg', secret: { secretName: 's' } },
          { name: 'two', emptyDir: {}, secret: { secretName: 's' } },
        ],
      }),
    );
    assert.deepEqual(causes, [
      { reason: 'FieldValueInvalid', field: 'spec.volumes[0].name', message: `Invalid value: "Data": ${MSG.label}` },
      { reason: 'FieldValueRequired', field: 'spec.volumes[1].configMap.name', message: 'Required value' },
      {
        reason: 'FieldValueForbidden',
        field: 'spec.volumes[3].secret',
        message: 'Forbidden: may not specify more than 1 volume type',
      },
    ]);
  });

  it('rejects duplicate volume names once the first one is valid', () => {
    const causes = admitCauses(
      pod({
        containers: [container()],
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'v', emptyDir: {} },
        ],
      }),
    );
    assert.deepEqual(causes, [
      { reason: 'FieldValueDuplicate', field: 'spec.volumes[1].name', message: 'Duplicate value: "v"' },
    ]);
  });

  it('checks nodeSelector labels and the service account name', () => {
    const causes = admitCauses(
      pod({ containers: [container()], nodeSelector: { disk: 'fast ssd' }, serviceAccountName: 'Builder' }),
    );
    assert.deepEqual(
      causes.map((c) => c.field),
      ['spec.nodeSelector', 'spec.serviceAccountName'],
    );
  });

  it('forbids ephemeral containers and a node with scheduling gates on create', () => {
    const causes = admitCauses(
      pod({
        containers: [container()],
        ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
        nodeName: 'n1',
        schedulingGates: [{ name: 'wait' }],
      }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        message: 'Forbidden: cannot be set on create',
      },
      {
        reason: 'FieldValueForbidden',
        field: 'spec.nodeName',
        message: 'Forbidden: cannot be set until all schedulingGates have been cleared',
      },
    ]);
  });
});

describe('container resources', () => {
  it('requires requests to be at most the limits', () => {
    const causes = admitCauses(podWith({ resources: { limits: { memory: '100Mi' }, requests: { memory: '200Mi' } } }));
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].resources.requests',
        message: 'Invalid value: "200Mi": must be less than or equal to memory limit of 100Mi',
      },
    ]);
  });

  it('compares canonical values across units', () => {
    assert.deepEqual(admitCauses(podWith({ resources: { limits: { cpu: '1' }, requests: { cpu: '1000m' } } })), []);
    const causes = admitCauses(podWith({ resources: { limits: { cpu: '0.5' }, requests: { cpu: '600m' } } }));
    assert.equal(causes[0]?.message, 'Invalid value: "600m": must be less than or equal to cpu limit of 500m');
  });

  it('rejects quantities that do not parse, at the keyed field', () => {
    const causes = admitCauses(podWith({ resources: { limits: { memory: '100MB', cpu: '1 core' } } }));
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].resources.limits[memory]',
        message: `Invalid value: "100MB": ${MSG.quantity}`,
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].resources.limits[cpu]',
        message: `Invalid value: "1 core": ${MSG.quantity}`,
      },
    ]);
  });

  it('rejects negative quantities', () => {
    const causes = admitCauses(podWith({ resources: { requests: { cpu: '-100m' } } }));
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.containers[0].resources.requests[cpu]',
        message: 'Invalid value: "-100m": must be greater than or equal to 0',
      },
    ]);
  });

  it('rejects misspelled resource names with both messages the API server gives', () => {
    const causes = admitCauses(podWith({ resources: { limits: { memroy: '1Gi' } } }));
    // A pod's limits are copied into its requests before validation, so the request is reported as well.
    assert.deepEqual(
      causes.map((c) => `${c.field}: ${c.message}`),
      ['limits', 'requests'].flatMap((list) => [
        `spec.containers[0].resources.${list}[memroy]: Invalid value: "memroy": must be a standard resource type or fully qualified`,
        `spec.containers[0].resources.${list}[memroy]: Invalid value: "memroy": must be a standard resource for containers`,
      ]),
    );
  });

  it('requires extended resources to set equal requests and limits', () => {
    const unequal = admitCauses(
      podWith({ resources: { limits: { 'nvidia.com/gpu': '2' }, requests: { 'nvidia.com/gpu': '1' } } }),
    );
    assert.deepEqual(
      unequal.map((c) => c.message),
      ['Invalid value: "1": must be equal to nvidia.com/gpu limit of 2'],
    );
    // A pod's limits become its requests, so the missing-limit case shows on templates only.
    const template = admitCauses({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: {
          metadata: { labels: { app: 'x' } },
          spec: { containers: [container({ resources: { requests: { 'nvidia.com/gpu': '1' } } })] },
        },
      },
    });
    assert.deepEqual(template, [
      {
        reason: 'FieldValueRequired',
        field: 'spec.template.spec.containers[0].resources.limits',
        message: 'Required value: Limit must be set for non overcommitable resources',
      },
    ]);
  });
});
