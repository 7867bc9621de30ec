// python3 as containers use it: no arguments without a TTY exits 0; `-m http.server`; `-c CODE` and script
// files run through a mini-interpreter for the statements crash-and-log examples use (print, imports,
// os.environ, time.sleep, sys.exit, raise, `while True:` and `for .. in range(n):`). Anything else makes the
// rest of the program opaque: it then runs like an unknown image's app. stdout is block-buffered on a pipe
// unless -u / PYTHONUNBUFFERED, exactly the surprise real users hit.

import type { Exec } from '../../shell/io.js';
import { clfTime } from '../clock-format.js';
import { GeneratorProc, type ScriptHost } from '../generator-proc.js';
import { own } from '../own.js';
import type { HttpResponse, Proc } from '../proc.js';
import { oneShot } from '../timeline-proc.js';
import { resolvePath } from '../vfs.js';
import { genericCpu, genericMemory, waitingOnStdin } from './generic.js';
import { MIB, type ProgramEnv } from './program.js';
import { callArgs, matchingClose, Opaque, splitTopLevel, stringLiteral } from './script-text.js';
import { lookupStatic } from './static-site.js';

const STDLIB = new Set(
  (
    'os sys time json re math random datetime logging signal threading socket subprocess http urllib collections ' +
    'itertools functools pathlib typing string io shutil tempfile uuid hashlib base64 argparse traceback platform ' +
    'socketserver queue struct copy csv sqlite3 asyncio contextlib dataclasses enum glob textwrap unittest'
  ).split(' '),
);

type Value = string | number | boolean | null;

class PyError extends Error {
  constructor(
    readonly type: string,
    readonly detail: string,
    readonly frozenOs = false,
  ) {
    super(`${type}: ${detail}`);
  }
}

class PyExit {
  constructor(readonly code: number) {}
}

interface Stmt {
  readonly text: string;
  readonly line: number;
  readonly body?: readonly Stmt[];
}

/** Logical statements with `while`/`for` bodies nested by indentation. */
function parseBlock(
  lines: readonly { indent: number; text: string; line: number }[],
  from: number,
  indent: number,
): [Stmt[], number] {
  const out: Stmt[] = [];
  let i = from;
  while (i < lines.length) {
    const l = lines[i];
    if (!l || l.indent < indent) break;
    i++;
    const header = /^(while|for|if|def|class|with|try)\b.*:\s*(.*)$/.exec(l.text);
    if (!header) {
      for (const part of splitTopLevel(l.text, [';'])) out.push({ text: part, line: l.line });
      continue;
    }
    const head = l.text.slice(0, l.text.length - (header[2]?.length ?? 0)).trim();
    if (header[2]) {
      out.push({
        text: head,
        line: l.line,
        body: splitTopLevel(header[2], [';']).map((text) => ({ text, line: l.line })),
      });
      continue;
    }
    const [body, next] = parseBlock(
      lines,
      i,
      (lines[i]?.indent ?? indent) > indent ? (lines[i]?.indent ?? indent + 1) : indent + 1,
    );
    out.push({ text: head, line: l.line, body });
    i = next;
  }
  return [out, i];
}

