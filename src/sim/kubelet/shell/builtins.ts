// Builtins that act on the shell itself: exit, export, set, cd, eval, exec, wait, read, trap, local, ...

import { resolvePath } from '../program/vfs.js';
import * as say from './dialect.js';
import type { Interpreter } from './interpreter.js';
import type { Exec, Io } from './io.js';
import { ExitSignal, LoopSignal, ReturnSignal } from './state.js';
import { UTILITIES } from './utilities/index.js';

type Builtin = (argv: readonly string[], sh: Interpreter, io: Io) => number | Exec;

function numberArg(
  sh: Interpreter,
  io: Io,
  name: string,
  arg: string | undefined,
  fallback: number,
): number | undefined {
  if (arg === undefined) return fallback;
  if (/^-?\d+$/.test(arg)) return Number(arg);
  const text = sh.dialect.flavour === 'bash' ? `${arg}: numeric argument required` : `Illegal number: ${arg}`;
  sh.complain(io, say.parameterError(sh.dialect, sh.currentLine(), name, text));
  return undefined;
}

const exit: Builtin = (argv, sh, io) => {
  const code = numberArg(sh, io, 'exit', argv[1], sh.state.status);
  throw new ExitSignal(code === undefined ? 2 : code & 255);
};

const ret: Builtin = (argv, sh, io) => {
  const code = numberArg(sh, io, 'return', argv[1], sh.state.status);
  throw new ReturnSignal(code === undefined ? 2 : code & 255);
};

const loopControl =
  (kind: 'break' | 'continue'): Builtin =>
  (argv, sh, io) => {
    const n = numberArg(sh, io, kind, argv[1], 1);
    throw new LoopSignal(kind, Math.max(1, n ?? 1));
  };

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const exportBuiltin =
  (readonly: boolean): Builtin =>
  (argv, sh, io) => {
    const names = argv.slice(1).filter((a) => !a.startsWith('-'));
    if (names.length === 0) {
      const st = sh.state;
      const keys = readonly ? [...st.readonlyVars] : [...st.exported];
      for (const k of keys.sort()) {
        const v = st.vars.get(k);
        io.stdout.write(`${readonly ? 'readonly' : 'export'} ${k}${v === undefined ? '' : `=${quote(v)}`}\n`, sh.now());
      }
      return 0;
    }
    for (const a of names) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a : a.slice(0, eq);
      if (eq !== -1) sh.assign(name, a.slice(eq + 1));
      if (readonly) sh.state.readonlyVars.add(name);
      else sh.state.exported.add(name);
    }
    return 0;
  };

const unset: Builtin = (argv, sh, io) => {
  const functions = argv.includes('-f');
  for (const name of argv.slice(1).filter((a) => !a.startsWith('-'))) {
    if (functions) sh.state.functions.delete(name);
    else if (!sh.state.unset(name)) {
      sh.complain(io, say.readonlyVariable(sh.dialect, sh.currentLine(), name));
      return 1;
    }
  }
  return 0;
};

const OPTION_LETTERS: Readonly<Record<string, 'errexit' | 'nounset' | 'xtrace' | 'noglob'>> = {
  e: 'errexit',
  u: 'nounset',
  x: 'xtrace',
  f: 'noglob',
};

const set: Builtin = (argv, sh, io) => {
  const opts = sh.state.options;
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [k, v] of [...sh.state.vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
      io.stdout.write(`${k}=${quote(v)}\n`, sh.now());
    }
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      sh.state.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-o' || a === '+o') {
      const name = args[++i] ?? '';
      if (name === 'errexit' || name === 'nounset' || name === 'xtrace' || name === 'noglob' || name === 'pipefail') {
        opts[name] = a === '-o';
      }
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(a)) {
      for (const letter of a.slice(1)) {
        const opt = OPTION_LETTERS[letter];
        if (opt) opts[opt] = a.startsWith('-');
      }
      continue;
    }
    sh.state.positional = args.slice(i);
    return 0;
  }
  return 0;
};

const shift: Builtin = (argv, sh, io) => {
  const n = numberArg(sh, io, 'shift', argv[1], 1);
  if (n === undefined || n > sh.state.positional.length) return n === undefined ? 2 : 1;
  sh.state.positional = sh.state.positional.slice(n);
  return 0;
};

const local: Builtin = (argv, sh) => {
  const frame = sh.state.localFrames[sh.state.localFrames.length - 1];
  for (const a of argv.slice(1).filter((x) => !x.startsWith('-'))) {
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    if (frame && !frame.has(name)) frame.set(name, sh.state.vars.get(name));
    sh.assign(name, eq === -1 ? '' : a.slice(eq + 1));
  }
  return 0;
};

const cd: Builtin = (argv, sh, io) => {
  const target = argv[1] ?? sh.lookup('HOME') ?? '/';
  const path = resolvePath(target, sh.state.cwd);
  const st = sh.rt.ctx.fs.stat(path);
  if (st?.type !== 'dir') {
    sh.complain(io, say.cdFailed(sh.dialect, sh.currentLine(), target, st ? 'ENOTDIR' : 'ENOENT'));
    return sh.dialect.flavour === 'dash' ? 2 : 1;
  }
  sh.state.cwd = path;
  sh.state.set('PWD', path);
  return 0;
};

