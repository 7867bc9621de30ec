import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerArgv, expandKubeVars } from '../../../src/sim/kubelet/program/argv.js';
import type { ContainerNetwork } from '../../../src/sim/kubelet/program/types.js';
import { image, MIB, run, sh, start, summarize } from './program-helpers.js';

describe('what runs: image defaults, command and args', () => {
  it('command replaces ENTRYPOINT and drops CMD; args replace CMD', () => {
    const nginx = image('nginx:1.27');
    assert.deepEqual(containerArgv(nginx, undefined, undefined, {}), [
      '/docker-entrypoint.sh',
      'nginx',
      '-g',
      'daemon off;',
    ]);
    assert.deepEqual(containerArgv(nginx, ['sleep'], undefined, {}), ['sleep']);
    assert.deepEqual(containerArgv(nginx, undefined, ['nginx-debug'], {}), ['/docker-entrypoint.sh', 'nginx-debug']);
    assert.deepEqual(containerArgv(nginx, ['sh', '-c'], ['echo $(MSG)'], { MSG: 'hi' }), ['sh', '-c', 'echo hi']);
  });

  it('expands $(VAR) as kubelet does: unknown names stay, $$ escapes', () => {
    assert.equal(expandKubeVars('$(A)-$(B)-$$(A)-$A', { A: 'x' }), 'x-$(B)-$(A)-$A');
    assert.equal(expandKubeVars('$(constructor)', {}), '$(constructor)', 'not a property of every object');
    assert.deepEqual(run('busybox', { command: ['echo', 'port=$(PORT)'], env: { PORT: '8080' } }).stdout, [
      'port=8080',
    ]);
  });

  it('shells without a TTY exit 0 at once (the CrashLoopBackOff-under-a-Deployment classic)', () => {
    for (const ref of ['busybox:1.36', 'alpine:3.20', 'ubuntu:24.04', 'debian:12', 'python:3.12', 'node:22']) {
      const r = run(ref);
      assert.deepEqual(r.exit && { code: r.exit.code, atMs: r.exit.atMs }, { code: 0, atMs: 0 }, ref);
      assert.deepEqual(r.lines, [], ref);
    }
  });

  it('with stdin: true they wait on their input instead', () => {
    for (const ref of ['busybox:1.36', 'ubuntu:24.04', 'python:3.12', 'node:22']) {
      assert.equal(run(ref, { stdin: true }, 3_600_000).exit, undefined, ref);
    }
  });

  it('workingDir is where relative paths start', () => {
    const r = run('python:3.12', {
      command: ['python3', 'main.py'],
      workingDir: '/app',
      files: { '/app/main.py': 'import sys\nsys.exit(3)' },
    });
    assert.equal(r.exit?.code, 3);
    assert.deepEqual(run('busybox', { command: ['pwd'], workingDir: '/srv/data' }).stdout, ['/srv/data']);
  });

  it('the pause image and sleep run forever', () => {
    assert.equal(run('registry.k8s.io/pause:3.10', {}, 3_600_000).exit, undefined);
    assert.equal(run('busybox', { command: ['sleep', '3600'] }, 3_599_999).exit, undefined);
  });

  it('a command the image lacks fails to start with the runtime error (exit 128)', () => {
    const r = run('nginx:1.27', { command: ['gunicorn', 'app:app'] });
    assert.deepEqual(r.exit, {
      type: 'exit',
      code: 128,
      atMs: 0,
      reason: 'StartError',
      message:
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown',
    });
    assert.match(
      run('busybox', { command: ['/app/server'] }).exit?.message ?? '',
      /exec: "\/app\/server": stat \/app\/server: no such file or directory/,
    );
  });
});