function parse(code: string): Stmt[] {
  const lines = code
    .split('\n')
    .map((raw, k) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim(), line: k + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  return parseBlock(lines, 0, lines[0]?.indent ?? 0)[0];
}

class MiniPython {
  private readonly vars = new Map<string, Value>();

  constructor(
    private readonly env: ProgramEnv,
    private readonly host: ScriptHost,
    private readonly file: string,
    private readonly argv: readonly string[],
  ) {}

  private env_(name: string): string | undefined {
    return own(this.env.io.env, name);
  }

  eval(text: string): Value {
    const t = text.trim();
    const ors = splitTopLevel(t, [' or ']);
    if (ors.length > 1)
      return (
        ors.map((x) => this.eval(x)).find((v) => v !== '' && v !== 0 && v !== null && v !== false) ??
        this.eval(ors[ors.length - 1] ?? '')
      );
    const sums = splitTopLevel(t, [' + ']);
    if (sums.length > 1) {
      const vals = sums.map((x) => this.eval(x));
      return vals.every((v) => typeof v === 'number')
        ? vals.reduce<number>((a, b) => a + (b as number), 0)
        : vals.join('');
    }
    const lit = stringLiteral(t);
    if (lit) return lit.value;
    if (/^[fF](['"]).*\1$/.test(t)) {
      return (stringLiteral(t.slice(1))?.value ?? '').replace(/\{([^{}]+)\}/g, (_m, e: string) =>
        this.str(this.eval(e)),
      );
    }
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (t === 'True' || t === 'False') return t === 'True';
    if (t === 'None') return null;
    const item = /^os\.environ\[(.+)\]$/.exec(t);
    if (item?.[1]) {
      const key = this.str(this.eval(item[1]));
      const v = this.env_(key);
      if (v === undefined) throw new PyError('KeyError', `'${key}'`, true);
      return v;
    }
    const get = callArgs(t, 'os.environ.get') ?? callArgs(t, 'os.getenv');
    if (get !== undefined) {
      const [k = '', d] = splitTopLevel(get, [',']);
      return this.env_(this.str(this.eval(k))) ?? (d === undefined ? null : this.eval(d));
    }
    for (const fn of ['str', 'int', 'len']) {
      const inner = callArgs(t, fn);
      if (inner === undefined) continue;
      const v = this.eval(inner);
      if (fn === 'str') return this.str(v);
      if (fn === 'len') return this.str(v).length;
      if (!/^\s*-?\d+\s*$/.test(this.str(v)))
        throw new PyError('ValueError', `invalid literal for int() with base 10: '${this.str(v)}'`);
      return Number(v);
    }
    if (/^sys\.argv\[\d+\]$/.test(t)) return this.argv[Number(/\d+/.exec(t)?.[0])] ?? null;
    if (t.startsWith('(') && matchingClose(t, 0) === t.length - 1) return this.eval(t.slice(1, -1));
    if (/^[A-Za-z_]\w*$/.test(t)) {
      const v = this.vars.get(t);
      if (v === undefined) throw new PyError('NameError', `name '${t}' is not defined`);
      return v;
    }
    throw new Opaque(t);
  }

  str(v: Value): string {
    return v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : String(v);
  }

  *run(stmts: readonly Stmt[]): Exec<void> {
    for (const s of stmts) yield* this.stmt(s);
  }

  private *stmt(s: Stmt): Exec<void> {
    const t = s.text;
    const imp =
      /^(?:import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)|from\s+([\w.]+)\s+import\s+.+)$/.exec(t);
    if (imp) {
      const modules = imp[1] ? imp[1].split(',').map((m) => m.trim().split(/\s+/)[0] ?? '') : [imp[2] ?? ''];
      for (const m of modules) {
        const root = m.split('.')[0] ?? m;
        if (!STDLIB.has(root)) throw new PyError('ModuleNotFoundError', `No module named '${root}'`);
      }
      return;
    }
    if (s.body) return yield* this.block(s);
    const print = callArgs(t, 'print');
    if (print !== undefined) {
      const args = splitTopLevel(print, [',']);
      const toErr = args.some((a) => /^file\s*=\s*sys\.stderr$/.test(a));
      const text = args
        .filter((a) => !/^\w+\s*=/.test(a))
        .map((a) => this.str(this.eval(a)))
        .join(' ');
      if (toErr) this.host.err(`${text}\n`);
      else this.host.out(`${text}\n`);
      if (args.some((a) => /^flush\s*=\s*True$/.test(a))) this.host.flush();
      return;
    }
    const sleep = callArgs(t, 'time.sleep') ?? callArgs(t, 'sleep');
    if (sleep !== undefined) {
      const seconds = Number(this.eval(sleep));
      if (seconds > 0) yield { kind: 'sleep', ms: seconds * 1000 };
      return;
    }
    for (const fn of ['sys.exit', 'exit', 'quit', 'os._exit']) {
      const arg = callArgs(t, fn);
      if (arg === undefined) continue;
      const v = arg.trim() === '' ? null : this.eval(arg);
      if (typeof v === 'string') this.host.err(`${v}\n`);
      throw new PyExit(v === null ? 0 : typeof v === 'number' ? v : 1);
    }
    const raise = /^raise\s+([A-Za-z_][\w.]*)(?:\((.*)\))?$/.exec(t);
    if (raise?.[1]) throw new PyError(raise[1], raise[2] ? this.str(this.eval(raise[2])) : '');
    const assign = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(t);
    if (assign?.[1] && assign[2]) {
      this.vars.set(assign[1], this.eval(assign[2]));
      return;
    }
    if (t === 'pass' || t === 'sys.stdout.flush()') {
      if (t !== 'pass') this.host.flush();
      return;
    }
    if (/^signal\.signal\(/.test(t)) return;
    throw new Opaque(t);
  }

  private *block(s: Stmt): Exec<void> {
    const body = s.body ?? [];
    if (/^while\s+(True|1)\s*:$/.test(s.text)) {
      for (;;) {
        const before = this.host.now();
        yield* this.run(body);
        if (this.host.now() === before) yield { kind: 'sleep', ms: 100 };
      }
    }
    const range = /^for\s+([A-Za-z_]\w*)\s+in\s+range\((.+)\)\s*:$/.exec(s.text);
    if (range?.[1] && range[2]) {
      const bounds = splitTopLevel(range[2], [',']).map((x) => Number(this.eval(x)));
      const [from, to] = bounds.length === 1 ? [0, bounds[0] ?? 0] : [bounds[0] ?? 0, bounds[1] ?? 0];
      for (let k = from; k < to; k++) {
        this.vars.set(range[1], k);
        yield* this.run(body);
      }
      return;
    }
    throw new Opaque(s.text);
  }

  traceback(e: PyError, line: number): string {
    const frames = [`  File "${this.file}", line ${line}, in <module>`];
    if (e.frozenOs) frames.push('  File "<frozen os>", line 714, in __getitem__');
    return `Traceback (most recent call last):\n${frames.join('\n')}\n${e.type}${e.detail ? `: ${e.detail}` : ''}\n`;
  }
}

/** `python -m http.server [port] [--directory D]`: a static server that logs requests to stderr. */
function httpServer(args: readonly string[], env: ProgramEnv, host: ScriptHost): Exec {
  const dir = args[args.indexOf('--directory') + 1] ?? env.io.cwd;
  const port = Number(args.find((a) => /^\d+$/.test(a)) ?? 8000);
  return (function* (): Exec {
    host.out(`Serving HTTP on 0.0.0.0 port ${port} (http://0.0.0.0:${port}/) ...\n`);
    host.setMemory(15 * MIB);
    host.listen([port], (req): HttpResponse => {
      const found = lookupStatic(env.ctx.fs, args.includes('--directory') ? dir : env.io.cwd, req.path);
      const when = clfTime(env.ctx.host.epochMs + req.atMs)
        .replace(':', ' ')
        .replace(/ \+0000$/, '');
      const status = found.kind === 'missing' ? 404 : 200;
      if (status === 404)
        env.io.stderr.write(`${req.remoteAddr} - - [${when}] code 404, message File not found\n`, req.atMs);
      env.io.stderr.write(`${req.remoteAddr} - - [${when}] "GET ${req.path} HTTP/1.0" ${status} -\n`, req.atMs);
      const body =
        found.kind === 'file' ? found.content : status === 404 ? 'File not found' : '<!DOCTYPE HTML>\n<html></html>\n';
      return { status, body };
    });
    yield { kind: 'sleep', ms: Number.POSITIVE_INFINITY };
    return 0;
  })();
}

export function startPython(argv: readonly string[], env: ProgramEnv): Proc {
  const prog = argv[0] ?? 'python3';
  let i = 1;
  let unbuffered = !!env.io.env.PYTHONUNBUFFERED;
  while (argv[i]?.startsWith('-') && !['-c', '-m', '-'].includes(argv[i] ?? '')) {
    if (/^-\w*u/.test(argv[i] ?? '')) unbuffered = true;
    i += argv[i] === '-X' || argv[i] === '-W' ? 2 : 1;
  }
  const mode = argv[i];
  if ((mode === undefined || mode === '-') && env.io.stdinOpen) return waitingOnStdin(env, 9);
  let code = env.io.stdin;
  let file = '<stdin>';
  let rest = argv.slice(i + 1);
  if (mode === '-m') {
    const module = argv[i + 1] ?? '';
    rest = argv.slice(i + 2);
    if (module !== 'http.server') {
      if (STDLIB.has(module.split('.')[0] ?? '') || module === 'pip') return oneShot(env.io, 0, []);
      return oneShot(env.io, 1, [{ stream: 'stderr', text: `${prog}: No module named ${module}` }]);
    }
  } else if (mode === '-c') {
    code = argv[i + 1] ?? '';
    file = '<string>';
    rest = argv.slice(i + 2);
  } else if (mode !== undefined && mode !== '-') {
    const path = resolvePath(mode, env.io.cwd);
    const r = env.ctx.fs.read(path);
    if (!r.ok) {
      return oneShot(env.io, 2, [
        { stream: 'stderr', text: `${prog}: can't open file '${path}': [Errno 2] No such file or directory` },
      ]);
    }
    code = r.content;
    file = path;
  }
  return new GeneratorProc(
    (host) => {
      if (mode === '-m') return httpServer(rest, env, host);
      return (function* (): Exec {
        const py = new MiniPython(env, host, file, [file === '<string>' ? '-c' : file, ...rest]);
        let line = 1;
        try {
          for (const s of parse(code)) {
            line = s.line;
            yield* py.run([s]);
          }
          return 0;
        } catch (e) {
          if (e instanceof PyExit) return e.code;
          if (e instanceof PyError) {
            host.flush();
            host.err(py.traceback(e, line));
            return 1;
          }
          if (!(e instanceof Opaque)) throw e;
          // The rest is code the model cannot follow: from here on it behaves like an unknown image's app.
          host.setMemory(genericMemory(env));
          host.listen(env.ctx.host.declaredPorts, () => ({ status: 200, body: 'OK\n' }));
          yield { kind: 'sleep', ms: Number.POSITIVE_INFINITY };
          return 0;
        }
      })();
    },
    {
      stdout: env.io.stdout,
      stderr: env.io.stderr,
      startMs: env.io.startMs,
      memoryBytes: 9 * MIB,
      cpuMillis: Math.min(genericCpu(env), 5),
      bufferStdout: !unbuffered,
    },
  );
}
