import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run, sh, start, summarize } from './program-helpers.js';

describe('shell scripts: output and exit status', () => {
  it('echo handles -n, quotes and escapes; >&2 goes to stderr', () => {
    const r = sh(`echo -n "a  b"; echo ' c'; echo -e 'x\\ty'; echo "to err" >&2; echo 'it'"'"'s'`);
    assert.deepEqual(r.stdout, ['a  b c', 'x\ty', "it's"]);
    assert.deepEqual(r.stderr, ['to err']);
  });

  it("dash's echo interprets backslash escapes without -e, bash's does not", () => {
    assert.deepEqual(sh(`echo 'a\\nb'`, {}, 'debian:12').stdout, ['a', 'b']);
    assert.deepEqual(run('debian:12', { command: ['bash', '-c', `echo 'a\\nb'`] }).stdout, ['a\\nb']);
  });

  it('printf formats and reuses its format for extra arguments', () => {
    assert.deepEqual(sh(`printf '%s=%d\\n' a 1 b 2; printf '%5s|%-3s|%03d\\n' x y 7`).stdout, [
      'a=1',
      'b=2',
      '    x|y  |007',
    ]);
  });

  it('exits with exit N, or with the status of the last command', () => {
    assert.equal(sh('echo hi; exit 3; echo never').exit?.code, 3);
    assert.deepEqual(sh('echo hi; exit 3; echo never').stdout, ['hi']);
    assert.equal(sh('true; false').exit?.code, 1);
    assert.equal(sh('false; true').exit?.code, 0);
    assert.equal(sh('exit 256').exit?.code, 0);
    assert.equal(sh('echo done').exit?.reason, 'Completed');
    assert.equal(sh('exit 4').exit?.reason, 'Error');
  });

  it('crashes on a missing environment variable the way the classic one-liner does', () => {
    const script =
      '[ -z "$DB_HOST" ] && echo "DB_HOST not set" >&2 && exit 1; echo "connecting to $DB_HOST"; sleep 3600';
    const missing = sh(script);
    assert.deepEqual(missing.stderr, ['DB_HOST not set']);
    assert.equal(missing.exit?.code, 1);
    const present = sh(script, { env: { DB_HOST: 'db.prod.svc' } });
    assert.deepEqual(present.stdout, ['connecting to db.prod.svc']);
    assert.equal(present.exit, undefined);
  });
});

describe('shell scripts: expansion', () => {
  it('expands $VAR, braced variables, defaults and the container environment', () => {
    const r = sh(
      `echo "$GREETING \${NAME}!" \${MISSING:-fallback} "\${EMPTY:-empty-default}" "\${EMPTY-kept}" \${NAME:+set}`,
      {
        env: { GREETING: 'hello', NAME: 'world', EMPTY: '' },
      },
    );
    assert.deepEqual(r.stdout, ['hello world! fallback empty-default  set']);
  });

  it('splits unquoted expansions and keeps quoted ones whole', () => {
    const r = sh(
      'set -- "a b" c; for x in "$@"; do echo "[$x]"; done; V="1  2"; for y in $V; do echo "<$y>"; done; echo "$#"',
    );
    assert.deepEqual(r.stdout, ['[a b]', '[c]', '<1>', '<2>', '2']);
  });

  it('does arithmetic, string operations and command substitution', () => {
    const r = sh(
      `i=3; i=$((i * 2 + 1)); echo $i $((10 % 4)) $(( i > 5 ? 1 : 0 )); f=/etc/app/conf.yaml; echo \${f##*/} \${f%.*} \${#f}; echo "$(echo inner | tr a-z A-Z)"`,
    );
    assert.deepEqual(r.stdout, ['7 2 1', 'conf.yaml /etc/app/conf 18', 'INNER']);
  });

  it('fails a required variable (:? expansion) like the shell does', () => {
    const ash = sh(`echo "\${DB_PASSWORD:?DB_PASSWORD is required}"; echo never`);
    assert.deepEqual(ash.stderr, ['sh: DB_PASSWORD: DB_PASSWORD is required']);
    assert.equal(ash.exit?.code, 2);
    const bash = run('debian:12', { command: ['bash', '-c', `: \${DB_PASSWORD:?}`] });
    assert.deepEqual(bash.stderr, ['bash: line 1: DB_PASSWORD: parameter null or not set']);
    assert.equal(bash.exit?.code, 1);
  });

  it('expands globs against the mounted files', () => {
    const r = sh('for f in /config/*.conf; do echo "$f: $(cat $f)"; done; echo /config/*.none', {
      files: { '/config/a.conf': 'alpha', '/config/b.conf': 'beta', '/config/readme': 'x' },
    });
    assert.deepEqual(r.stdout, ['/config/a.conf: alpha', '/config/b.conf: beta', '/config/*.none']);
  });
});

