// applyScenario / applyFix through the API alone (the simulator's controllers are off, so nothing reacts):
// what reaches the cluster, in what order, with which field manager, and how failures are reported.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  applyScenario,
  getScenario,
  SCENARIO_FIELD_MANAGER,
  type Scenario,
} from '../../../src/sim/scenarios/index.js';
import { useSimulator } from '../../helpers/sim.js';

const fx = useSimulator({ controllers: false, nodes: 2 });

async function getJson<T>(args: string[]): Promise<T> {
  const r = await fx.kubectl.run(['get', ...args, '-o', 'json', '--show-managed-fields']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

interface Obj {
  metadata: {
    uid: string;
    generation?: number;
    managedFields?: { manager: string; operation: string }[];
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: { args?: string[]; image?: string }[] } } };
}

function custom(name: string, manifests: string, fix: Scenario['fix'], stages?: string[]): Scenario {
  return {
    name,
    title: name,
    description: name,
    namespace: name,
    manifests,
    ...(stages ? { stages } : {}),
    expect: { failureClass: 'Healthy', workload: { kind: 'Namespace', name } },
    fix,
    directory: '',
  };
}

const configMap = (ns: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;
const namespace = (ns: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\n`;

describe('applyScenario', () => {
  it('server-side applies every object, namespace first, as the kubemend-scenario field manager', async () => {
    const s = getScenario('missing-configmap-key');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    const deploy = await getJson<Obj>(['deployment', 'notifier', '-n', s.namespace]);
    assert.ok(
      deploy.metadata.managedFields?.some((f) => f.manager === SCENARIO_FIELD_MANAGER && f.operation === 'Apply'),
    );
    const cm = await getJson<Obj>(['configmap', 'notifier-config', '-n', s.namespace]);
    assert.equal(cm.data?.log_level, 'info');
    // Applying again is harmless: the same object, the same spec (no new rollout).
    await applyScenario(fx.sim.kubeconfigPath, s);
    const again = await getJson<Obj>(['deployment', 'notifier', '-n', s.namespace]);
    assert.deepEqual(
      [again.metadata.uid, again.metadata.generation],
      [deploy.metadata.uid, deploy.metadata.generation],
    );
  });

  it('holds a later stage back until the previous one has rolled out', async () => {
    const s = getScenario('bad-image-tag-after-rollout');
    assert.ok(s);
    // No controllers: the first rollout never completes, so the bad tag must never be applied.
    await assert.rejects(applyScenario(fx.sim.kubeconfigPath, s, { timeoutMs: 500 }), {
      code: 'ScenarioApplyFailed',
      message: /Deployment\/web did not finish rolling out within 500 ms/,
    });
    const deploy = await getJson<Obj>(['deployment', 'web', '-n', s.namespace]);
    assert.equal(deploy.spec?.template?.spec?.containers?.[0]?.image, 'nginx:1.27.5');
  });

  it('refuses to create a node the simulator does not run', async () => {
    const s = custom(
      'node-missing',
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: sim-node-3\n  annotations:\n    sim.kubemend.io/condition-ready: "False"\n',
      {
        description: 'none',
      },
    );
    await assert.rejects(applyScenario(fx.sim.kubeconfigPath, s), {
      code: 'ScenarioApplyFailed',
      message: /node sim-node-3 does not exist/,
    });
    assert.equal((await fx.kubectl.run(['get', 'node', 'sim-node-3'])).code, 1);
  });

  it("reports the API server's refusal with the object it was about", async () => {
    const s = custom(
      'refused',
      `${namespace('refused')}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: no-selector\n  namespace: refused\nspec:\n  template:\n    spec:\n      containers: []\n`,
      {
        description: 'none',
      },
    );
    await assert.rejects(applyScenario(fx.sim.kubeconfigPath, s), {
      code: 'ScenarioApplyFailed',
      message: /cannot apply Deployment\/no-selector in namespace refused: .*is invalid/,
    });
  });
});

describe('applyFix', () => {
  it('deletes an immutable object first, then applies the corrected one', async () => {
    const s = getScenario('job-backoff-limit');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    const before = await getJson<Obj>(['job', 'db-migrate', '-n', s.namespace]);
    await applyFix(fx.sim.kubeconfigPath, s);
    const after = await getJson<Obj>(['job', 'db-migrate', '-n', s.namespace]);
    assert.notEqual(after.metadata.uid, before.metadata.uid);
    assert.match(
      after.spec?.template?.spec?.containers?.[0]?.args?.[0] ?? '',
      /cat \/migrations\/001-create-users\.sql/,
    );
  });

  it('removes what the corrected manifest no longer says (server-side apply ownership)', async () => {
    const s = getScenario('node-selector-mismatch');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    await applyFix(fx.sim.kubeconfigPath, s);
    const r = await fx.kubectl.run([
      'get',
      'deployment',
      'cache',
      '-n',
      s.namespace,
      '-o',
      'jsonpath={.spec.template.spec.nodeSelector}',
    ]);
    assert.equal(r.stdout, '');
  });

  const patches: [Scenario['fix'] & { patch: NonNullable<Scenario['fix']['patch']> }, Record<string, string>][] = [
    [
      {
        description: 'merge',
        patch: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'settings',
          type: 'merge',
          body: { data: { mode: 'fast', old: null } },
        },
      },
      { mode: 'fast', keep: '1' },
    ],
    [
      {
        description: 'strategic',
        patch: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'settings',
          type: 'strategic',
          body: { data: { mode: 'safe' } },
        },
      },
      { mode: 'safe', old: 'x', keep: '1' },
    ],
    [
      {
        description: 'json',
        patch: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'settings',
          type: 'json',
          body: [
            { op: 'test', path: '/data/old', value: 'x' },
            { op: 'remove', path: '/data/old' },
            { op: 'add', path: '/data/mode', value: 'json' },
          ],
        },
      },
      { mode: 'json', keep: '1' },
    ],
  ];
  for (const [fix, want] of patches) {
    it(`applies a ${fix.patch.type} patch in the scenario's namespace`, async () => {
      const ns = `patch-${fix.patch.type}`;
      const s = custom(ns, `${namespace(ns)}${configMap(ns, { old: 'x', keep: '1' })}`, fix);
      await applyScenario(fx.sim.kubeconfigPath, s);
      await applyFix(fx.sim.kubeconfigPath, s);
      assert.deepEqual((await getJson<Obj>(['configmap', 'settings', '-n', ns])).data, want);
    });
  }

  it('reports a JSON patch that does not apply without changing the object', async () => {
    const ns = 'patch-bad-json';
    const s = custom(ns, `${namespace(ns)}${configMap(ns, { keep: '1' })}`, {
      description: 'bad',
      patch: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'settings',
        type: 'json',
        body: [{ op: 'test', path: '/data/keep', value: '2' }],
      },
    });
    await applyScenario(fx.sim.kubeconfigPath, s);
    await assert.rejects(applyFix(fx.sim.kubeconfigPath, s), {
      code: 'ScenarioApplyFailed',
      message: /cannot patch ConfigMap\/settings/,
    });
    assert.deepEqual((await getJson<Obj>(['configmap', 'settings', '-n', ns])).data, { keep: '1' });
  });
});
