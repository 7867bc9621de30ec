import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactObject } from '../../src/redact/index.js';

describe('redactObject', () => {
  it('masks every Secret data and stringData value, keeping the keys', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      type: 'Opaque',
      data: { username: 'YWRtaW4=', password: 'aHVudGVyMg==' },
      stringData: { extra: 'plain' },
    };
    const r = redactObject(secret);
    assert.deepEqual((r.value as typeof secret).data, { username: REDACTED, password: REDACTED });
    assert.deepEqual((r.value as typeof secret).stringData, { extra: REDACTED });
    assert.equal(r.count, 3);
    assert.equal(secret.data.password, 'aHVudGVyMg==', 'the input is not modified');
  });

  it('masks literal env values with credential names and keeps valueFrom references', () => {
    const containerSpec = {
      name: 'app',
      env: [
        { name: 'DB_PASSWORD', value: 'hunter2' },
        { name: 'DB_HOST', value: 'db.shop.svc' },
        { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      ],
      args: ['--password=hunter2', '--port=8080'],
    };
    const r = redactObject(containerSpec);
    const out = r.value as typeof containerSpec;
    assert.deepEqual(out.env, [
      { name: 'DB_PASSWORD', value: REDACTED },
      { name: 'DB_HOST', value: 'db.shop.svc' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
    assert.deepEqual(out.args, [`--password=${REDACTED}`, '--port=8080']);
    assert.equal(r.count, 2);
  });

  it('masks the Secret kubectl keeps in last-applied-configuration', () => {
    const applied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: 'hunter2' },
    });
    const r = redactObject({
      kind: 'Secret',
      metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } },
      data: {},
    });
    assert.ok(!JSON.stringify(r.value).includes('hunter2'));
  });

  it('masks strings under credential-like keys and runs text rules on the rest', () => {
    const r = redactObject({
      data: { DB_PASSWORD: 'x1', url: 'https://u:p4ss@host' },
      when: new Date('2025-01-01T00:00:00Z'),
    });
    assert.deepEqual(r.value, {
      data: { DB_PASSWORD: REDACTED, url: `https://u:${REDACTED}@host` },
      when: '2025-01-01T00:00:00.000Z',
    });
  });

  it('masks known values inside nested strings', () => {
    const r = redactObject({ message: 'login as root with S3cretValue failed' }, { known: ['S3cretValue'] });
    assert.deepEqual(r.value, { message: `login as root with ${REDACTED} failed` });
  });
});
