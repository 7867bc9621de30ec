import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { at, deployment, keys, NOW, patchFails, patchOk, podSpec } from './fixtures.js';

const LATER = '2025-03-01T11:30:00.123Z';

function manifest(changes: { replicas?: number; image?: string; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: changes.labels ?? { app: 'web' } },
    spec: {
      replicas: changes.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: changes.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

function apply(
  current: KubeObject | undefined,
  body: unknown,
  fieldManager = 'kubectl',
  extra: { force?: boolean; now?: string } = {},
) {
  return patchOk({
    type: 'apply',
    current,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    fieldManager,
    ...extra,
  });
}

function applyFails(
  current: KubeObject | undefined,
  body: unknown,
  fieldManager = 'kubectl',
  extra: { force?: boolean } = {},
) {
  return patchFails({
    type: 'apply',
    current,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    fieldManager,
    ...extra,
  });
}

function managers(o: KubeObject): unknown[] {
  return (o.metadata.managedFields ?? []).map((e) => [at(e, 'manager'), at(e, 'operation')]);
}

function owned(o: KubeObject, manager: string): unknown {
  return at(
    (o.metadata.managedFields ?? []).find((e) => at(e, 'manager') === manager),
    'fieldsV1',
  );
}

describe('server-side apply', () => {
  it('creates the object and records what the manager applied', () => {
    const out = apply(undefined, manifest());
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.27');
    assert.deepEqual(out.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"app"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('accepts YAML bodies and ignores nulls (no opinion)', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: cfg',
      '  annotations: null',
      'data:',
      '  key: value',
      '  other: "2"',
    ].join('\n');
    const out = apply(undefined, yaml, 'tool');
    assert.deepEqual(at(out, 'data'), { key: 'value', other: '2' });
    assert.equal(out.metadata.annotations, undefined);
    assert.deepEqual(owned(out, 'tool'), { 'f:data': { 'f:key': {}, 'f:other': {} } });
  });

  it('applying the same configuration twice changes nothing, not even the timestamp', () => {
    const first = apply(undefined, manifest());
    const second = apply(first, manifest(), 'kubectl', { now: LATER });
    assert.deepEqual(second, first);
  });

  it('a manager changes its own fields freely and the entry time moves', () => {
    const first = apply(undefined, manifest());
    const second = apply(first, manifest({ image: 'nginx:1.28', replicas: 3 }), 'kubectl', { now: LATER });
    assert.equal(podSpec(second, 'containers', 0, 'image'), 'nginx:1.28');
    assert.equal(at(second, 'spec', 'replicas'), 3);
    assert.equal(at(second.metadata.managedFields?.[0], 'time'), '2025-03-01T11:30:00Z');
  });

  it('refuses with 409 when another manager changes a field it does not own', () => {
    const live = apply(undefined, manifest());
    const before = structuredClone(live);
    const r = applyFails(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
      'hpa-tool',
    );
    assert.equal(r.code, 'Conflict');
    assert.equal(r.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    assert.deepEqual(r.causes, [
      { field: '.spec.replicas', message: 'conflict with "kubectl"', reason: 'FieldManagerConflict' },
    ]);
    assert.deepEqual(live, before);
  });

  it('lists every conflict, grouped by manager', () => {
    const live = apply(undefined, manifest());
    const r = applyFails(live, manifest({ replicas: 4, image: 'nginx:1.28' }), 'other');
    assert.equal(
      r.message,
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
    );
  });

  it('shares ownership when a second manager applies the same value', () => {
    const live = apply(undefined, manifest());
    const out = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      'scaler',
    );
    assert.deepEqual(managers(out), [
      ['kubectl', 'Apply'],
      ['scaler', 'Apply'],
    ]);
    assert.deepEqual(owned(out, 'scaler'), { 'f:spec': { 'f:replicas': {} } });
    assert.deepEqual(at(owned(out, 'kubectl'), 'f:spec', 'f:replicas'), {});
  });

  it('force=true takes the field over: the value changes and the old owner lets go', () => {
    const live = apply(undefined, manifest());
    const scale = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 7 } };
    const out = apply(live, scale, 'scaler', { force: true });
    assert.equal(at(out, 'spec', 'replicas'), 7);
    assert.deepEqual(owned(out, 'scaler'), { 'f:spec': { 'f:replicas': {} } });
    assert.equal(at(owned(out, 'kubectl'), 'f:spec', 'f:replicas'), undefined);
    // kubectl no longer owns replicas: re-applying its manifest (replicas 2) now conflicts the other way.
    const back = applyFails(out, manifest(), 'kubectl');
    assert.match(back.message, /conflict with "scaler": \.spec\.replicas/);
  });

  it('removes fields the manager stopped applying, unless another manager owns them', () => {
    const live = apply(undefined, manifest({ labels: { app: 'web', tier: 'frontend', team: 'a' } }));
    const shared = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { team: 'a' } } },
      'labeller',
    );
    const out = apply(shared, manifest({ labels: { app: 'web' } }), 'kubectl', { now: LATER });
    assert.deepEqual(out.metadata.labels, { app: 'web', team: 'a' });
  });

  it('removes list items the manager stopped applying and keeps the rest in place', () => {
    const two = manifest();
    two.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox', ports: [{ containerPort: 81 }] });
    const live = apply(undefined, two);
    const out = apply(live, manifest());
    assert.deepEqual(keys(podSpec(out, 'containers')), ['app']);
    assert.equal(
      at(owned(out, 'kubectl'), 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"sidecar"}'),
      undefined,
    );
  });

  it('treats finalizers as a set, recording each value', () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a/x', 'b/y'] } };
    const live = apply(undefined, body, 'tool');
    assert.deepEqual(owned(live, 'tool'), { 'f:metadata': { 'f:finalizers': { 'v:"a/x"': {}, 'v:"b/y"': {} } } });
    const out = apply(live, { ...body, metadata: { name: 'c', finalizers: ['b/y'] } }, 'tool');
    assert.deepEqual(out.metadata.finalizers, ['b/y']);
  });

  it('an untracked live object belongs to before-first-apply: changing it conflicts, matching it does not', () => {
    const live = deployment();
    const r = applyFails(live, manifest({ replicas: 9 }));
    assert.match(r.message, /^Apply failed with \d+ conflicts?: .*"before-first-apply" using apps\/v1/s);
    assert.match(r.message, /\.spec\.replicas/);
    const same = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      'tool',
    );
    assert.deepEqual(managers(same), [
      ['tool', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
  });

  it('lets kubectl take over fields recorded by client-side apply, and keeps the annotation current', () => {
    const csa = deployment();
    const lastApplied = JSON.stringify(manifest());
    csa.metadata.annotations = {
      ...csa.metadata.annotations,
      'kubectl.kubernetes.io/last-applied-configuration': lastApplied,
    };
    const out = apply(csa, manifest({ image: 'nginx:1.29' }), 'kubectl');
    assert.equal(podSpec(out, 'containers', 0, 'image'), 'nginx:1.29');
    const annotation = out.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
    assert.match(annotation, /"image":"nginx:1\.29"/);
    assert.ok(annotation.endsWith('\n'));
    // Another manager gets no such pass.
    assert.equal(applyFails(csa, manifest({ image: 'nginx:1.29' }), 'other').code, 'Conflict');
  });

  it('ignores managedFields entries it cannot decode', () => {
    const live = deployment();
    live.metadata.managedFields = [
      { manager: 5 },
      'junk',
      { manager: 'x', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { bogus: {} } },
    ];
    const r = applyFails(live, manifest({ replicas: 9 }), 'tool');
    assert.match(r.message, /"before-first-apply" using apps\/v1: \.spec\.replicas/);
    const out = apply(live, manifest(), 'tool');
    assert.deepEqual(managers(out), [
      ['tool', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
  });

  it('names update managers with their version and time in conflicts', () => {
    const live = apply(undefined, manifest());
    live.metadata.managedFields = [
      ...(live.metadata.managedFields ?? []),
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2025-02-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:paused': {} } },
      },
    ];
    (live.spec as Record<string, unknown>).paused = true;
    const r = applyFails(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { paused: false } },
      'x',
    );
    assert.equal(
      r.message,
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1 at 2025-02-01T00:00:00Z: .spec.paused',
    );
  });
});

describe('server-side apply: rejected requests', () => {
  const cases: [string, unknown, RegExp][] = [
    ['unparseable YAML', 'kind: [', /^error decoding YAML/],
    ['a document that is a list', '[1, 2]', /error decoding YAML/],
    ['a missing kind', { apiVersion: 'v1', metadata: { name: 'x' } }, /Object 'Kind' is missing/],
    ['a missing apiVersion', { kind: 'ConfigMap', metadata: { name: 'x' } }, /Object 'apiVersion' is missing/],
    [
      'managedFields in the body',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [] } },
      /metadata.managedFields must be nil/,
    ],
    [
      'a keyed list item without its key',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ image: 'x' }] } },
      /failed to create typed patch object \(\/p; v1, Kind=Pod\): \.spec\.containers\[0\]: associative list with keys has an element that omits key field "name"/,
    ],
    [
      'duplicate keys',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }, { name: 'a' }] } },
      /duplicate entries for key \[name="a"\]/,
    ],
    [
      'a keyed list that is not a list',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: { name: 'a' } } },
      /\.spec\.containers: expected list/,
    ],
    [
      'YAML nested beyond reason',
      `${'- '.repeat(5000)}x`,
      /error decoding YAML: document nested deeper than 256 levels/,
    ],
    [
      'JSON nested beyond reason',
      `${'{"a":'.repeat(600)}1${'}'.repeat(600)}`,
      /error decoding YAML: document nested deeper than 512 levels/,
    ],
    [
      'a struct that is a scalar',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 5 },
      /\.spec: expected map/,
    ],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses ${what} with a BadRequest`, () => {
      const r = applyFails(undefined, body, 'tool');
      assert.equal(r.code, 'BadRequest', r.message);
      assert.match(r.message, message);
    });
  }

  it('refuses an apply in another version of the kind', () => {
    const r = applyFails(apply(undefined, manifest()), { ...manifest(), apiVersion: 'apps/v1beta2' });
    assert.match(
      r.message,
      /Incorrect version specified in apply patch\. Specified patch version: apps\/v1beta2, expected: apps\/v1/,
    );
  });

  it('requires a field manager, and allows force only for apply', () => {
    const noManager = patchFails({ type: 'apply', current: undefined, body: JSON.stringify(manifest()) });
    assert.equal(noManager.code, 'Invalid');
    assert.match(noManager.message, /fieldManager: Required value: is required for apply patch/);
    const forced = patchFails({ type: 'merge', current: deployment(), body: '{}', force: true });
    assert.equal(forced.code, 'Invalid');
    assert.match(forced.message, /force: Forbidden: may not be specified for non-apply patch/);
  });
});
