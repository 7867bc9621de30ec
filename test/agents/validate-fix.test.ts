import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateFixTool } from '../../src/agents/tools/validate-fix-tool.js';
import { connect } from '../../src/kube/connect.js';
import type { KubeObject } from '../../src/sim/objects.js';
import { RESOURCES } from '../../src/sim/resources.js';
import { useSimulator } from '../helpers/sim.js';

const DEPLOYMENTS = RESOURCES.find((r) => r.plural === 'deployments')!;

describe('validate_fix: a server-side dry-run of a proposed Fix', () => {
  const f = useSimulator({ controllers: false });

  it('accepts a JSON-patch Fix without changing the object, and rejects one the API server refuses', async () => {
    f.sim.store.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'api', image: 'busybox', args: ['sleep', '--forever'] }] },
        },
      },
    } as KubeObject);
    const before = f.sim.store.get(DEPLOYMENTS, 'default', 'api')!;
    const conn = connect({ kubeconfig: f.sim.kubeconfigPath });
    assert.ok(conn.ok);
    const tool = validateFixTool(conn.value);
    const fix = (value: unknown) => ({
      kind: 'patch' as const,
      target: {
        kind: 'Deployment',
        namespace: 'default',
        name: 'api',
        resourceVersion: before.metadata.resourceVersion!,
      },
      patch: { type: 'json' as const, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/args', value }] },
      expected: 'the container stays up',
      risk: 'low' as const,
      undo: { description: 'restore the args' },
    });
    const ok = await tool.run({ fix: fix(['sleep', 'infinity']) }, {});
    assert.ok(ok.ok, ok.ok ? '' : ok.message);
    assert.equal(f.sim.store.get(DEPLOYMENTS, 'default', 'api'), before, 'a dry-run changes nothing');

    const bad = await tool.run(
      { fix: { ...fix([]), patch: { type: 'json', body: [{ op: 'replace', path: '/spec/replicas', value: -3 }] } } },
      {},
    );
    assert.equal(bad.ok, false);
  });
});
