import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidMessage, qualifiedKind, validateObject } from '../../../src/sim/admission/index.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { admitCauses, deployment, MSG, pod, podWith, resource } from './helpers.js';

function named(apiVersion: string, kind: string, name: string, namespaced = true): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespaced ? { namespace: 'default' } : {}) } };
}

describe('metadata.name', () => {
  it('is required unless generateName is set', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } };
    assert.deepEqual(admitCauses(cm), [
      {
        reason: 'FieldValueRequired',
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
      },
    ]);
    assert.deepEqual(admitCauses({ ...cm, metadata: { namespace: 'default', generateName: 'cfg-' } }), []);
  });

  it('must be a DNS-1123 subdomain for most kinds', () => {
    assert.deepEqual(admitCauses(deployment({}, 'Web_App')), [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Web_App": ${MSG.subdomain}` },
    ]);
    assert.deepEqual(admitCauses(named('v1', 'ConfigMap', 'app.config-v1')), []);
  });

  it('reports the length limit separately from the syntax', () => {
    const long = 'a'.repeat(254);
    assert.deepEqual(
      admitCauses(named('v1', 'ConfigMap', long)).map((c) => c.message),
      [`Invalid value: "${long}": must be no more than 253 characters`],
    );
  });

  it('must be a DNS-1123 label for namespaces (no dots)', () => {
    assert.deepEqual(admitCauses(named('v1', 'Namespace', 'team.a', false)), [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: 'Invalid value: "team.a": must not contain dots',
      },
    ]);
    assert.deepEqual(admitCauses(named('v1', 'Namespace', 'Team-A', false)), [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Team-A": ${MSG.label}` },
    ]);
  });

  it('must be a DNS-1035 label for services (starts with a letter)', () => {
    const svc = { ...named('v1', 'Service', '1web'), spec: { ports: [{ port: 80 }] } };
    assert.deepEqual(admitCauses(svc), [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "1web": ${MSG.dns1035}` },
    ]);
  });

  it('allows path-segment names for RBAC kinds but not slashes', () => {
    assert.deepEqual(admitCauses(named('rbac.authorization.k8s.io/v1', 'ClusterRole', 'system:reader', false)), []);
    assert.deepEqual(admitCauses(named('rbac.authorization.k8s.io/v1', 'ClusterRole', 'a/b', false)), [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "a/b": may not contain '/'` },
    ]);
  });

  it('lets generateName end in a dash but checks its characters', () => {
    const gen = (generateName: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'default', generateName },
    });
    assert.deepEqual(admitCauses(gen('job-')), []);
    assert.deepEqual(
      admitCauses(gen('Job-')).map((c) => c.field),
      ['metadata.generateName'],
    );
  });

  it('checks the namespace name too', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'Prod' } };
    assert.deepEqual(admitCauses(cm), [
      { reason: 'FieldValueInvalid', field: 'metadata.namespace', message: `Invalid value: "Prod": ${MSG.label}` },
    ]);
  });
});

describe('labels and annotations', () => {
  it('rejects a label key with a space, naming the name part', () => {
    assert.deepEqual(admitCauses(pod({ containers: [{ name: 'a', image: 'x' }] }, { labels: { 'my app': 'web' } })), [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "my app": name part ${MSG.qualifiedName}`,
      },
    ]);
  });

  it('rejects an invalid prefix', () => {
    const causes = admitCauses(
      pod({ containers: [{ name: 'a', image: 'x' }] }, { labels: { 'Example.com/app': 'x' } }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "Example.com/app": prefix part ${MSG.subdomain}`,
      },
    ]);
  });

  it('rejects a label value with illegal characters or over 63 characters', () => {
    const long = 'v'.repeat(64);
    const causes = admitCauses(
      pod({ containers: [{ name: 'a', image: 'x' }] }, { labels: { app: 'web app', tier: long } }),
    );
    assert.deepEqual(causes, [
      { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "web app": ${MSG.labelValue}` },
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${long}": must be no more than 63 characters`,
      },
    ]);
  });

  it('rejects a key with two slashes', () => {
    const causes = admitCauses(pod({ containers: [{ name: 'a', image: 'x' }] }, { labels: { 'a/b/c': 'x' } }));
    assert.equal(causes.length, 1);
    assert.match(
      causes[0]?.message ?? '',
      /^Invalid value: "a\/b\/c": a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/,
    );
  });

  it('accepts upper-case annotation keys but rejects an empty name part', () => {
    assert.deepEqual(
      admitCauses(pod({ containers: [{ name: 'a', image: 'x' }] }, { annotations: { 'Example.COM/Owner': 'x' } })),
      [],
    );
    assert.deepEqual(
      admitCauses(pod({ containers: [{ name: 'a', image: 'x' }] }, { annotations: { 'example.com/': 'x' } })),
      [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.annotations',
          message: 'Invalid value: "example.com/": name part must be non-empty',
        },
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.annotations',
          message: `Invalid value: "example.com/": name part ${MSG.qualifiedName}`,
        },
      ],
    );
  });

  it('rejects annotations over 256KiB in total', () => {
    const causes = admitCauses(
      pod({ containers: [{ name: 'a', image: 'x' }] }, { annotations: { big: 'x'.repeat(262_144) } }),
    );
    assert.deepEqual(causes, [
      {
        reason: 'FieldValueTooLong',
        field: 'metadata.annotations',
        message: 'Too long: must have at most 262144 bytes',
      },
    ]);
  });
});

describe('invalidMessage', () => {
  const image = {
    reason: 'FieldValueRequired' as const,
    field: 'spec.template.spec.containers[0].image',
    message: 'Required value',
  };
  const name = {
    reason: 'FieldValueRequired' as const,
    field: 'spec.template.spec.containers[0].name',
    message: 'Required value',
  };

  it('prints a single cause without brackets', () => {
    assert.equal(
      invalidMessage('Deployment.apps', 'web', [image]),
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
    );
  });

  it('brackets several causes and drops repeats', () => {
    assert.equal(
      invalidMessage('Deployment.apps', 'web', [name, image, image]),
      'Deployment.apps "web" is invalid: [spec.template.spec.containers[0].name: Required value, spec.template.spec.containers[0].image: Required value]',
    );
  });

  it('qualifies a bare kind with its group and leaves core kinds bare', () => {
    assert.match(invalidMessage('Deployment', 'web', [image]), /^Deployment\.apps "web" is invalid: /);
    assert.match(invalidMessage('CronJob', 'nightly', [image]), /^CronJob\.batch "nightly" is invalid: /);
    assert.match(invalidMessage('Pod', 'web', [image]), /^Pod "web" is invalid: /);
    assert.match(invalidMessage('Event', 'e', [image]), /^Event "e" is invalid: /);
  });

  it('has no colon suffix without causes', () => {
    assert.equal(invalidMessage('Pod', 'web', []), 'Pod "web" is invalid');
  });

  it('matches a real apiserver message end to end', () => {
    const r = resource('', 'Pod');
    const causes = validateObject(r, podWith({ image: '' }));
    assert.equal(
      invalidMessage(qualifiedKind(r), 'web', causes),
      'Pod "web" is invalid: spec.containers[0].image: Required value',
    );
    assert.equal(qualifiedKind(resource('apps', 'StatefulSet')), 'StatefulSet.apps');
  });
});