describe('shell scripts: control flow', () => {
  it('runs nested if/elif/else with test and [ ]', () => {
    const script = `
      if [ "$MODE" = "prod" ]; then
        if test -n "$REPLICAS" && [ "$REPLICAS" -gt 2 ]; then echo big-prod; else echo small-prod; fi
      elif [ -z "$MODE" ]; then echo no-mode
      else echo "other $MODE"; fi`;
    assert.deepEqual(sh(script, { env: { MODE: 'prod', REPLICAS: '5' } }).stdout, ['big-prod']);
    assert.deepEqual(sh(script, { env: { MODE: 'prod' } }).stdout, ['small-prod']);
    assert.deepEqual(sh(script).stdout, ['no-mode']);
    assert.deepEqual(sh(script, { env: { MODE: 'dev' } }).stdout, ['other dev']);
  });

  it('short-circuits && and || left to right', () => {
    assert.deepEqual(sh('false && echo a || echo b; true || echo c && echo d').stdout, ['b', 'd']);
  });

  it('runs for, while with break/continue, case and functions', () => {
    const r = sh(`
      greet() { echo "hi $1"; return 3; }
      for n in 1 2 3 4 5; do
        [ $n -eq 2 ] && continue
        [ $n -eq 4 ] && break
        case $n in 1) greet one ;; *) echo "n=$n" ;; esac
      done
      echo "greet returned $(greet x >/dev/null; echo $?)"
      i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo "i=$i"`);
    assert.deepEqual(r.stdout, ['hi one', 'n=3', 'greet returned 3', 'i=3']);
  });

  it('reads files line by line through redirections and pipelines', () => {
    const r = sh(
      'while read k v; do echo "$k -> $v"; done < /etc/cfg/pairs; cat /etc/cfg/pairs | grep -c b; cat <<EOF | wc -l\none\ntwo\nEOF',
      {
        files: { '/etc/cfg/pairs': 'a 1\nb 2 extra\n' },
      },
    );
    assert.deepEqual(r.stdout, ['a -> 1', 'b -> 2 extra', '1', '2']);
  });

  it('stops at the first failure under set -e, except in conditions', () => {
    const r = run('debian:12', {
      command: ['bash', '-c', 'set -e\nif false; then :; fi\nfalse || echo handled\necho before\nfalse\necho never'],
    });
    assert.deepEqual(r.stdout, ['handled', 'before']);
    assert.equal(r.exit?.code, 1);
  });
});

describe('shell scripts: simulated time', () => {
  it('sleep N advances simulated time; log lines carry their times', () => {
    const r = sh('echo start; sleep 2; echo two; sleep 0.5; echo later', {}, 'busybox:1.36', 10_000);
    const times = r.events.filter((e) => e.type === 'log').map((e) => e.atMs);
    assert.deepEqual(times, [0, 2000, 2500]);
    assert.equal(r.exit?.atMs, 2500);
  });

  it('advance returns only what happened in (prev, now]', () => {
    const p = start('busybox', { command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] });
    assert.equal(summarize(p, p.advance(500)).stdout.length, 1);
    assert.equal(summarize(p, p.advance(2500)).stdout.length, 2);
    assert.equal(summarize(p, p.advance(2500)).stdout.length, 0);
    assert.equal(summarize(p, p.advance(10_000)).stdout.length, 8);
  });

  it('while : with no sleep is throttled instead of hanging, and burns a CPU', () => {
    const p = start('busybox', { command: ['sh', '-c', 'while :; do echo spam; done'] });
    const lines = summarize(p, p.advance(60_000)).stdout.length;
    assert.ok(lines > 100 && lines <= 601, `${lines} lines in a minute`);
    assert.equal(p.cpuMillis(60_000), 1000);
  });

  it('runs background jobs alongside and waits for them', () => {
    const r = sh('(sleep 2; echo job) & echo first; wait; echo after');
    assert.deepEqual(r.stdout, ['first', 'job', 'after']);
    assert.equal(r.exit?.atMs, 2000);
  });

  it('sleep infinity and tail -f /dev/null run forever', () => {
    assert.equal(run('ubuntu:24.04', { command: ['sleep', 'infinity'] }, 3_600_000).exit, undefined);
    assert.equal(run('busybox', { command: ['tail', '-f', '/dev/null'] }, 3_600_000).exit, undefined);
    assert.equal(run('busybox', { command: ['sleep', '3600'] }, 3_600_000).exit?.atMs, 3_600_000);
  });
});