describe('images the model does not know', () => {
  it('run forever, serve their declared ports with 200 on any path, and use about their request', () => {
    const p = start('ghcr.io/acme/orders:1.4.2', {
      ports: [8080, 9090],
      memoryRequestBytes: 256 * MIB,
      cpuRequestMillis: 300,
    });
    assert.equal(summarize(p, p.advance(3_600_000)).exit, undefined);
    assert.deepEqual(p.httpGet(8080, '/api/v1/anything'), { status: 200, body: 'OK\n' });
    assert.equal(p.tcpOpen(9090), true);
    assert.deepEqual(p.httpGet(80, '/'), { refused: true });
    const mem = p.memoryBytes(3_600_000);
    assert.ok(mem > 200 * MIB && mem <= 256 * MIB, `${mem / MIB} MiB`);
    assert.equal(p.cpuMillis(1000), 150);
  });

  it('use a small default without requests, and run their own commands as the app', () => {
    const p = start('quay.io/team/worker:2', { command: ['/opt/worker', '--queue=jobs'] });
    assert.equal(summarize(p, p.advance(60_000)).exit, undefined);
    assert.ok(p.memoryBytes(1000) > 0 && p.memoryBytes(1000) <= 32 * MIB);
    const script = run('quay.io/team/worker:2', { command: ['sh', '-c', 'migrate --up && echo migrated'] });
    assert.deepEqual(script.stdout, ['migrated'], 'an unknown tool in a script succeeds quietly');
  });
});

describe('documented annotations', () => {
  it('memory-leak-mb-per-min grows memory linearly, for one container or the whole pod', () => {
    const leak = { 'sim.kubemend.io/memory-leak-mb-per-min.app': '30' };
    const p = start('ghcr.io/acme/api:1', { annotations: leak, memoryRequestBytes: 100 * MIB });
    const grown = p.memoryBytes(10 * 60_000) - p.memoryBytes(0);
    assert.ok(Math.abs(grown - 300 * MIB) < MIB, `${grown / MIB} MiB`);
    const other = start('ghcr.io/acme/api:1', { name: 'sidecar', annotations: leak });
    assert.equal(other.memoryBytes(600_000), other.memoryBytes(0), 'another container is not affected');
    const podWide = start('nginx:1.27', { annotations: { 'sim.kubemend.io/memory-leak-mb-per-min': '60' } });
    assert.ok(podWide.memoryBytes(60_000) - podWide.memoryBytes(0) >= 59 * MIB);
  });

  it('exit-after / exit-code end the process; unhealthy-after turns HTTP into 500', () => {
    const r = run(
      'ghcr.io/acme/api:1',
      { annotations: { 'sim.kubemend.io/exit-after': '2m', 'sim.kubemend.io/exit-code': '3' } },
      600_000,
    );
    assert.deepEqual(r.exit && [r.exit.code, r.exit.atMs], [3, 120_000]);
    const p = start('nginx:1.27', { annotations: { 'sim.kubemend.io/unhealthy-after': '30s' } });
    p.advance(10_000);
    const before = p.httpGet(80, '/');
    assert.ok('status' in before && before.status === 200);
    p.advance(40_000);
    assert.deepEqual(p.httpGet(80, '/'), { status: 500, body: '' });
  });

  it('startup-seconds delays the ports; memory-mb and cpu-millis replace the estimates', () => {
    const p = start('ghcr.io/acme/api:1', {
      ports: [8080],
      annotations: {
        'sim.kubemend.io/startup-seconds': '20',
        'sim.kubemend.io/memory-mb': '512',
        'sim.kubemend.io/cpu-millis': '900',
      },
      cpuLimitMillis: 800,
    });
    p.advance(10_000);
    assert.equal(p.tcpOpen(8080), false);
    p.advance(21_000);
    assert.equal(p.tcpOpen(8080), true);
    assert.equal(p.memoryBytes(21_000), 512 * MIB);
    assert.equal(p.cpuMillis(21_000), 800, 'capped by the CPU limit');
  });
});

