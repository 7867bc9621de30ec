import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { toTable } from '../../../src/sim/tables/index.js';

const CONFIGMAPS = RESOURCES.find((r) => r.plural === 'configmaps') ?? assert.fail('configmaps');
const NOW = new Date('2024-05-01T12:00:00Z');
const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'cfg',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '41',
    creationTimestamp: '2024-05-01T11:59:00Z',
    labels: { app: 'web' },
  },
  data: { a: '1' },
};

describe('toTable', () => {
  it('builds the meta.k8s.io/v1 Table envelope with PartialObjectMetadata rows by default', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(toTable(CONFIGMAPS, [cm], { resourceVersion: '42' }, NOW))), {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '42' },
      columnDefinitions: [
        {
          name: 'Name',
          type: 'string',
          format: 'name',
          priority: 0,
          description:
            'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
        },
        { name: 'Data', type: 'string', format: '', priority: 0, description: 'Data contains the configuration data.' },
        {
          name: 'Age',
          type: 'string',
          format: '',
          priority: 0,
          description:
            'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
        },
      ],
      rows: [
        {
          cells: ['cfg', 1, '60s'],
          object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata },
        },
      ],
    });
  });

  it('carries the continue token for chunked lists', () => {
    const t = toTable(CONFIGMAPS, [], { resourceVersion: '42', continue: 'eyJydiI6NDJ9' }, NOW) as {
      metadata: unknown;
      rows: unknown[];
    };
    assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'eyJydiI6NDJ9' });
    assert.deepEqual(t.rows, []);
  });

  it('embeds the full object for includeObject=Object and nothing for None', () => {
    const full = toTable(CONFIGMAPS, [cm], { resourceVersion: '42' }, NOW, 'Object') as { rows: { object: unknown }[] };
    assert.deepEqual(full.rows[0]?.object, cm);
    const none = JSON.parse(JSON.stringify(toTable(CONFIGMAPS, [cm], { resourceVersion: '42' }, NOW, 'None')));
    assert.equal(none.rows[0].object, null);
  });

  it('does not modify the objects it prints', () => {
    const frozen = structuredClone(cm);
    Object.freeze(frozen.metadata);
    toTable(CONFIGMAPS, [frozen], { resourceVersion: '1' }, NOW, 'Metadata');
    assert.deepEqual(frozen, cm);
  });
});