describe('shell scripts: commands and files', () => {
  it('cats mounted files and reports missing ones in the image dialect', () => {
    const files = { '/etc/config/app.properties': 'mode=prod\n' };
    assert.deepEqual(sh('cat /etc/config/app.properties', { files }).stdout, ['mode=prod']);
    const busybox = sh('cat /etc/config/missing.properties', { files });
    assert.deepEqual(busybox.stderr, ["cat: can't open '/etc/config/missing.properties': No such file or directory"]);
    assert.equal(busybox.exit?.code, 1);
    const gnu = sh('cat /nope', {}, 'debian:12');
    assert.deepEqual(gnu.stderr, ['cat: /nope: No such file or directory']);
  });

  it('mounted ConfigMap files are read-only; other paths are writable', () => {
    const r = sh('echo x > /etc/config/a; echo $?; echo y > /tmp/b; cat /tmp/b', {
      files: { '/etc/config/a': 'orig' },
    });
    assert.deepEqual(r.stderr, ["sh: can't create /etc/config/a: Read-only file system"]);
    assert.deepEqual(r.stdout, ['1', 'y']);
  });

  it('words "command not found" like each shell (exit 127)', () => {
    const ash = sh('echo start; kubectl get pods; echo "status $?"');
    assert.deepEqual(ash.stderr, ['sh: kubectl: not found']);
    assert.deepEqual(ash.stdout, ['start', 'status 127']);
    assert.deepEqual(sh('nosuchcmd', {}, 'nginx:1.27').stderr, ['sh: 1: nosuchcmd: not found']);
    const bash = run('ubuntu:24.04', { command: ['bash', '-c', 'echo ok\nnosuchcmd'] });
    assert.deepEqual(bash.stderr, ['bash: line 2: nosuchcmd: command not found']);
    assert.equal(bash.exit?.code, 127);
    assert.deepEqual(run('busybox', { command: ['/bin/sh', '-c', 'nosuchcmd'] }).stderr, [
      '/bin/sh: nosuchcmd: not found',
    ]);
  });

  it('knows which tools each image ships', () => {
    assert.deepEqual(sh('curl -s localhost').stderr, ['sh: curl: not found']);
    assert.deepEqual(sh('wget -q localhost', {}, 'debian:12').stderr, ['sh: 1: wget: not found']);
    assert.deepEqual(sh('[[ 1 == 1 ]] && echo yes', {}, 'debian:12').stderr, ['sh: 1: [[: not found']);
    assert.deepEqual(run('debian:12', { command: ['bash', '-c', '[[ "abc" == a* && -n x ]] && echo yes'] }).stdout, [
      'yes',
    ]);
    assert.equal(run('alpine:3.20', { command: ['bash', '-c', 'echo hi'] }).exit?.reason, 'StartError');
  });

  it('reports syntax errors in each dialect with exit 2', () => {
    const ash = sh('if true; then echo hi');
    assert.deepEqual(ash.stderr, ['sh: syntax error: unexpected end of file (expecting "fi")']);
    assert.equal(ash.exit?.code, 2);
    assert.deepEqual(sh('echo "oops', {}, 'debian:12').stderr, ['sh: 1: Syntax error: Unterminated quoted string']);
    assert.deepEqual(run('debian:12', { command: ['bash', '-c', 'echo hi; fi'] }).stderr, [
      "bash: -c: line 1: syntax error near unexpected token `fi'",
      "bash: -c: line 1: `echo hi; fi'",
    ]);
  });

  it('has date, env, ls, hostname, basename and friends', () => {
    const r = sh(
      'date +%Y-%m-%dT%H:%M:%S; date; env | grep -c "^HOSTNAME=web-1$"; ls /etc/app; hostname; basename /a/b.txt .txt',
      {
        env: { HOSTNAME: 'web-1' },
        hostname: 'web-1',
        files: { '/etc/app/b': '', '/etc/app/a': '' },
        startedAtMs: Date.UTC(2024, 5, 3, 10, 20, 30),
      },
    );
    assert.deepEqual(r.stdout, ['2024-06-03T10:20:30', 'Mon Jun  3 10:20:30 UTC 2024', '1', 'a', 'b', 'web-1', 'b']);
  });

  it('runs mounted scripts by their shebang, and refuses ones without the execute bit', () => {
    const files = { '/scripts/start.sh': '#!/bin/sh\necho "started as $0 with $1"\n' };
    const ok = run('busybox', {
      command: ['/scripts/start.sh', 'x'],
      files,
      fileModes: { '/scripts/start.sh': 0o755 },
    });
    assert.deepEqual(ok.stdout, ['started as /scripts/start.sh with x']);
    const denied = run('busybox', { command: ['/scripts/start.sh'], files });
    assert.equal(denied.exit?.code, 128);
    assert.match(denied.exit?.message ?? '', /exec: "\/scripts\/start.sh": permission denied/);
    assert.deepEqual(sh('/scripts/start.sh; echo $?', { files }).lines, [
      'sh: /scripts/start.sh: Permission denied',
      '126',
    ]);
    assert.deepEqual(run('busybox', { command: ['sh', '/scripts/start.sh', 'y'], files }).stdout, [
      'started as /scripts/start.sh with y',
    ]);
  });
});

