// Admission and printing run on whatever clients send; a malformed manifest must come back as causes (or a
// table row), never as an exception that would turn into a 500.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultObject, validateObject } from '../../../src/sim/admission/index.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { toTable } from '../../../src/sim/tables/index.js';
import { prng } from '../../helpers/prng.js';
import { deployment, podWith } from './helpers.js';

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  'Always',
  '100Mi',
  true,
  [],
  {},
  [1, 'a'],
  { a: 1 },
  ['TCP'],
  70000,
];

/** Every path (as key lists) of containers and records inside a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let cur: unknown = root;
  for (const k of path.slice(0, -1)) {
    // An earlier mutation may have replaced a parent with a scalar.
    if (!cur || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  const last = path.at(-1);
  if (last !== undefined && cur && typeof cur === 'object')
    (cur as Record<string | number, unknown>)[last] = structuredClone(value);
}

const SEEDS: KubeObject[] = [
  podWith({
    ports: [{ containerPort: 80 }],
    resources: { limits: { cpu: '1' } },
    env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }],
    livenessProbe: { httpGet: { port: 80 } },
  }),
  deployment({ strategy: { rollingUpdate: { maxSurge: 1 } } }),
  {
    ...deployment(),
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    spec: {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'b' }] } } } },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'default' },
    spec: { ports: [{ port: 80, nodePort: 30001 }], selector: { a: 'b' }, type: 'NodePort' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default' },
    stringData: { a: 'b' },
    type: 'kubernetes.io/tls',
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  },
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    series: { count: 2 },
  },
];

describe('malformed objects', () => {
  it('never make admission or printing throw', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 4242);
    const rand = prng(seed);
    const now = new Date('2024-05-01T00:00:00Z');
    let checked = 0;
    for (const base of SEEDS) {
      const slash = base.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : base.apiVersion.slice(0, slash);
      const r = RESOURCES.find((x) => x.group === group && x.kind === base.kind) ?? assert.fail(base.kind);
      // The store refuses objects without a metadata object, so only what is inside it varies.
      const all = paths(base).filter((p) => p.length > 0 && !['apiVersion', 'kind', 'metadata'].includes(p.join('.')));
      for (let i = 0; i < 300; i++) {
        const obj = structuredClone(base) as unknown as Record<string, unknown>;
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--)
          setAt(obj, all[Math.floor(rand() * all.length)] ?? [], ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)]);
        const input = obj as unknown as KubeObject;
        const ctx = `seed ${seed}, ${base.kind}: ${JSON.stringify(obj)}`;
        try {
          const defaulted = defaultObject(r, input);
          assert.ok(Array.isArray(validateObject(r, defaulted)), ctx);
          assert.ok(Array.isArray(validateObject(r, defaulted, defaultObject(r, base))), ctx);
          JSON.stringify(toTable(r, [defaulted, input], { resourceVersion: '1' }, now, 'Object'));
        } catch (e) {
          assert.fail(`${ctx}\n${(e as Error).stack}`);
        }
        checked++;
      }
    }
    assert.equal(checked, SEEDS.length * 300);
  });
});

describe('odd shapes in every printer', () => {
  it('prints a row for every resource whatever its fields hold', () => {
    const now = new Date('2024-05-01T00:00:00Z');
    const fields = [
      'spec',
      'status',
      'data',
      'subsets',
      'involvedObject',
      'roleRef',
      'subjects',
      'ports',
      'endpoints',
      'webhooks',
      'series',
    ];
    for (const r of RESOURCES)
      for (const odd of ODD_VALUES) {
        const obj = {
          apiVersion: r.group === '' ? r.version : `${r.group}/${r.version}`,
          kind: r.kind,
          metadata: { name: 'x', labels: odd, annotations: odd, creationTimestamp: odd, deletionTimestamp: odd },
          ...Object.fromEntries(fields.map((f) => [f, odd])),
        } as unknown as KubeObject;
        const table = toTable(r, [obj], { resourceVersion: '1' }, now) as {
          rows: { cells: unknown[] }[];
          columnDefinitions: unknown[];
        };
        assert.equal(
          table.rows[0]?.cells.length,
          table.columnDefinitions.length,
          `${r.kind} with ${JSON.stringify(odd)}`,
        );
      }
  });
});
