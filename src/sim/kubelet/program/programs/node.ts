// node as containers use it: no arguments without a TTY exits 0; `-e CODE` and script files run through a
// mini-interpreter for console.log/error, process.env, process.exit, require of built-ins, setInterval /
// setTimeout, throw, and `.listen(port)`. Anything else makes the program opaque (an unknown app).

import type { Exec } from '../../shell/io.js';
import { GeneratorProc, type ScriptHost } from '../generator-proc.js';
import { own } from '../own.js';
import type { Proc } from '../proc.js';
import { oneShot } from '../timeline-proc.js';
import { resolvePath } from '../vfs.js';
import { genericCpu, genericMemory, waitingOnStdin } from './generic.js';
import { MIB, type ProgramEnv } from './program.js';
import { callArgs, matchingClose, Opaque, splitTopLevel, stringLiteral } from './script-text.js';

const BUILTINS = new Set(
  'http https fs path os util events stream crypto url child_process net dns zlib querystring buffer process timers readline cluster worker_threads assert'.split(
    ' ',
  ),
);

type Value = string | number | boolean | null | undefined;

class NodeThrow extends Error {
  constructor(
    readonly header: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

class NodeExit {
  constructor(readonly code: number) {}
}

class MiniNode {
  private readonly vars = new Map<string, Value>();
  private readonly timers: { atMs: number; every: number | undefined; body: string }[] = [];
  private listening = false;

  constructor(
    private readonly env: ProgramEnv,
    private readonly host: ScriptHost,
    private readonly where: string,
  ) {}

  eval(text: string): Value {
    const t = text.trim();
    for (const op of [' || ', ' ?? ']) {
      const alts = splitTopLevel(t, [op]);
      if (alts.length > 1) {
        for (const a of alts.slice(0, -1)) {
          const v = this.eval(a);
          if (op === ' || ' ? Boolean(v) : v !== undefined && v !== null) return v;
        }
        return this.eval(alts[alts.length - 1] ?? '');
      }
    }
    const sums = splitTopLevel(t, [' + ']);
    if (sums.length > 1) {
      const vals = sums.map((x) => this.eval(x));
      return vals.every((v) => typeof v === 'number')
        ? vals.reduce<number>((a, b) => a + (b as number), 0)
        : vals.map(String).join('');
    }
    const lit = stringLiteral(t);
    if (lit)
      return lit.quote === '`'
        ? lit.value.replace(/\$\{([^}]+)\}/g, (_m, e: string) => String(this.eval(e)))
        : lit.value;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null' || t === 'undefined') return t === 'null' ? null : undefined;
    const env = /^process\.env(?:\.([A-Za-z_]\w*)|\[(.+)\])$/.exec(t);
    if (env) return own(this.env.io.env, env[1] ?? String(this.eval(env[2] ?? '')));
    const req = callArgs(t, 'require');
    if (req !== undefined) return this.require(String(this.eval(req)));
    if (t.startsWith('(') && matchingClose(t, 0) === t.length - 1) return this.eval(t.slice(1, -1));
    if (/^[A-Za-z_$][\w$]*$/.test(t) && this.vars.has(t)) return this.vars.get(t);
    throw new Opaque(t);
  }

  private require(name: string): string {
    const bare = name.replace(/^node:/, '');
    if (BUILTINS.has(bare)) return `[module ${bare}]`;
    const stack = this.where === '[eval]' ? '' : `\nRequire stack:\n- ${this.where}`;
    throw new NodeThrow(
      'node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n',
      `Error: Cannot find module '${name}'${stack}\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n    at Module._load (node:internal/modules/cjs/loader:1051:27) {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: [${this.where === '[eval]' ? '' : ` '${this.where}' `}]\n}`,
    );
  }

  /** Runs top-level statements now (throws Opaque at the first one it cannot follow). */
  run(code: string, firstLine: number): void {
    let cursor = 0;
    for (const stmt of splitTopLevel(code, [';', '\n'])) {
      const at = code.indexOf(stmt, cursor);
      cursor = at + stmt.length;
      this.stmt(stmt, firstLine + (code.slice(0, at).match(/\n/g)?.length ?? 0));
    }
  }

  private stmt(t: string, line: number): void {
    if (t.startsWith('//') || t === "'use strict'" || t === '"use strict"') return;
    for (const [fn, stream] of [
      ['console.log', 'out'],
      ['console.info', 'out'],
      ['console.error', 'err'],
      ['console.warn', 'err'],
    ] as const) {
      const args = callArgs(t, fn);
      if (args === undefined) continue;
      const text = splitTopLevel(args, [','])
        .map((a) => String(this.eval(a)))
        .join(' ');
      this.host[stream](`${text}\n`);
      return;
    }
    const exit = callArgs(t, 'process.exit');
    if (exit !== undefined) throw new NodeExit(exit.trim() === '' ? 0 : Number(this.eval(exit)));
    const thrown = /^throw\s+(?:new\s+)?(\w*Error)\((.*)\)$/.exec(t);
    if (thrown?.[1]) {
      const msg = thrown[2] ? String(this.eval(thrown[2])) : '';
      throw new NodeThrow(
        `${this.where}:${line}\n${t}\n^\n`,
        `${thrown[1]}${msg ? `: ${msg}` : ''}\n    at ${this.where}:${line}:1`,
      );
    }
    const decl = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+)$/.exec(t);
    if (decl?.[1] && decl[2] && !/\.listen\(/.test(decl[2])) {
      this.vars.set(decl[1], this.eval(decl[2]));
      return;
    }
    const timer =
      /^(setInterval|setTimeout)\(\s*(?:\(\)\s*=>\s*\{?|function\s*\(\)\s*\{)(.*?)\}?\s*,\s*(\d+)\s*\)$/s.exec(t);
    if (timer?.[2] !== undefined && timer[3]) {
      const every = timer[1] === 'setInterval' ? Math.max(1, Number(timer[3])) : undefined;
      this.timers.push({ atMs: this.host.now() + Number(timer[3]), every, body: timer[2] });
      return;
    }
    const listen = /\.listen\(\s*([^,)]+)/.exec(t);
    if (listen?.[1]) {
      const port = Number(this.eval(listen[1]));
      const body = /\w+\.end\(\s*(['"`])(.*?)\1/.exec(t)?.[2] ?? '';
      this.host.listen([port], () => ({ status: 200, body }));
      this.listening = true;
      return;
    }
    if (/^(?:const|let|var)\s+\w+\s*=\s*require\(/.test(t)) return;
    throw new Opaque(t);
  }

  /** The event loop: timers in due order; exits when nothing is pending, as node does. */
  *loop(): Exec {
    for (;;) {
      this.timers.sort((a, b) => a.atMs - b.atMs);
      const next = this.timers.shift();
      if (!next) {
        if (!this.listening) return 0;
        yield { kind: 'sleep', ms: Number.POSITIVE_INFINITY };
        continue;
      }
      if (next.atMs > this.host.now()) yield { kind: 'sleep', ms: next.atMs - this.host.now() };
      if (next.every !== undefined) this.timers.push({ ...next, atMs: next.atMs + next.every });
      this.run(next.body, 1);
    }
  }
}

export function startNode(argv: readonly string[], env: ProgramEnv): Proc {
  const version = env.ctx.image.version ?? '22.18.0';
  const evalIdx = argv.findIndex((a) => a === '-e' || a === '--eval' || a === '-p' || a === '--print');
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  if (evalIdx < 0 && script === undefined && env.io.stdinOpen) return waitingOnStdin(env, 40);
  let code = env.io.stdin;
  let where = '[stdin]';
  if (evalIdx > 0) {
    code = argv[evalIdx + 1] ?? '';
    where = '[eval]';
  } else if (script !== undefined) {
    const path = resolvePath(script, env.io.cwd);
    const r = env.ctx.fs.read(path);
    if (!r.ok) {
      const text =
        `node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '${path}'\n` +
        '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n' +
        '    at Module._load (node:internal/modules/cjs/loader:1051:27)\n' +
        '    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)\n' +
        "    at node:internal/main/run_main_module:28:49 {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}\n\n" +
        `Node.js v${version}`;
      return oneShot(env.io, 1, [{ stream: 'stderr', text }]);
    }
    code = r.content;
    where = path;
  }
  return new GeneratorProc(
    (host) =>
      (function* (): Exec {
        const node = new MiniNode(env, host, where);
        try {
          node.run(code, 1);
          return yield* node.loop();
        } catch (e) {
          if (e instanceof NodeExit) return e.code;
          if (e instanceof NodeThrow) {
            host.err(`${e.header}\n${e.detail}\n\nNode.js v${version}\n`);
            return 1;
          }
          if (!(e instanceof Opaque)) throw e;
          host.setMemory(genericMemory(env));
          host.listen(env.ctx.host.declaredPorts, () => ({ status: 200, body: 'OK\n' }));
          yield { kind: 'sleep', ms: Number.POSITIVE_INFINITY };
          return 0;
        }
      })(),
    {
      stdout: env.io.stdout,
      stderr: env.io.stderr,
      startMs: env.io.startMs,
      memoryBytes: 42 * MIB,
      cpuMillis: Math.min(genericCpu(env), 5),
      bufferStdout: false,
    },
  );
}
