// Thousands of random, malformed and half-right patch bodies against a live Deployment: the engine must
// answer every one with a result (never throw), never modify the live object, and never return an object
// that shares structure with it. The live object is deep-frozen, so any write to it throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { applyPatch, type PatchType } from '../../../src/sim/patch/index.js';
import { prng as rng } from '../../helpers/prng.js';
import { at, deployment, NOW } from './fixtures.js';

const FIELDS = [
  'metadata',
  'spec',
  'status',
  'template',
  'containers',
  'initContainers',
  'env',
  'ports',
  'volumes',
  'volumeMounts',
  'name',
  'image',
  'args',
  'labels',
  'annotations',
  'finalizers',
  'replicas',
  'selector',
  'matchLabels',
  'containerPort',
  'mountPath',
  'conditions',
  'type',
  'tolerations',
  'ownerReferences',
  'uid',
  'strategy',
  'rollingUpdate',
  'apiVersion',
  'kind',
  'managedFields',
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '$setElementOrder/finalizers',
  '$deleteFromPrimitiveList/finalizers',
  '$setElementOrder/env',
  '$deleteFromPrimitiveList/args',
  '$setElementOrder',
  'constructor',
  'toString',
  'hasOwnProperty',
  'app',
  'sidecar',
  'A',
  'B',
];
const STRINGS = [
  'app',
  'sidecar',
  'A',
  'replace',
  'delete',
  'merge',
  'retainKeys',
  'nginx',
  '',
  'example.com/a',
  'TCP',
  'Deployment',
  'apps/v1',
];
const PATHS = [
  '',
  '/',
  '/spec',
  '/spec/replicas',
  '/metadata/labels/app',
  '/metadata/finalizers/0',
  '/metadata/finalizers/-',
  '/spec/template/spec/containers/0/image',
  '/spec/template/spec/containers/1',
  '/spec/template/spec/containers/-',
  '/spec/template/spec/containers/0/env/5',
  '/nope/deeper',
  '/metadata',
  '/kind',
  '/apiVersion',
  '/metadata/name',
  'spec',
  '/spec/template/spec/tolerations/0/key',
  '/metadata/annotations/a~1b',
  '/status/conditions/0',
];