describe('python and node', () => {
  it('python -c prints, reads the environment and crashes with a real traceback', () => {
    const ok = run('python:3.12', {
      command: [
        'python3',
        '-u',
        '-c',
        'import os, sys\nprint("db=" + os.environ.get("DB", "none"))\nprint(f"port {os.getenv(\'PORT\')}", file=sys.stderr)',
      ],
      env: { PORT: '5000' },
    });
    assert.deepEqual([ok.stdout, ok.stderr, ok.exit?.code], [['db=none'], ['port 5000'], 0]);
    const crash = run('python:3.12', {
      command: ['python', '-c', 'import os\nprint("starting")\nhost = os.environ["DB_HOST"]'],
    });
    assert.deepEqual(crash.stderr, [
      'Traceback (most recent call last):',
      '  File "<string>", line 3, in <module>',
      '  File "<frozen os>", line 714, in __getitem__',
      "KeyError: 'DB_HOST'",
    ]);
    assert.deepEqual(crash.stdout, ['starting'], 'buffered stdout is flushed at exit');
    assert.equal(crash.exit?.code, 1);
  });

  it('python holds stdout on a pipe until exit unless unbuffered', () => {
    const code = 'import time\nwhile True:\n    print("tick")\n    time.sleep(1)';
    assert.deepEqual(run('python:3.12', { command: ['python', '-c', code] }, 5000).stdout, []);
    assert.equal(
      run('python:3.12', { command: ['python', '-c', code], env: { PYTHONUNBUFFERED: '1' } }, 4500).stdout.length,
      5,
    );
  });

  it('python fails on missing modules and files, and exits with sys.exit', () => {
    assert.equal(
      run('python:3.12-slim', { command: ['python', '-c', 'import requests'] }).stderr.pop(),
      "ModuleNotFoundError: No module named 'requests'",
    );
    const missing = run('python:3.12', { command: ['python', 'app.py'] });
    assert.deepEqual(
      [missing.stderr, missing.exit?.code],
      [["python: can't open file '/app.py': [Errno 2] No such file or directory"], 2],
    );
    const exit = run('python:3.12', {
      command: ['python', '/app/main.py'],
      files: { '/app/main.py': 'import sys\nsys.exit("config invalid")\n' },
    });
    assert.deepEqual([exit.stderr, exit.exit?.code], [['config invalid'], 1]);
  });

  it('python -m http.server serves the directory and logs requests to stderr', () => {
    const p = start('python:3.12', {
      command: ['python', '-m', 'http.server', '8000'],
      files: { '/index.html': 'hi' },
    });
    p.advance(1000);
    assert.deepEqual(p.httpGet(8000, '/'), { status: 200, body: 'hi' });
    const miss = p.httpGet(8000, '/nope');
    assert.ok('status' in miss && miss.status === 404);
    assert.ok(summarize(p, p.advance(2000)).stderr.some((l) => l.includes('code 404, message File not found')));
  });

  it('node -e logs, ticks with setInterval, listens, and dies on a missing module', () => {
    const tick = run(
      'node:22',
      { command: ['node', '-e', "setInterval(() => console.log('alive ' + (process.env.ID || 'x')), 1000)"] },
      3500,
    );
    assert.deepEqual(tick.stdout, ['alive x', 'alive x', 'alive x']);
    const p = start('node:22', {
      command: ['node', '-e', "const http = require('http'); http.createServer((q, r) => r.end('pong')).listen(3000)"],
    });
    p.advance(100);
    assert.deepEqual(p.httpGet(3000, '/'), { status: 200, body: 'pong' });
    const missing = run('node:22-alpine', {
      args: ['server.js'],
      files: { '/server.js': "const express = require('express');\n" },
    });
    assert.ok(missing.stderr.includes("Error: Cannot find module 'express'"));
    assert.ok(missing.stderr.includes('Node.js v22.18.0'));
    assert.equal(missing.exit?.code, 1);
    const thrown = run('node:20', { command: ['node', '-e', "console.log('boot'); throw new Error('bad config')"] });
    assert.ok(thrown.stderr.includes('Error: bad config'));
  });
});

