// exec(2) inside the container: resolves argv[0] (PATH, the image's binaries, mounted scripts and their
// shebangs, modes) and starts the program it names. Failures are returned, never printed: the caller words
// them (a shell says `sh: foo: not found`, runc says `executable file not found in $PATH`).

import type { ImageBehaviour } from '../images.js';
import { type Dialect, parameterError } from '../shell/dialect.js';
import { ShellProc } from '../shell/shell-proc.js';
import type { ShellOptions } from '../shell/state.js';
import { UTILITIES } from '../shell/utilities/index.js';
import { own } from './own.js';
import type { Proc, ProcContext, SpawnIo, SpawnResult } from './proc.js';
import { startGenericApp, startInert, startPause, waitingOnStdin } from './programs/generic.js';
import { startApache, startBusyboxHttpd } from './programs/httpd.js';
import { startMysqladmin, startMysqlClient, startMysqld } from './programs/mysql.js';
import { startNginx } from './programs/nginx.js';
import { startNode } from './programs/node.js';
import { startPgIsReady, startPostgres } from './programs/postgres.js';
import type { ProgramEnv } from './programs/program.js';
import { startPython } from './programs/python.js';
import { startRedisCli, startRedisServer } from './programs/redis.js';
import { startStress } from './programs/stress.js';
import { oneShot } from './timeline-proc.js';
import type { ShellFlavour } from './toolset.js';
import { basename, resolvePath } from './vfs.js';

type Factory = (argv: readonly string[], env: ProgramEnv) => Proc | SpawnResult;

const SHELLS: Readonly<Record<string, ShellFlavour | 'sh'>> = { sh: 'sh', ash: 'ash', dash: 'dash', bash: 'bash' };

const LONG_OPTIONS: ReadonlySet<string> = new Set(['errexit', 'nounset', 'xtrace', 'noglob', 'pipefail']);

function ok(proc: Proc): SpawnResult {
  return { ok: true, proc };
}

/** `sh [-eux] [-o opt] [-c script [$0 [args]] | file [args]]`; no script: reads stdin (empty: exits 0). */
function startShell(argv: readonly string[], env: ProgramEnv, flavour: ShellFlavour): Proc {
  const options: Partial<ShellOptions> = {};
  const letters: Record<string, keyof ShellOptions> = { e: 'errexit', u: 'nounset', x: 'xtrace', f: 'noglob' };
  let i = 1;
  let inline: string | undefined;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-o' || a === '+o') {
      const name = argv[++i] ?? '';
      if (LONG_OPTIONS.has(name)) options[name as keyof ShellOptions] = a === '-o';
    } else if (/^-[a-zA-Z]+$/.test(a) || a === '--login' || a === '--norc' || a === '--noprofile') {
      for (const l of a.slice(1)) {
        const opt = letters[l];
        if (opt) options[opt] = true;
      }
      if (a.includes('c') && !a.startsWith('--')) inline = argv[++i] ?? '';
    } else break;
    if (inline !== undefined) {
      i++;
      break;
    }
  }
  const launch = { ctx: env.ctx, flavour, arg0: argv[0] ?? 'sh', io: env.io, pid: env.pid };
  if (inline !== undefined) {
    const rest = argv.slice(i);
    const arg0 = rest[0] ?? argv[0] ?? 'sh';
    return new ShellProc(
      { ...launch, arg0 },
      { kind: 'script', source: inline, inline: true, positional: rest.slice(1), options },
    );
  }
  const file = argv[i];
  if (file === undefined && env.io.stdinOpen) return waitingOnStdin(env, flavour === 'bash' ? 3.4 : 0.6);
  if (file === undefined) {
    return new ShellProc(launch, { kind: 'script', source: env.io.stdin, inline: true, positional: [], options });
  }
  const read = env.ctx.fs.read(resolvePath(file, env.io.cwd));
  if (!read.ok) {
    const text =
      flavour === 'bash'
        ? `${argv[0]}: ${file}: No such file or directory`
        : flavour === 'dash'
          ? `${argv[0]}: 0: cannot open ${file}: No such file`
          : `${argv[0]}: can't open '${file}': No such file or directory`;
    return oneShot(env.io, flavour === 'bash' ? 127 : 2, [{ stream: 'stderr', text }]);
  }
  return new ShellProc(
    { ...launch, arg0: file },
    { kind: 'script', source: read.content, inline: false, positional: argv.slice(i + 1), options },
  );
}

/** What an image's `docker-entrypoint.sh` turns its arguments into before it `exec`s them. */
function entrypointArgs(behaviour: ImageBehaviour, args: readonly string[], ctx: ProcContext): string[] {
  const first = args[0] ?? '';
  const flag = first.startsWith('-');
  const command = ctx.tools.has(first) && !ctx.tools.permissive;
  switch (behaviour) {
    case 'redis':
      return flag || first.endsWith('.conf') ? ['redis-server', ...args] : [...args];
    case 'postgres':
      return flag ? ['postgres', ...args] : [...args];
    case 'mysql':
      return flag ? ['mysqld', ...args] : [...args];
    default:
      return flag || !command ? [behaviour === 'node' ? 'node' : 'curl', ...args] : [...args];
  }
}

function execNotFound(env: ProgramEnv, script: string, name: string): Proc {
  const flavour = env.ctx.tools.sh ?? 'dash';
  const d: Dialect = { flavour, arg0: script, inline: false };
  return oneShot(env.io, 127, [{ stream: 'stderr', text: parameterError(d, 20, 'exec', `${name}: not found`) }]);
}

/** Replaces the calling process (same PID), as `exec` in a script does. */
type ExecInto = (argv: readonly string[], env: ProgramEnv) => SpawnResult;

