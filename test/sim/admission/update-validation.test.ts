import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { admitCauses, container, deployment, pod, workload } from './helpers.js';

const lines = (obj: KubeObject, old: KubeObject) => admitCauses(obj, old).map((c) => `${c.field}: ${c.message}`);

/** A copy of `obj` with each dotted path set to its value (undefined deletes), like an edited manifest. */
function edit(obj: KubeObject, changes: Record<string, unknown>): KubeObject {
  const copy = structuredClone(obj) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let cur: Record<string, unknown> = copy;
    for (const k of keys) {
      if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    if (value === undefined) delete cur[last];
    else cur[last] = value;
  }
  return copy as unknown as KubeObject;
}

describe('Deployment updates', () => {
  it('allows changing the image and replicas', () => {
    const old = deployment();
    assert.deepEqual(
      lines(edit(old, { 'spec.replicas': 5, 'spec.template.spec.containers.0.image': 'nginx:1.28' }), old),
      [],
    );
  });

  it('refuses a selector change with the message kubectl users know', () => {
    const old = deployment();
    const next = edit(old, {
      'spec.selector': { matchLabels: { app: 'web2' } },
      'spec.template.metadata.labels': { app: 'web2' },
    });
    assert.deepEqual(admitCauses(next, old), [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.selector',
        message:
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      },
    ]);
  });

  it('applies the same rule to ReplicaSets and DaemonSets', () => {
    for (const kind of ['ReplicaSet', 'DaemonSet']) {
      const old = workload('apps/v1', kind);
      const next = edit(old, { 'spec.selector.matchLabels.tier': 'fe', 'spec.template.metadata.labels.tier': 'fe' });
      assert.deepEqual(
        admitCauses(next, old).map((c) => c.field),
        ['spec.selector'],
        kind,
      );
    }
  });
});