type Gen = () => number;
const pick = <T>(r: Gen, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function randomValue(r: Gen, depth: number): unknown {
  const roll = r();
  if (depth <= 0 || roll < 0.3) {
    return pick(r, [null, true, false, 0, 1, -3.5, 8080, pick(r, STRINGS), pick(r, STRINGS), pick(r, FIELDS)]);
  }
  if (roll < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(r, FIELDS)] = randomValue(r, depth - 1);
  return o;
}

/** Random bodies that look like strategic, merge or apply documents for a Deployment. */
function randomObjectBody(r: Gen): string {
  const containers = Array.from({ length: Math.floor(r() * 3) }, () => {
    const c = randomValue(r, 2);
    return c && typeof c === 'object' && !Array.isArray(c) && r() < 0.7
      ? { name: pick(r, ['app', 'sidecar', 'new']), ...c }
      : c;
  });
  const doc: Record<string, unknown> = {
    spec: { template: { spec: r() < 0.5 ? { containers } : randomValue(r, 3) } },
  };
  if (r() < 0.5) doc.metadata = randomValue(r, 3);
  if (r() < 0.3) doc[pick(r, FIELDS)] = randomValue(r, 4);
  if (r() < 0.6) Object.assign(doc, { apiVersion: 'apps/v1', kind: 'Deployment' });
  if (r() < 0.2) doc.metadata = { name: 'web', ...(doc.metadata as object) };
  return JSON.stringify(r() < 0.1 ? randomValue(r, 4) : doc);
}

function randomJsonPatchBody(r: Gen): string {
  const ops = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const op: Record<string, unknown> = { op: pick(r, ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus']) };
    if (r() < 0.95) op.path = r() < 0.9 ? pick(r, PATHS) : randomValue(r, 1);
    if (r() < 0.7) op.value = randomValue(r, 3);
    if (r() < 0.3) op.from = pick(r, PATHS);
    return r() < 0.05 ? randomValue(r, 2) : op;
  });
  return JSON.stringify(r() < 0.05 ? randomValue(r, 3) : ops);
}

/** Truncations, byte flips and YAML-ish garbage of an otherwise plausible body. */
function corrupt(r: Gen, body: string): string {
  switch (Math.floor(r() * 5)) {
    case 0:
      return body.slice(0, Math.floor(r() * body.length));
    case 1: {
      const i = Math.floor(r() * body.length);
      return (
        body.slice(0, i) +
        pick(r, ['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'null', '-', '&a', '*a', '!!binary']) +
        body.slice(i + 1)
      );
    }
    case 2:
      return pick(r, [
        '',
        ' ',
        'null',
        '[]',
        '{}',
        '0',
        '"x"',
        'true',
        'a: [',
        'a: *x',
        '--- a\n--- b',
        '.inf',
        '{"a":1e999}',
      ]);
    case 3: {
      const n = 100 + Math.floor(r() * 5000);
      return pick(r, [
        '['.repeat(n),
        `${'['.repeat(n)}${']'.repeat(n)}`,
        `${'{"spec":'.repeat(n)}1${'}'.repeat(n)}`,
        `${'- '.repeat(n)}x`,
      ]);
    }
    default:
      return body.replace(/"name"/g, () => pick(r, ['"name"', '"nam"', '"$patch"', '"__proto__"']));
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function hasFrozenPart(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  return Object.isFrozen(v) || Object.values(v).some(hasFrozenPart);
}

/** A Deployment as server-side apply left it, so conflicts and pruning get exercised too. */
function appliedDeployment(): KubeObject {
  const base = deployment();
  const r = applyPatch({
    type: 'apply',
    current: undefined,
    body: JSON.stringify(base),
    fieldManager: 'kubectl',
    now: NOW,
  });
  assert.ok(r.ok);
  return r.object;
}

describe('patch engine robustness', () => {
  it('answers thousands of random and malformed bodies without throwing or touching the live object', () => {
    const seed = 20250301;
    const r = rng(seed);
    const lives = [deployment(), appliedDeployment()];
    const snapshots = lives.map((l) => structuredClone(l));
    for (const l of lives) deepFreeze(l);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const type = pick(r, ['json', 'merge', 'strategic', 'apply'] as const satisfies readonly PatchType[]);
      let body = type === 'json' ? randomJsonPatchBody(r) : randomObjectBody(r);
      if (r() < 0.25) body = corrupt(r, body);
      const which = Math.floor(r() * lives.length);
      const current = type === 'apply' && r() < 0.2 ? undefined : lives[which];
      const args = {
        type,
        current,
        body,
        now: NOW,
        ...(type === 'apply' || r() < 0.05 ? { fieldManager: r() < 0.05 ? '' : pick(r, ['kubectl', 'other']) } : {}),
        ...(r() < 0.1 ? { force: r() < 0.5 } : {}),
      };
      let result: ReturnType<typeof applyPatch>;
      try {
        result = applyPatch(args);
      } catch (e) {
        assert.fail(`seed ${seed} iteration ${i}: ${type} threw ${(e as Error).stack}\nbody: ${body.slice(0, 500)}`);
      }
      const key = result.ok ? `${type}:ok` : `${type}:${result.code}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (result.ok) {
        assert.equal(typeof result.object.apiVersion, 'string');
        assert.equal(typeof result.object.kind, 'string');
        assert.ok(result.object.metadata && typeof result.object.metadata === 'object');
        assert.doesNotThrow(() => JSON.stringify(result.object));
        assert.equal(
          hasFrozenPart(result.object),
          false,
          `iteration ${i}: result shares structure with the live object`,
        );
      } else {
        assert.ok(result.message.length > 0);
      }
    }
    for (const [i, l] of lives.entries()) assert.deepEqual(l, snapshots[i]);
    // The generator must reach both sides of every engine, or the test proves little.
    for (const type of ['json', 'merge', 'strategic', 'apply']) {
      assert.ok((outcomes.get(`${type}:ok`) ?? 0) > 20, `too few successful ${type} patches: ${[...outcomes]}`);
      assert.ok((outcomes.get(`${type}:BadRequest`) ?? 0) > 20, `too few rejected ${type} patches: ${[...outcomes]}`);
    }
  });
});

/** Whether every path a FieldsV1 tree names exists in `obj` (list items found by their key fields). */
function pathsExist(obj: unknown, fields: unknown, where = ''): string[] {
  const missing: string[] = [];
  if (!fields || typeof fields !== 'object') return missing;
  for (const [element, sub] of Object.entries(fields)) {
    if (element === '.') continue;
    const body = element.slice(2);
    let child: unknown;
    if (element.startsWith('f:')) {
      child =
        obj && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>)[body] : undefined;
    } else if (element.startsWith('k:')) {
      const key = JSON.parse(body) as Record<string, unknown>;
      child = Array.isArray(obj)
        ? obj.find((item) =>
            Object.entries(key).every(([k, v]) => (item?.[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === v),
          )
        : undefined;
    } else if (element.startsWith('v:')) {
      child = Array.isArray(obj) && obj.includes(JSON.parse(body)) ? true : undefined;
    }
    if (child === undefined) missing.push(`${where}/${element}`);
    else missing.push(...pathsExist(child, sub, `${where}/${element}`));
  }
  return missing;
}

describe('server-side apply under random managers', () => {
  it('keeps values, ownership and idempotence consistent across hundreds of applies', () => {
    const seed = 7;
    const r = rng(seed);
    let state: KubeObject | undefined;
    let conflicts = 0;
    let applies = 0;
    for (let i = 0; i < 400; i++) {
      const manager = pick(r, ['kubectl', 'helm', 'scaler']);
      const containers = ['app', 'sidecar', 'extra']
        .filter(() => r() < 0.6)
        .map((name) => ({
          name,
          ...(r() < 0.8 ? { image: `${name}:${Math.floor(r() * 3)}` } : {}),
          ...(r() < 0.4 ? { env: [{ name: 'X', value: String(Math.floor(r() * 2)) }] } : {}),
          ...(r() < 0.3 ? { ports: [{ containerPort: 80 + Math.floor(r() * 2) }] } : {}),
        }));
      const spec: Record<string, unknown> = {};
      if (r() < 0.6) spec.replicas = 1 + Math.floor(r() * 3);
      if (containers.length > 0) spec.template = { spec: { containers } };
      const labels = Object.fromEntries(
        ['a', 'b', 'c'].filter(() => r() < 0.4).map((k) => [k, String(Math.floor(r() * 2))]),
      );
      const body = JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default', ...(Object.keys(labels).length ? { labels } : {}) },
        spec,
      });
      const force = r() < 0.3;
      const frozen = state ? deepFreeze(structuredClone(state)) : undefined;
      const result = applyPatch({ type: 'apply', current: frozen, body, fieldManager: manager, force, now: NOW });
      if (!result.ok) {
        assert.equal(result.code, 'Conflict', `iteration ${i}: ${result.message}`);
        assert.equal(force, false, `iteration ${i}: a forced apply conflicted`);
        conflicts++;
        continue;
      }
      applies++;
      const out = result.object;
      if (spec.replicas !== undefined) assert.equal(at(out, 'spec', 'replicas'), spec.replicas, `iteration ${i}`);
      for (const c of containers) {
        const live = (at(out, 'spec', 'template', 'spec', 'containers') as { name: string; image?: string }[]).find(
          (x) => x.name === c.name,
        );
        assert.ok(live, `iteration ${i}: container ${c.name} missing`);
        if (c.image) assert.equal(live.image, c.image, `iteration ${i}`);
      }
      const entries = out.metadata.managedFields ?? [];
      const owners = entries.map((e) => `${at(e, 'manager')}/${at(e, 'operation')}`);
      assert.equal(new Set(owners).size, owners.length, `iteration ${i}: duplicate managers ${owners}`);
      for (const e of entries) {
        assert.deepEqual(
          pathsExist(out, at(e, 'fieldsV1')),
          [],
          `iteration ${i}: ${at(e, 'manager')} owns missing paths`,
        );
      }
      const again = applyPatch({
        type: 'apply',
        current: out,
        body,
        fieldManager: manager,
        force: false,
        now: '2030-01-01T00:00:00Z',
      });
      assert.ok(again.ok, `iteration ${i}: re-apply failed`);
      assert.deepEqual(again.object, out, `iteration ${i}: re-applying the same body changed the object`);
      state = out;
    }
    assert.ok(conflicts > 10 && applies > 100, `conflicts ${conflicts}, applies ${applies}`);
  });
});
