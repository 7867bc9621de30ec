// System utilities: sleep (simulated time), timeout, date, env/printenv, hostname, id, uname, which, nohup.

import { dateDefault, strftime } from '../../program/clock-format.js';
import { own } from '../../program/own.js';
import type { Exec, UtilContext, Utility } from '../io.js';

const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `sleep`'s operand: `5`, `0.5`, `2m`, `1h`, `infinity`; undefined when invalid. */
function parseSleep(arg: string): number | undefined {
  if (/^(inf|infinity)$/i.test(arg)) return Number.POSITIVE_INFINITY;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!m?.[1]) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 1000);
}

function* sleepFor(ms: number): Exec {
  if (ms > 0) yield { kind: 'sleep', ms };
  return 0;
}

export const sleep: Utility = (argv, ctx) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    ctx.err(
      ctx.tools.style === 'busybox'
        ? 'BusyBox v1.37.0 multi-call binary.\n\nUsage: sleep [N]...\n'
        : 'sleep: missing operand\n',
    );
    return 1;
  }
  let total = 0;
  for (const a of args) {
    const ms = parseSleep(a);
    if (ms === undefined) {
      if (ctx.tools.style === 'busybox') ctx.err(`sleep: invalid number '${a}'\n`);
      else ctx.err(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    total += ms;
  }
  return sleepFor(total);
};

/** `timeout DURATION COMMAND...`: exit 124 when the command outlives DURATION. */
export const timeout: Utility = (argv, ctx) => {
  const args = argv.slice(1).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '-s' && all[i - 1] !== '-k');
  const limit = parseSleep(args[0] ?? '');
  if (limit === undefined || args.length < 2) {
    ctx.err(`timeout: invalid time interval '${args[0] ?? ''}'\n`);
    return 125;
  }
  return (function* (): Exec {
    const inner = ctx.run(args.slice(1), ctx.env);
    let elapsed = 0;
    let resume = 0;
    for (;;) {
      const step = inner.next(resume);
      if (step.done) {
        if (step.value === undefined)
          ctx.err(`timeout: failed to run command '${args[1]}': No such file or directory\n`);
        return step.value ?? 127;
      }
      const effect = step.value;
      if (effect.kind === 'sleep' && elapsed + effect.ms > limit) {
        yield { kind: 'sleep', ms: limit - elapsed };
        return 124;
      }
      if (effect.kind === 'sleep') elapsed += effect.ms;
      resume = yield effect;
    }
  })();
};

export const date: Utility = (argv, ctx) => {
  const epoch = ctx.host.epochMs + ctx.now();
  const format = argv.slice(1).find((a) => a.startsWith('+'));
  if (format) ctx.out(`${strftime(format.slice(1), epoch)}\n`);
  else if (argv.some((a) => a === '-I' || a.startsWith('--iso-8601') || a.startsWith('-I'))) {
    const iso = new Date(epoch).toISOString();
    ctx.out(`${argv.some((a) => a.includes('seconds')) ? `${iso.slice(0, 19)}+00:00` : iso.slice(0, 10)}\n`);
  } else if (argv.includes('-R')) ctx.out(`${new Date(epoch).toUTCString().replace('GMT', '+0000')}\n`);
  else ctx.out(`${dateDefault(epoch)}\n`);
  return 0;
};

function printEnv(ctx: UtilContext, env: Readonly<Record<string, string>>): void {
  ctx.out(
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}

/** `env [-i] [-u NAME] [NAME=VALUE]... [COMMAND...]` */
export const env: Utility = (argv, ctx) => {
  let vars: Record<string, string> = { ...ctx.env };
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-i' || a === '-') vars = {};
    else if (a === '-u') delete vars[argv[++i] ?? ''];
    else if (/^[A-Za-z_]\w*=/.test(a)) vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else break;
  }
  const command = argv.slice(i);
  if (command.length === 0) {
    printEnv(ctx, vars);
    return 0;
  }
  return (function* (): Exec {
    const status = yield* ctx.run(command, vars);
    if (status !== undefined) return status;
    if (ctx.tools.style === 'busybox') ctx.err(`env: can't execute '${command[0]}': No such file or directory\n`);
    else ctx.err(`env: '${command[0]}': No such file or directory\n`);
    return 127;
  })();
};

export const printenv: Utility = (argv, ctx) => {
  const names = argv.slice(1);
  if (names.length === 0) {
    printEnv(ctx, ctx.env);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = own(ctx.env, n);
    if (v === undefined) status = 1;
    else ctx.out(`${v}\n`);
  }
  return status;
};

export const nohup: Utility = (argv, ctx) =>
  (function* (): Exec {
    const status = yield* ctx.run(argv.slice(1), ctx.env);
    if (status !== undefined) return status;
    ctx.err(`nohup: failed to run command '${argv[1] ?? ''}': No such file or directory\n`);
    return 127;
  })();

export const pwd: Utility = (_argv, ctx) => {
  ctx.out(`${ctx.cwd}\n`);
  return 0;
};

export const hostname: Utility = (argv, ctx) => {
  ctx.out(`${argv.includes('-i') ? ctx.host.podIp : ctx.host.hostname}\n`);
  return 0;
};

export const whoami: Utility = (_argv, ctx) => {
  ctx.out('root\n');
  return 0;
};

export const id: Utility = (_argv, ctx) => {
  ctx.out('uid=0(root) gid=0(root) groups=0(root)\n');
  return 0;
};

export const uname: Utility = (argv, ctx) => {
  const flags = argv.slice(1).join('');
  const kernel = '6.8.0-1015-gke';
  if (flags.includes('a')) ctx.out(`Linux ${ctx.host.hostname} ${kernel} #1 SMP x86_64 GNU/Linux\n`);
  else if (flags.includes('r')) ctx.out(`${kernel}\n`);
  else if (flags.includes('m')) ctx.out('x86_64\n');
  else if (flags.includes('n')) ctx.out(`${ctx.host.hostname}\n`);
  else ctx.out('Linux\n');
  return 0;
};

export const nproc: Utility = (_argv, ctx) => {
  ctx.out('2\n');
  return 0;
};

export const which: Utility = (argv, ctx) => {
  let status = 0;
  for (const name of argv.slice(1)) {
    const path = ctx.tools.pathOf(name);
    if (path) ctx.out(`${path}\n`);
    else status = 1;
  }
  return status;
};

/** Signals are not modelled: `kill` succeeds and changes nothing. */
export const kill: Utility = () => 0;
