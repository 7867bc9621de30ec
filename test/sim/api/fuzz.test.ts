import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { RESOURCES } from '../../../src/sim/resources.js';
import { prng } from '../../helpers/prng.js';
import { useSimulator } from '../../helpers/sim.js';

const DEPLOYMENTS = RESOURCES.find((r) => r.plural === 'deployments')!;

const SENTINEL = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'sentinel', namespace: 'guarded', labels: { app: 'sentinel' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'sentinel' } },
    template: {
      metadata: { labels: { app: 'sentinel' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    },
  },
};

function send(
  base: string,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  contentType: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = request(
      url,
      {
        method,
        headers: {
          'Content-Type': contentType,
          ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('the API server under a randomized barrage of malformed requests', () => {
  const f = useSimulator({ controllers: false });

  it('never crashes, never answers 500, never corrupts stored objects', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    const rand = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    // The sentinel lives in its own namespace: random DELETEs on collections elsewhere are valid and must not reach it.
    await send(
      f.sim.url,
      'POST',
      '/api/v1/namespaces',
      JSON.stringify({ metadata: { name: 'guarded' } }),
      'application/json',
    );
    const created = await send(
      f.sim.url,
      'POST',
      '/apis/apps/v1/namespaces/guarded/deployments',
      JSON.stringify(SENTINEL),
      'application/json',
    );
    assert.equal(created.status, 201, created.body);
    const before = JSON.stringify(f.sim.store.get(DEPLOYMENTS, 'guarded', 'sentinel'));

    const paths = [
      '/apis/apps/v1/namespaces/default/deployments',
      '/apis/apps/v1/namespaces/default/deployments/fuzz',
      '/apis/apps/v1/namespaces/default/deployments/fuzz/scale',
      '/apis/apps/v1/namespaces/default/deployments/fuzz/status',
      '/api/v1/namespaces/default/pods',
      '/api/v1/namespaces/default/pods/fuzz',
      '/api/v1/namespaces/default/pods/fuzz/log',
      '/api/v1/namespaces/default/configmaps',
      '/api/v1/namespaces',
      '/api/v1/namespaces/%zz/pods',
      '/apis/nope/v9/things',
      '/api/v1/namespaces/default/pods?labelSelector=a%20in%20(',
      '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=x,bogus',
      '/api/v1/namespaces/default/pods?limit=abc',
      '/api/v1/namespaces/default/pods?continue=%%%',
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc',
    ];
    const contentTypes = [
      'application/json',
      'application/yaml',
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
      'application/vnd.kubernetes.protobuf',
      'text/plain',
    ];
    const bodies: (() => string)[] = [
      () => '',
      () => '{',
      () => 'null',
      () => '[]',
      () => '"str"',
      () => '12',
      () => JSON.stringify({ metadata: 'nope' }),
      () => JSON.stringify({ metadata: { name: 42 } }),
      () =>
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'fuzz' },
          spec: { replicas: 'many' },
        }),
      () =>
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'fuzz' },
          spec: { template: 7 },
        }),
      () => JSON.stringify({ kind: 'Pod', metadata: { name: 'fuzz' }, spec: { containers: 'x' } }),
      () => JSON.stringify({ kind: 'Pod', metadata: { name: 'fuzz' }, spec: { containers: [{ name: 7, image: {} }] } }),
      () => JSON.stringify([{ op: 'remove', path: '/spec/nothing' }]),
      () => JSON.stringify([{ op: 'bogus' }]),
      () => JSON.stringify([{ op: 'replace', path: '/metadata/name', value: 'renamed' }]),
      () => JSON.stringify({ spec: { template: { spec: { containers: [{ $patch: 'explode' }] } } } }),
      () => JSON.stringify({ spec: { $setElementOrder: 3, replicas: -1 } }),
      () => JSON.stringify({ metadata: { namespace: 'elsewhere' } }),
      () => JSON.stringify({ unknownField: { deeply: [1, 2, { x: null }] } }),
      () => 'a: [b\n  - c: {',
      () => '\u0000\u0001\u0002\ufffd'.repeat(20),
      () => JSON.stringify({ spec: { replicas: 1e308 } }),
      () => '{"a":'.repeat(2000),
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const sentinelPaths = [
      '/apis/apps/v1/namespaces/guarded/deployments/sentinel',
      '/apis/apps/v1/namespaces/guarded/deployments/sentinel/scale',
    ];
    const statuses = new Map<number, number>();
    const N = 2500;
    for (let i = 0; i < N; i++) {
      // A third of the requests aim bad patches/updates at the sentinel object, which must survive untouched.
      const atSentinel = rand() < 0.33;
      const method = atSentinel ? pick(['PUT', 'PATCH']) : pick(methods);
      const path = atSentinel ? pick(sentinelPaths) : pick(paths);
      const body = method === 'GET' ? undefined : pick(bodies)();
      const ct = pick(contentTypes);
      const r = await send(f.sim.url, method, path, body, ct);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      assert.notEqual(
        r.status,
        500,
        `seed ${seed}, request ${i}: ${method} ${path} [${ct}] ${String(body).slice(0, 200)} -> ${r.body}`,
      );
      if (r.status >= 400 && !path.includes('watch=true')) {
        const status = JSON.parse(r.body) as { kind: string; code: number };
        assert.equal(status.kind, 'Status', `seed ${seed}: non-Status error body ${r.body.slice(0, 200)}`);
        assert.equal(status.code, r.status);
      }
    }
    const after = JSON.stringify(f.sim.store.get(DEPLOYMENTS, 'guarded', 'sentinel'));
    // Only valid changes could have reached the sentinel; malformed ones must leave it byte-identical or validly changed.
    const original = JSON.parse(before) as { metadata: { uid: string; name: string } };
    const parsed = JSON.parse(after) as {
      metadata: { uid: string; name: string };
      spec: { replicas: unknown; template: { spec: { containers: { name: unknown; image: unknown }[] } } };
    };
    assert.equal(parsed.metadata.uid, original.metadata.uid);
    assert.equal(parsed.metadata.name, 'sentinel');
    assert.equal(typeof parsed.spec.replicas, 'number');
    for (const c of parsed.spec.template.spec.containers) {
      assert.equal(typeof c.name, 'string');
      assert.equal(typeof c.image, 'string');
    }
    const alive = await send(f.sim.url, 'GET', '/version', undefined, 'application/json');
    assert.equal(alive.status, 200);
    assert.ok((statuses.get(400) ?? 0) > 100, `expected many 400s, got ${JSON.stringify([...statuses])}`);
  });
});