/** The official images' entrypoint scripts: nginx's configuration step, the databases' password checks. */
function startEntrypoint(argv: readonly string[], env: ProgramEnv, exec: ExecInto): Proc | SpawnResult {
  const script = argv[0] ?? '';
  const args = argv.slice(1);
  const behaviour = env.ctx.image.behaviour;
  const target = script === '/docker-entrypoint.sh' ? [...args] : entrypointArgs(behaviour, args, env.ctx);
  const name = basename(target[0] ?? '');
  if (behaviour === 'nginx' && (name === 'nginx' || name === 'nginx-debug')) return startNginx(target, env, true);
  if (behaviour === 'postgres' && name === 'postgres') return startPostgres(target, env, true);
  if (behaviour === 'mysql' && name === 'mysqld') return startMysqld(target, env, true);
  if (target.length === 0) return startInert(env);
  const r = exec(target, env);
  return r.ok ? r : execNotFound(env, script.startsWith('/') ? script : `/usr/local/bin/${script}`, target[0] ?? '');
}

function programFor(name: string, behaviour: ImageBehaviour, busybox: boolean, exec: ExecInto): Factory | undefined {
  if (/^python(\d(\.\d+)?)?$/.test(name)) return startPython;
  switch (name) {
    case 'stress':
      return startStress;
    case 'nginx':
    case 'nginx-debug':
      return (argv, env) => startNginx(argv, env, false);
    case 'docker-entrypoint.sh':
    case 'entrypoint.sh':
      return (argv, env) => startEntrypoint(argv, env, exec);
    case 'httpd-foreground':
    case 'apachectl':
      return startApache;
    case 'httpd':
      return behaviour === 'httpd' || !busybox ? startApache : startBusyboxHttpd;
    case 'redis-server':
      return startRedisServer;
    case 'redis-cli':
      return startRedisCli;
    case 'postgres':
      return (argv, env) => startPostgres(argv, env, false);
    case 'pg_isready':
      return startPgIsReady;
    case 'mysqld':
      return (argv, env) => startMysqld(argv, env, false);
    case 'mysqladmin':
      return startMysqladmin;
    case 'mysql':
      return startMysqlClient;
    case 'node':
      return startNode;
    case 'pause':
      return (_argv, env) => startPause(env);
    case 'gosu':
      return (argv, env) => exec(argv.slice(2), env);
    case 'busybox':
      return (argv, env) => (argv.length > 1 ? exec(argv.slice(1), env) : startInert(env));
    default:
      return undefined;
  }
}

/** `#!/usr/bin/env python3` -> [python3]; `#!/bin/bash -e` -> [/bin/bash, -e]; none -> /bin/sh. */
function shebang(content: string): string[] {
  const m = /^#![ \t]*(\S+)(?:[ \t]+([^\n]*))?/.exec(content);
  if (!m?.[1]) return ['/bin/sh'];
  const extra = m[2]?.trim().split(/\s+/) ?? [];
  return basename(m[1]) === 'env' && extra[0] ? extra : [m[1], ...extra];
}

/** Builds the `spawn` of a container: argv -> running Proc, or why not. */
export function createSpawner(getCtx: () => ProcContext): ProcContext['spawn'] {
  const start = (argv: readonly string[], io: SpawnIo, pid: number | undefined): SpawnResult => {
    const ctx = getCtx();
    const arg0 = argv[0] ?? '';
    if (arg0 === '') return { ok: false, failure: 'not-found' };
    const tools = ctx.tools;
    let name: string | undefined;
    if (arg0.includes('/')) {
      const path = resolvePath(arg0, io.cwd);
      const st = ctx.fs.stat(path);
      if (st?.type === 'dir') return { ok: false, failure: 'is-directory' };
      if (st?.type === 'file' && (tools.permissive || !tools.hasPath(path))) {
        if ((st.mode & 0o111) === 0) return { ok: false, failure: 'permission-denied' };
        const read = ctx.fs.read(path);
        const interpreter = shebang(read.ok ? read.content : '');
        const r = start([...interpreter, path, ...argv.slice(1)], io, pid);
        return r.ok ? r : { ok: false, failure: 'no-such-file' };
      }
      if (!tools.hasPath(path)) return { ok: false, failure: 'no-such-file' };
      name = basename(path);
    } else if (tools.has(arg0)) name = arg0;
    else return { ok: false, failure: 'not-found' };

    const env: ProgramEnv = { ctx, io, pid: pid ?? ctx.nextPid() };
    const exec: ExecInto = (next, e) => start(next, { ...e.io, replace: true }, e.pid);
    const shell = own(SHELLS, name);
    if (shell !== undefined) {
      const flavour = shell === 'sh' ? tools.sh : shell;
      if (flavour === undefined) return { ok: false, failure: 'not-found' };
      return ok(startShell(argv, env, flavour));
    }
    const factory = programFor(name, ctx.image.behaviour, tools.style === 'busybox', exec);
    if (factory) {
      const r = factory(argv, env);
      return 'ok' in r ? r : ok(r);
    }
    if (UTILITIES.has(name)) {
      const launch = { ctx, flavour: tools.sh ?? 'dash', arg0, io, pid: env.pid };
      return ok(new ShellProc(launch, { kind: 'argv', argv }));
    }
    // A program the model cannot know: as the container's main process (or exec'd into) it is the app and runs
    // like an unknown image's; a base-system tool, or one called from a script, succeeds quietly.
    return ok(io.replace && !tools.isBaseTool(name) ? startGenericApp(env) : startInert(env));
  };
  return (argv, io) => start(argv, io, io.pid);
}
