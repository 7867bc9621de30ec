import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCredentialName, REDACTED, redactText } from '../../src/redact/index.js';

function red(s: string, known?: string[]) {
  return redactText(s, known ? { known } : {});
}

describe('redactText', () => {
  it('masks key=value and key: value pairs whose key names a credential', () => {
    assert.equal(
      red('connecting with password=hunter2 user=bob').value,
      `connecting with password=${REDACTED} user=bob`,
    );
    assert.equal(red('DB_PASSWORD: s3cr3t').value, `DB_PASSWORD: ${REDACTED}`);
    assert.equal(red('{"api_key": "abc 123", "user": "x"}').value, `{"api_key": "${REDACTED}", "user": "x"}`);
    assert.equal(red('--token=abcdef --verbose').value, `--token=${REDACTED} --verbose`);
    assert.equal(red('GET /login?user=a&secret=zz9&x=1').value, `GET /login?user=a&secret=${REDACTED}&x=1`);
    assert.equal(red("client_secret='with spaces inside'").value, `client_secret='${REDACTED}'`);
  });

  it('keeps keys that only describe a credential, and ordinary words', () => {
    for (const s of [
      'secretName: db-creds',
      'TOKEN_FILE=/var/run/token',
      'author: Jane',
      'status: passed',
      'key: DB_HOST',
    ]) {
      assert.equal(red(s).value, s, s);
      assert.equal(red(s).count, 0, s);
    }
  });

  it('masks the credential in an Authorization header but keeps the scheme', () => {
    assert.equal(red('Authorization: Bearer eyJhbGciOi.xyz.abc').value, `Authorization: Bearer ${REDACTED}`);
    assert.equal(
      red('curl -H "Authorization: Basic dXNlcjpwYXNz"').value,
      `curl -H "Authorization: Basic ${REDACTED}"`,
    );
    assert.equal(red('sending bearer abcdefghijklmnop to upstream').value, `sending bearer ${REDACTED} to upstream`);
    assert.equal(red('basic authentication failed').value, 'basic authentication failed');
  });

  it('masks the password in URLs and keeps the user', () => {
    const r = red('dial postgres://app:pa55word@db.svc:5432/shop failed; retry https://u:p@host/x');
    assert.equal(
      r.value,
      `dial postgres://app:${REDACTED}@db.svc:5432/shop failed; retry https://u:${REDACTED}@host/x`,
    );
    assert.equal(r.count, 2);
  });

  it('masks well-known token formats anywhere in a line', () => {
    const cases = [
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
      'sk-proj-abcdefghijklmnopqrstuvwxyz123456',
      'xoxb-123456789012-abcdefghijkl',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ];
    for (const token of cases) {
      const r = red(`request failed using ${token} at step 3`);
      assert.equal(r.value, `request failed using ${REDACTED} at step 3`, token);
      assert.equal(r.count, 1, token);
    }
  });

  it('masks a PEM private key block whole', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\nabcdef==\n-----END RSA PRIVATE KEY-----';
    const r = red(`loaded key:\n${pem}\ndone`);
    assert.ok(!r.value.includes('MIIEpAIBAAKCAQEA1'));
    assert.ok(r.value.includes('-----BEGIN RSA PRIVATE KEY-----'));
    assert.ok(r.value.endsWith('\ndone'));
  });

  it('masks known secret values wherever they appear, longest first, and counts them', () => {
    const r = red('the password is Tr0ub4dor&3 and again Tr0ub4dor&3; pin 42', ['Tr0ub4dor&3', 'Tr0ub4dor', '42']);
    assert.equal(r.value, `the password is ${REDACTED} and again ${REDACTED}; pin 42`);
    assert.equal(r.count, 2);
  });

  it('returns text without secrets unchanged with a zero count', () => {
    const line = '2025-06-01T12:00:00Z INFO server listening on :8080';
    assert.deepEqual(red(line), { value: line, count: 0 });
  });
});

describe('isCredentialName', () => {
  it('recognises credential names in every casing style', () => {
    for (const n of [
      'password',
      'MYSQL_ROOT_PASSWORD',
      'dbPasswd',
      'API_KEY',
      'apiKey',
      'x-api-key',
      'AWS_SECRET_ACCESS_KEY',
      'privateKey',
      'GITHUB_TOKEN',
      'auth',
      'Authorization',
      'credentials',
      'REDIS_PASS',
    ]) {
      assert.equal(isCredentialName(n), true, n);
    }
  });

  it('rejects names that merely mention one', () => {
    for (const n of [
      'PWD',
      'author',
      'secretName',
      'TOKEN_FILE',
      'PASSWORD_MIN_LENGTH',
      'DB_HOST',
      'key',
      'bypass',
      'AUTH_URL',
    ]) {
      assert.equal(isCredentialName(n), false, n);
    }
  });
});
