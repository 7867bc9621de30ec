import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerInput } from '../../../src/sim/kubelet/program/types.js';
import { MIB, run, start, summarize } from './program-helpers.js';

const probe = { userAgent: 'kube-probe/1.32', remoteAddr: '10.0.0.7', host: '10.244.1.9:80' };

describe('nginx', () => {
  it('starts like the official image and serves / with 200 and other paths with 404', () => {
    const p = start('nginx:1.27');
    const boot = summarize(p, p.advance(1000));
    assert.equal(
      boot.stdout[0],
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    );
    assert.equal(
      boot.stdout[boot.stdout.length - 1],
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
    );
    assert.ok(boot.stderr.some((l) => l.endsWith('[notice] 1#1: nginx/1.27.5')));
    const home = p.httpGet(80, '/', probe);
    assert.ok('status' in home && home.status === 200 && home.body?.includes('Welcome to nginx!'));
    const miss = p.httpGet(80, '/healthz', probe);
    assert.ok('status' in miss && miss.status === 404 && miss.body?.includes('<center>nginx/1.27.5</center>'));
    assert.deepEqual(p.httpGet(8080, '/'), { refused: true });
    assert.equal(p.tcpOpen(80), true);
    assert.equal(p.tcpOpen(443), false);
  });

  it('logs an access line per request, and an error line for a miss, on the next advance', () => {
    const p = start('nginx:1.27', { startedAtMs: Date.UTC(2025, 2, 4, 5, 6, 7) });
    p.advance(1000);
    p.httpGet(80, '/', probe);
    p.httpGet(80, '/healthz', probe);
    const r = summarize(p, p.advance(2000));
    assert.deepEqual(r.stdout, [
      '10.0.0.7 - - [04/Mar/2025:05:06:08 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-"',
      '10.0.0.7 - - [04/Mar/2025:05:06:08 +0000] "GET /healthz HTTP/1.1" 404 153 "-" "kube-probe/1.32" "-"',
    ]);
    assert.deepEqual(r.stderr, [
      '2025/03/04 05:06:08 [error] 29#29: *2 open() "/usr/share/nginx/html/healthz" failed (2: No such file or directory), client: 10.0.0.7, server: localhost, request: "GET /healthz HTTP/1.1", host: "10.244.1.9:80"',
    ]);
  });

  it('serves mounted files and the port, locations and returns of a mounted config', () => {
    const conf =
      'server {\n  listen 8080;\n  location = /healthz { return 200 "ok\\n"; }\n  location / {\n    root /srv/www;\n    try_files $uri /index.html;\n  }\n}\n';
    const p = start('nginx:1.27-alpine', {
      files: { '/etc/nginx/conf.d/default.conf': conf, '/srv/www/index.html': '<h1>app</h1>', '/srv/www/app.js': 'js' },
    });
    const boot = summarize(p, p.advance(1000));
    assert.ok(
      boot.stdout.includes(
        '10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)',
      ),
    );
    assert.deepEqual(p.httpGet(8080, '/healthz'), { status: 200, body: 'ok\n' });
    assert.deepEqual(p.httpGet(8080, '/app.js'), { status: 200, body: 'js' });
    assert.deepEqual(p.httpGet(8080, '/deep/link'), { status: 200, body: '<h1>app</h1>' }, 'SPA fallback');
    assert.deepEqual(p.httpGet(80, '/'), { refused: true });
  });

  it('serves ConfigMap content mounted over the html directory', () => {
    const p = start('nginx:1.27', {
      mounts: [{ path: '/usr/share/nginx/html', readOnly: true }],
      files: { '/usr/share/nginx/html/index.html': 'custom' },
    });
    p.advance(100);
    assert.deepEqual(p.httpGet(80, '/'), { status: 200, body: 'custom' });
    const fifty = p.httpGet(80, '/50x.html');
    assert.ok('status' in fifty && fifty.status === 404, 'the image file is hidden by the mount');
  });

  it('refuses to start on a broken config with its [emerg] line', () => {
    const typo = run('nginx:1.27', { files: { '/etc/nginx/conf.d/default.conf': 'server {\n    lisen 80;\n}\n' } });
    assert.equal(typo.exit?.code, 1);
    assert.ok(typo.stderr.includes('nginx: [emerg] unknown directive "lisen" in /etc/nginx/conf.d/default.conf:2'));
    const open = run('nginx:1.27', { files: { '/etc/nginx/conf.d/default.conf': 'server {\n    listen 80;\n' } });
    assert.ok(
      open.stderr.includes('nginx: [emerg] unexpected end of file, expecting "}" in /etc/nginx/conf.d/default.conf:3'),
    );
    const regex = run('nginx:1.27', {
      files: { '/etc/nginx/conf.d/default.conf': 'server { location ~ ( { return 200; } }' },
    });
    assert.ok(regex.stderr.some((l) => l.startsWith('nginx: [emerg] pcre2_compile() failed')));
    const include = run('nginx:1.27', {
      files: { '/etc/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/sites/app.conf;\n}\n' },
    });
    assert.ok(
      include.stderr.some((l) =>
        l.includes(
          'open() "/etc/nginx/sites/app.conf" failed (2: No such file or directory) in /etc/nginx/nginx.conf:3',
        ),
      ),
    );
  });

  it('without daemon off; PID 1 exits at once, but in a script the daemon keeps serving', () => {
    assert.equal(run('nginx:1.27', { command: ['nginx'] }).exit?.code, 0);
    const p = start('nginx:1.27', { command: ['sh', '-c', 'nginx && echo started && sleep infinity'] });
    assert.deepEqual(summarize(p, p.advance(1000)).stdout, ['started']);
    const r = p.httpGet(80, '/');
    assert.ok('status' in r && r.status === 200);
    assert.ok(p.memoryBytes(1000) > 5 * MIB);
  });

  it('answers nginx -t and -v', () => {
    const t = run('nginx:1.27', { command: ['nginx', '-t'] });
    assert.deepEqual(t.stderr, [
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      'nginx: configuration file /etc/nginx/nginx.conf test is successful',
    ]);
    assert.deepEqual(run('nginx:1.26', { command: ['nginx', '-v'] }).stderr, ['nginx version: nginx/1.26.3']);
  });
});

