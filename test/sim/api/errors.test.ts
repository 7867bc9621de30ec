import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { useSimulator } from '../../helpers/sim.js';

const DEPLOYMENTS = RESOURCES.find((r) => r.plural === 'deployments')!;

interface Status {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

describe('API errors are Status objects with the right code and reason', () => {
  const f = useSimulator({ controllers: false });
  const req = async (method: string, path: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(`${f.sim.url}${path}`, {
      method,
      ...(body !== undefined ? { body, headers: { 'Content-Type': contentType } } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Status };
  };
  const deployment = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        },
      },
      ...over,
    });

  it('404 NotFound for a missing object and for an unknown resource', async () => {
    let r = await req('GET', '/api/v1/namespaces/default/pods/nope');
    assert.equal(r.status, 404);
    assert.equal(r.body.reason, 'NotFound');
    assert.equal(r.body.message, 'pods "nope" not found');
    r = await req('GET', '/api/v1/namespaces/default/widgets');
    assert.equal(r.status, 404);
    assert.equal(r.body.kind, 'Status');
  });

  it('400 BadRequest for malformed JSON and YAML bodies', async () => {
    let r = await req('POST', '/apis/apps/v1/namespaces/default/deployments', '{"apiVersion": ');
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
    r = await req('POST', '/apis/apps/v1/namespaces/default/deployments', 'a: [unclosed', 'application/yaml');
    assert.equal(r.status, 400);
  });

  it('422 Invalid with field causes for what users get wrong', async () => {
    const bad = JSON.parse(deployment()) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.template.spec.containers = [{ name: 'app' }, { name: 'app', image: 'nginx' }];
    const r = await req('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(bad));
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    const fields = (r.body.details?.causes ?? []).map((c) => `${c.field}:${c.reason}`);
    assert.ok(fields.includes('spec.template.spec.containers[0].image:FieldValueRequired'), fields.join(' '));
    assert.ok(fields.includes('spec.template.spec.containers[1].name:FieldValueDuplicate'), fields.join(' '));
    assert.match(r.body.message, /^Deployment\.apps "web" is invalid: /);

    const mismatch = JSON.parse(deployment()) as { spec: { selector: { matchLabels: Record<string, string> } } };
    mismatch.spec.selector.matchLabels = { app: 'other' };
    const m = await req('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(mismatch));
    assert.equal(m.status, 422);
    assert.match(m.body.message, /selector.*does not match template.*labels/);

    const badName = await req(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      JSON.stringify({ metadata: { name: 'Bad_Name' } }),
    );
    assert.equal(badName.status, 422);
    assert.match(badName.body.message, /RFC 1123 subdomain/);

    const quantity = JSON.parse(deployment()) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    quantity.spec.template.spec.containers[0]!.resources = { limits: { memory: '100MB!' } };
    const q = await req('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(quantity));
    assert.equal(q.status, 422);
  });

  it('409 AlreadyExists on duplicate create and Conflict on a stale resourceVersion', async () => {
    assert.equal((await req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment())).status, 201);
    const dup = await req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment());
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    const stale = JSON.parse(deployment()) as KubeObject;
    stale.metadata.resourceVersion = '1';
    const c = await req('PUT', '/apis/apps/v1/namespaces/default/deployments/web', JSON.stringify(stale));
    assert.equal(c.status, 409);
    assert.equal(c.body.reason, 'Conflict');
  });

  it('415 for protobuf bodies, with a hint to use apply -f', async () => {
    const r = await req('POST', '/api/v1/namespaces', 'k8s\u0000\n\u0002v1', 'application/vnd.kubernetes.protobuf');
    assert.equal(r.status, 415);
    assert.equal(r.body.reason, 'UnsupportedMediaType');
    assert.match(r.body.message, /kubectl apply -f/);
    const viaKubectl = await f.kubectl.run(['create', 'namespace', 'proto']);
    assert.notEqual(viaKubectl.code, 0);
    assert.match(viaKubectl.stderr, /UnsupportedMediaType|unknown format/);
  });

  it('413 for bodies over 3 MiB', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await req('POST', '/api/v1/namespaces/default/configmaps', big);
    assert.equal(r.status, 413);
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
  });

  it('400 for a bad label selector and an unsupported field selector', async () => {
    let r = await req('GET', '/api/v1/namespaces/default/pods?labelSelector=' + encodeURIComponent('app in (a'));
    assert.equal(r.status, 400);
    r = await req('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(r.status, 400);
    assert.match(r.body.message, /field label not supported: spec.bogus/);
  });

  it('dryRun=All validates without storing', async () => {
    const other = deployment({ metadata: { name: 'dry' } });
    const r = await req('POST', '/apis/apps/v1/namespaces/default/deployments?dryRun=All', other);
    assert.equal(r.status, 201);
    assert.equal(f.sim.store.get(DEPLOYMENTS, 'default', 'dry'), undefined);
    const before = f.sim.store.get(DEPLOYMENTS, 'default', 'web')!;
    const p = await fetch(`${f.sim.url}/apis/apps/v1/namespaces/default/deployments/web?dryRun=All`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"spec":{"replicas":9}}',
    });
    assert.equal(p.status, 200);
    assert.equal(((await p.json()) as { spec: { replicas: number } }).spec.replicas, 9);
    assert.equal(f.sim.store.get(DEPLOYMENTS, 'default', 'web'), before);
  });

  it('creating in a missing namespace is NotFound; generateName fills a name', async () => {
    const r = await req('POST', '/api/v1/namespaces/ghost/configmaps', JSON.stringify({ metadata: { name: 'x' } }));
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'namespaces "ghost" not found');
    const g = await fetch(`${f.sim.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { generateName: 'gen-' } }),
    });
    assert.equal(g.status, 201);
    assert.match(((await g.json()) as KubeObject).metadata.name!, /^gen-[a-z0-9]{5}$/);
  });

  it('deleting a namespace removes its contents', async () => {
    assert.equal(
      (await req('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'doomed' } }))).status,
      201,
    );
    assert.equal(
      (await req('POST', '/api/v1/namespaces/doomed/configmaps', JSON.stringify({ metadata: { name: 'c' } }))).status,
      201,
    );
    const r = await f.kubectl.run(['delete', 'namespace', 'doomed']);
    assert.equal(r.code, 0, r.stderr);
    const gone = await req('GET', '/api/v1/namespaces/doomed/configmaps/c');
    assert.equal(gone.status, 404);
    assert.equal((await req('GET', '/api/v1/namespaces/doomed')).status, 404);
  });
});