describe('shell scripts: hostile input', () => {
  it('bad patterns and regular expressions are errors, not crashes', () => {
    assert.deepEqual(sh('echo a | grep -E "("; echo $?').lines, ['grep: Invalid regular expression', '2']);
    assert.deepEqual(run('debian:12', { command: ['bash', '-c', '[[ x =~ ( ]]; echo $?'] }).lines, [
      'bash: line 1: [[: syntax error in regular expression',
      '2',
    ]);
    assert.deepEqual(sh('case x in [z-a]) echo m;; *) echo n;; esac').stdout, ['n']);
    assert.equal(sh('f() { f; }; f').exit?.code, 2, 'runaway recursion is cut off');
  });

  it('never throws on arbitrary scripts, in any interpreter', () => {
    const atoms =
      `echo|if|then|fi|while|do|done|for|in|case|esac|;;|;|&&|&|(|)|{|}|$|\${|$(|\`|"|'|\\|\n| |x|1|$((|))|<|>|>&2|<<EOF|EOF|*|[|]|#|=|a=b|sleep 1|exit|cat|[[|]]|-eq|test|-z|printf|%s|set -e|eval|trap|wait|read|local|shift|break`.split(
        '|',
      );
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 150; i++) {
      const script = Array.from(
        { length: 1 + Math.floor(next() * 20) },
        () => atoms[Math.floor(next() * atoms.length)],
      ).join(next() < 0.5 ? ' ' : '');
      for (const [ref, command] of [
        ['busybox', ['sh', '-c', script]],
        ['debian:12', ['bash', '-c', script]],
        ['python:3.12', ['python', '-c', script]],
        ['node:22', ['node', '-e', script]],
      ] as const) {
        const p = start(ref, { command: [...command], files: { '/etc/nginx/conf.d/default.conf': script } });
        p.advance(1000);
        p.memoryBytes(5000);
        p.advance(5000);
        p.exec(['sh', '-c', script]);
        p.httpGet(80, `/${script}`);
      }
    }
  });
});