describe('probes and exec', () => {
  it('exec runs in the container filesystem at the current time (the liveness exec example)', () => {
    const p = start('busybox', {
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
    });
    p.advance(5000);
    assert.deepEqual(p.exec(['cat', '/tmp/healthy']), { exitCode: 0, output: '', durationMs: 0 });
    p.advance(35_000);
    assert.deepEqual(p.exec(['cat', '/tmp/healthy']), {
      exitCode: 1,
      output: "cat: can't open '/tmp/healthy': No such file or directory\n",
      durationMs: 0,
    });
  });

  it('exec interprets scripts, reports time taken, and fails for missing binaries', () => {
    const p = start('busybox', { command: ['sleep', '3600'], env: { READY: 'yes' } });
    p.advance(1000);
    assert.deepEqual(p.exec(['sh', '-c', 'sleep 2; [ "$READY" = yes ] && echo ok']), {
      exitCode: 0,
      output: 'ok\n',
      durationMs: 2000,
    });
    assert.equal(p.exec(['sh', '-c', 'while true; do sleep 1; done']).durationMs, Number.POSITIVE_INFINITY);
    const missing = p.exec(['curl', '-f', 'localhost']);
    assert.equal(missing.exitCode, 126);
    assert.match(missing.output, /exec: "curl": executable file not found in \$PATH/);
  });

  it("wget and curl reach the container's own servers on localhost", () => {
    const p = start('nginx:1.27');
    p.advance(1000);
    assert.equal(p.exec(['curl', '-fsS', 'http://localhost/']).exitCode, 0);
    assert.deepEqual(
      p.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1/missing']).output,
      '404',
    );
    assert.equal(
      p.exec(['curl', '-f', 'http://localhost/missing']).output,
      'curl: (22) The requested URL returned error: 404\n',
    );
    assert.match(
      p.exec(['curl', 'http://localhost:8080/']).output,
      /^curl: \(7\) Failed to connect to localhost port 8080/,
    );
    const bb = start('busybox', {
      command: ['sh', '-c', 'httpd -f -p 8080 -h /www'],
      files: { '/www/index.html': 'bb' },
    });
    bb.advance(100);
    assert.deepEqual(bb.exec(['wget', '-qO-', 'http://localhost:8080/']), { exitCode: 0, output: 'bb', durationMs: 0 });
    assert.equal(
      bb.exec(['wget', '-q', '--spider', 'http://localhost:9999/']).output,
      "wget: can't connect to remote host (127.0.0.1): Connection refused\n",
    );
  });

  it('reaches other workloads only through the network hook', () => {
    const network: ContainerNetwork = {
      resolve: (host) => (host === 'db' ? '10.96.0.20' : undefined),
      httpGet: (host, port) => (host === 'db' && port === 80 ? { status: 200, body: 'up' } : { refused: true }),
    };
    const script =
      'until nslookup db >/dev/null; do echo waiting; sleep 2; done; wget -qO- http://db/ && echo; wget -q http://api/ || echo no-api';
    assert.deepEqual(sh(script, { network }).stdout, ['up', 'no-api']);
    const alone = sh('nslookup db || echo "no db"; wget -q http://db/', {}, 'busybox:1.36', 5000);
    assert.ok(alone.stdout.includes("** server can't find db: NXDOMAIN"));
    assert.deepEqual(alone.stderr, ["wget: bad address 'db'"]);
  });

  it('memory looks ahead of advance, and everything stops after the exit', () => {
    const p = start('busybox', { command: ['sh', '-c', 'sleep 5; exit 2'] });
    assert.ok(p.memoryBytes(4000) > 0);
    assert.equal(p.memoryBytes(6000), 0);
    const early = summarize(p, p.advance(4000));
    assert.equal(early.exit, undefined, 'the look-ahead does not report the exit early');
    const exit = summarize(p, p.advance(6000)).exit;
    assert.deepEqual(exit && [exit.atMs, exit.code], [5000, 2]);
    assert.equal(p.tcpOpen(80), false);
    assert.match(p.exec(['true']).output, /CONTAINER_EXITED/);
  });
});