describe('httpd, redis and the databases', () => {
  it('httpd serves "It works!" on 80 and logs in common log format', () => {
    const p = start('httpd:2.4');
    const boot = summarize(p, p.advance(1000));
    assert.ok(
      boot.stderr.some((l) => l.includes('AH00489: Apache/2.4.65 (Unix) configured -- resuming normal operations')),
    );
    assert.deepEqual(p.httpGet(80, '/', probe), {
      status: 200,
      body: '<html><body><h1>It works!</h1></body></html>\n',
    });
    const miss = p.httpGet(80, '/nope', probe);
    assert.ok('status' in miss && miss.status === 404);
    assert.match(summarize(p, p.advance(2000)).stdout[0] ?? '', /^10\.0\.0\.7 - - \[.*\] "GET \/ HTTP\/1\.1" 200 45$/);
  });

  it('redis listens on 6379 after its startup log, answers redis-cli ping, and is not HTTP', () => {
    const p = start('redis:7.2');
    const r = summarize(p, p.advance(1000));
    assert.ok(r.stdout[r.stdout.length - 1]?.endsWith('* Ready to accept connections tcp'));
    assert.ok(r.stdout.some((l) => l.includes('Redis version=7.2.10')));
    assert.equal(p.tcpOpen(6379), true);
    assert.deepEqual(p.exec(['redis-cli', 'ping']), { exitCode: 0, output: 'PONG\n', durationMs: 0 });
    const http = p.httpGet(6379, '/');
    assert.ok('status' in http && http.status === 0 && http.error?.includes('malformed HTTP response'));
    const custom = start('redis:7.2', { args: ['--port', '7000'] });
    custom.advance(1000);
    assert.equal(custom.tcpOpen(7000), true);
    assert.equal(custom.tcpOpen(6379), false);
  });

  it('postgres without POSTGRES_PASSWORD prints the entrypoint error and exits 1', () => {
    const r = run('postgres:16');
    assert.equal(r.stderr[0], 'Error: Database is uninitialized and superuser password is not specified.');
    assert.ok(r.stderr.includes('       You must specify POSTGRES_PASSWORD to a non-empty value for the'));
    assert.equal(r.exit?.code, 1);
  });

  it('postgres with a password (or a password file) initialises, then accepts connections on 5432', () => {
    const inputs: Partial<ContainerInput>[] = [
      { env: { POSTGRES_PASSWORD: 's3cret' } },
      { env: { POSTGRES_PASSWORD_FILE: '/run/secrets/pg' }, files: { '/run/secrets/pg': 's3cret\n' } },
      { env: { POSTGRES_HOST_AUTH_METHOD: 'trust' } },
    ];
    for (const input of inputs) {
      const p = start('postgres:16', input);
      p.advance(1000);
      assert.equal(p.tcpOpen(5432), false, 'still initialising');
      assert.equal(p.exec(['pg_isready']).exitCode, 2);
      const r = summarize(p, p.advance(5000));
      assert.equal(r.exit, undefined);
      assert.ok(r.stderr[r.stderr.length - 1]?.endsWith('LOG:  database system is ready to accept connections'));
      assert.equal(p.tcpOpen(5432), true);
      assert.deepEqual(p.exec(['pg_isready', '-U', 'postgres']), {
        exitCode: 0,
        output: '/var/run/postgresql:5432 - accepting connections\n',
        durationMs: 0,
      });
    }
  });

  it('mysql without a root password variable prints its entrypoint error and exits 1', () => {
    const r = run('mysql:8.4');
    assert.equal(r.exit?.code, 1);
    assert.match(
      r.stdout[0] ?? '',
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00 \[Note\] \[Entrypoint\]: Entrypoint script for MySQL Server 8\.4\.6-1\.el9 started\.$/,
    );
    assert.match(
      r.stderr[0] ?? '',
      /\[ERROR\] \[Entrypoint\]: Database is uninitialized and password option is not specified$/,
    );
    assert.deepEqual(r.stderr.slice(1), [
      '    You need to specify one of the following as an environment variable:',
      '    - MYSQL_ROOT_PASSWORD',
      '    - MYSQL_ALLOW_EMPTY_PASSWORD',
      '    - MYSQL_RANDOM_ROOT_PASSWORD',
    ]);
  });

  it('mysql with any of its password variables comes up on 3306 after initialising', () => {
    const variants: Record<string, string>[] = [
      { MYSQL_ROOT_PASSWORD: 'pw' },
      { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes' },
      { MYSQL_RANDOM_ROOT_PASSWORD: '1' },
    ];
    for (const env of variants) {
      const p = start('mysql:8.0', { env: { ...env, MYSQL_DATABASE: 'shop' } });
      p.advance(5000);
      assert.equal(p.tcpOpen(3306), false);
      assert.equal(p.exec(['mysqladmin', 'ping']).exitCode, 1);
      const r = summarize(p, p.advance(20_000));
      assert.equal(r.exit, undefined, JSON.stringify(env));
      assert.ok(r.stdout.some((l) => l.endsWith('[Note] [Entrypoint]: Creating database shop')));
      assert.ok(
        r.stderr[r.stderr.length - 1]?.includes(
          "ready for connections. Version: '8.0.43'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306",
        ),
      );
      assert.equal(p.tcpOpen(3306), true);
      assert.deepEqual(p.exec(['mysqladmin', 'ping', '-h', 'localhost']).output, 'mysqld is alive\n');
      assert.ok(p.memoryBytes(20_000) > 300 * MIB, 'mysqld is not small');
    }
  });

  it('mysql refuses MYSQL_USER=root', () => {
    const r = run('mysql:8.4', { env: { MYSQL_ROOT_PASSWORD: 'x', MYSQL_USER: 'root', MYSQL_PASSWORD: 'y' } });
    assert.equal(r.exit?.code, 1);
    assert.match(
      r.stderr[0] ?? '',
      /MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user/,
    );
  });
});