describe('StatefulSet updates', () => {
  it('allows replicas and template changes but not serviceName', () => {
    const old = workload('apps/v1', 'StatefulSet', { serviceName: 'db' });
    assert.deepEqual(
      lines(edit(old, { 'spec.replicas': 3, 'spec.template.spec.containers.0.image': 'postgres:17' }), old),
      [],
    );
    assert.deepEqual(lines(edit(old, { 'spec.serviceName': 'db-headless' }), old), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('Pod updates', () => {
  const old = pod({ containers: [container({ ports: [{ containerPort: 80 }] })], activeDeadlineSeconds: 600 });

  it('allows changing images, lowering activeDeadlineSeconds and adding tolerations', () => {
    const next = edit(old, {
      'spec.containers.0.image': 'nginx:1.28',
      'spec.activeDeadlineSeconds': 300,
      'spec.tolerations': [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    });
    assert.deepEqual(lines(next, old), []);
  });

  it('forbids other spec changes with the real message and a diff', () => {
    const next = edit(old, { 'spec.containers.0.ports.0.containerPort': 8080 });
    const causes = admitCauses(next, old);
    assert.equal(causes.length, 1);
    assert.equal(causes[0]?.field, 'spec');
    assert.equal(causes[0]?.reason, 'FieldValueForbidden');
    const [head, ...diff] = (causes[0]?.message ?? '').split('\n');
    assert.equal(
      head,
      'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
    assert.deepEqual(diff, [
      '  core.PodSpec{',
      '- \tcontainers[0].ports[0].containerPort: 80',
      '+ \tcontainers[0].ports[0].containerPort: 8080',
      '  }',
    ]);
  });

  it('forbids adding or removing containers', () => {
    const next = edit(old, { 'spec.containers.1': container({ name: 'sidecar', image: 'envoy' }) });
    assert.deepEqual(lines(next, old), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });

  it('forbids raising or removing activeDeadlineSeconds', () => {
    assert.deepEqual(lines(edit(old, { 'spec.activeDeadlineSeconds': 900 }), old), [
      'spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value',
    ]);
    assert.deepEqual(lines(edit(old, { 'spec.activeDeadlineSeconds': undefined }), old), [
      'spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value',
    ]);
  });

  it('forbids removing a toleration but allows changing its tolerationSeconds', () => {
    const tolerated = edit(old, {
      'spec.tolerations': [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
    });
    const changed = edit(tolerated, { 'spec.tolerations.0.tolerationSeconds': 60 });
    assert.deepEqual(lines(changed, tolerated), []);
    const modified = edit(tolerated, { 'spec.tolerations.0.effect': 'NoSchedule' });
    assert.deepEqual(lines(modified, tolerated), [
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });

  it('treats an echoed zero value as unchanged', () => {
    const next = edit(old, { 'spec.hostNetwork': false });
    assert.deepEqual(lines(next, old), []);
  });
});

describe('Job updates', () => {
  const old: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'default', uid: '11111111-2222-4333-8444-555555555555' },
    spec: { completions: 1, template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
  };

  it('refuses template and completions changes', () => {
    const next = edit(old, { 'spec.completions': 3, 'spec.template.spec.containers.0.image': 'nginx:1.28' });
    assert.deepEqual(lines(next, old), [
      'spec.completions: Invalid value: 3: field is immutable',
      'spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
    ]);
  });

  it('allows suspending', () => {
    assert.deepEqual(lines(edit(old, { 'spec.suspend': true }), old), []);
  });
});

describe('Service updates', () => {
  const old: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] },
  };

  it('keeps the cluster IP when the update leaves it out', () => {
    assert.deepEqual(lines(edit(old, { 'spec.clusterIP': undefined, 'spec.clusterIPs': undefined }), old), []);
  });

  it('refuses a different cluster IP', () => {
    assert.deepEqual(lines(edit(old, { 'spec.clusterIP': '10.96.0.11', 'spec.clusterIPs': ['10.96.0.11'] }), old), [
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
    ]);
  });
});

describe('ConfigMap, Secret and PVC updates', () => {
  it('freezes data of an immutable ConfigMap', () => {
    const old: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      immutable: true,
      data: { a: '1' },
    };
    assert.deepEqual(lines(edit(old, { 'data.a': '2', immutable: false }), old), [
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('refuses a Secret type change', () => {
    const old: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      type: 'Opaque',
      data: {},
    };
    assert.deepEqual(lines(edit(old, { type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }), old), [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
  });

  it('lets the binder set volumeName and a claim grow, but not shrink or change class', () => {
    const old: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '10Gi' } },
        storageClassName: 'standard',
      },
    };
    const bound = edit(old, { 'spec.volumeName': 'pv-1', 'spec.resources.requests.storage': '20Gi' });
    assert.deepEqual(lines(bound, old), []);
    const shrunk = edit(old, { 'spec.resources.requests.storage': '5Gi' });
    assert.deepEqual(lines(shrunk, old), [
      'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    ]);
    const reclassed = admitCauses(edit(old, { 'spec.storageClassName': 'fast' }), old);
    assert.equal(reclassed[0]?.field, 'spec');
    assert.match(
      reclassed[0]?.message ?? '',
      /^Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/,
    );
  });
});

describe('Job selector generated after create', () => {
  it('accepts the first write that adds the uid-derived selector and labels', () => {
    // The store may assign the uid after admission, so the stored Job has no selector yet.
    const stored: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'default' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
    };
    const withUid = edit(stored, { 'metadata.uid': '0f3e1f5e-8d4a-4c3b-9a71-2b6c5d4e3f21', 'spec.suspend': true });
    assert.deepEqual(lines(withUid, stored), []);
  });

  it('still refuses a hand-made selector change', () => {
    const uid = '0f3e1f5e-8d4a-4c3b-9a71-2b6c5d4e3f21';
    const stored: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'default', uid },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
    };
    const next = edit(stored, {
      'spec.manualSelector': true,
      'spec.selector.matchLabels.app': 'x',
      'spec.template.metadata.labels.app': 'x',
    });
    assert.deepEqual(
      admitCauses(next, stored).map((c) => c.field),
      ['spec.selector', 'spec.template'],
    );
  });
});