const pwd: Builtin = (_argv, sh, io) => {
  io.stdout.write(`${sh.state.cwd}\n`, sh.now());
  return 0;
};

const evalBuiltin: Builtin = (argv, sh, io) => sh.runSource(argv.slice(1).join(' '), io);

const source: Builtin = (argv, sh, io) => {
  const file = argv[1];
  if (file === undefined) return 0;
  const read = sh.rt.ctx.fs.read(resolvePath(file, sh.state.cwd));
  if (!read.ok) {
    sh.complain(io, say.cannotOpen(sh.dialect, sh.currentLine(), file, read.error));
    return sh.dialect.flavour === 'bash' ? 1 : 2;
  }
  return sh.runSource(read.content, io);
};

const trap: Builtin = (argv, sh) => {
  const [action, ...signals] = argv.slice(1);
  for (const sig of signals) {
    const name = sig === '0' ? 'EXIT' : sig.replace(/^SIG/, '');
    if (action === '-') sh.state.traps.delete(name);
    else if (action !== undefined) sh.state.traps.set(name, action);
  }
  return 0;
};

const wait: Builtin = (_argv, sh) =>
  (function* (): Exec {
    let status = 0;
    for (const job of [...sh.rt.jobs]) status = yield { kind: 'wait', proc: job };
    return status;
  })();

const exec: Builtin = (argv, sh, io) => {
  if (argv.length < 2) return 0;
  return (function* (): Exec {
    const status = yield* sh.runCommand(argv.slice(1), sh.state.exportedEnv(), io, true);
    if (status === undefined) {
      sh.complain(io, say.parameterError(sh.dialect, sh.currentLine(), 'exec', `${argv[1]}: not found`));
      throw new ExitSignal(127);
    }
    throw new ExitSignal(status);
  })();
};

/** `command -v name` (how scripts test for a tool) and `command name` (skip functions). */
const command: Builtin = (argv, sh, io) => {
  const args = argv.slice(1);
  if (args[0] === '-v' || args[0] === '-V') {
    let status = 0;
    for (const name of args.slice(1)) {
      const builtin = SPECIAL_BUILTINS.has(name) || sh.state.functions.has(name) || UTILITIES.has(name);
      const path = sh.rt.ctx.tools.pathOf(name);
      if (builtin && !path) io.stdout.write(`${name}\n`, sh.now());
      else if (path) io.stdout.write(`${path}\n`, sh.now());
      else status = 1;
    }
    return status;
  }
  return (function* (): Exec {
    const status = yield* sh.runCommand(args, sh.state.exportedEnv(), io);
    return status ?? sh.spawnFailed(io, args[0] ?? '', 'not-found');
  })();
};

const type: Builtin = (argv, sh, io) => {
  let status = 0;
  for (const name of argv.slice(1)) {
    const path = sh.rt.ctx.tools.pathOf(name);
    if (sh.state.functions.has(name)) io.stdout.write(`${name} is a function\n`, sh.now());
    else if (SPECIAL_BUILTINS.has(name)) io.stdout.write(`${name} is a shell builtin\n`, sh.now());
    else if (path) io.stdout.write(`${name} is ${path}\n`, sh.now());
    else {
      sh.complain(io, say.parameterError(sh.dialect, sh.currentLine(), 'type', `${name}: not found`));
      status = 1;
    }
  }
  return status;
};

const read: Builtin = (argv, sh, io) => {
  const args = argv.slice(1);
  const raw = args.includes('-r');
  const names = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-p' && args[i - 1] !== '-t');
  let line = io.stdin.readLine();
  const eof = line === undefined;
  line ??= '';
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  const ifs = sh.lookup('IFS') ?? ' \t\n';
  const vars = names.length > 0 ? names : ['REPLY'];
  const esc = (chars: string): string => chars.replace(/[\]\\^-]/g, '\\$&');
  const blanks = esc([...ifs].filter((c) => /\s/.test(c)).join(''));
  const trimmed = blanks && names.length > 0 ? line.replace(new RegExp(`^[${blanks}]+|[${blanks}]+$`, 'g'), '') : line;
  const fields = ifs === '' ? [trimmed] : trimmed.split(new RegExp(`[${esc(ifs)}]+`));
  vars.forEach((name, i) => {
    sh.assign(name, i === vars.length - 1 ? fields.slice(i).join(ifs[0] ?? ' ') : (fields[i] ?? ''));
  });
  return eof ? 1 : 0;
};

const noop: Builtin = () => 0;

export const SPECIAL_BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['exit', exit],
  ['return', ret],
  ['break', loopControl('break')],
  ['continue', loopControl('continue')],
  ['export', exportBuiltin(false)],
  ['readonly', exportBuiltin(true)],
  ['unset', unset],
  ['set', set],
  ['shift', shift],
  ['local', local],
  ['cd', cd],
  ['pwd', pwd],
  ['eval', evalBuiltin],
  ['.', source],
  ['source', source],
  ['trap', trap],
  ['wait', wait],
  ['exec', exec],
  ['command', command],
  ['type', type],
  ['read', read],
  ['alias', noop],
  ['unalias', noop],
  ['umask', noop],
  ['ulimit', noop],
  ['shopt', noop],
  ['hash', noop],
]);
