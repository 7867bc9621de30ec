// `test`, `[` and bash's `[[`: file tests against the container filesystem, string and integer comparisons,
// `!`, `-a`/`-o` (`&&`/`||` in `[[`), parentheses, and `[[ x == pattern ]]` / `=~`.

import type { Stat } from '../../program/vfs.js';
import { resolvePath } from '../../program/vfs.js';
import type { UtilContext } from '../io.js';
import { globMatch } from '../pattern.js';

class TestError extends Error {}

const UNARY_FILE = new Set(['-e', '-f', '-d', '-r', '-w', '-x', '-s', '-L', '-h', '-p', '-S', '-b', '-c', '-g', '-u']);
const INT_OPS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);
const STR_OPS = new Set(['=', '==', '!=', '<', '>']);

function fileTest(op: string, stat: Stat | undefined): boolean {
  if (!stat) return false;
  switch (op) {
    case '-f':
      return stat.type === 'file';
    case '-d':
      return stat.type === 'dir';
    case '-s':
      return stat.type === 'dir' || stat.size > 0;
    case '-x':
      return stat.type === 'dir' || (stat.mode & 0o111) !== 0;
    case '-L':
    case '-h':
    case '-p':
    case '-S':
    case '-b':
    case '-c':
    case '-g':
    case '-u':
      return false;
    default:
      return true;
  }
}

class Evaluator {
  private i = 0;
  constructor(
    private readonly args: readonly string[],
    private readonly ctx: UtilContext,
    private readonly double: boolean,
  ) {}

  private int(v: string): number {
    if (!/^\s*-?\d+\s*$/.test(v)) {
      const flavour = this.ctx.shell;
      throw new TestError(
        flavour === 'dash'
          ? `Illegal number: ${v}`
          : flavour === 'ash'
            ? `${v}: bad number`
            : `${v}: integer expression expected`,
      );
    }
    return Number(v);
  }

  run(): boolean {
    if (this.args.length === 0) return false;
    const v = this.or();
    if (this.i < this.args.length) throw new TestError(`${this.args[this.i]}: unexpected operator`);
    return v;
  }

  private isOr(t: string | undefined): boolean {
    return this.double ? t === '||' : t === '-o';
  }

  private isAnd(t: string | undefined): boolean {
    return this.double ? t === '&&' : t === '-a';
  }

  private or(): boolean {
    let v = this.and();
    while (this.isOr(this.args[this.i])) {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.isAnd(this.args[this.i])) {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }

  private not(): boolean {
    if (this.args[this.i] === '!' && this.i + 1 < this.args.length) {
      this.i++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const a = this.args;
    const t = a[this.i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(' && this.i + 2 < a.length) {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ')') throw new TestError("missing ')'");
      this.i++;
      return v;
    }
    const op = a[this.i + 1];
    const rhs = a[this.i + 2];
    if (op !== undefined && rhs !== undefined && (STR_OPS.has(op) || INT_OPS.has(op) || op === '=~')) {
      this.i += 3;
      return this.binary(t, op, rhs);
    }
    if (op !== undefined && (t === '-z' || t === '-n')) {
      this.i += 2;
      return t === '-z' ? op.length === 0 : op.length > 0;
    }
    if (op !== undefined && UNARY_FILE.has(t)) {
      this.i += 2;
      return fileTest(t, this.ctx.fs.stat(resolvePath(op, this.ctx.cwd)));
    }
    this.i++;
    return t.length > 0;
  }

  private binary(l: string, op: string, r: string): boolean {
    switch (op) {
      case '=':
      case '==':
        return this.double ? globMatch([{ text: r, quoted: false }], l) : l === r;
      case '!=':
        return this.double ? !globMatch([{ text: r, quoted: false }], l) : l !== r;
      case '<':
        return l < r;
      case '>':
        return l > r;
      case '=~':
        try {
          return new RegExp(r).test(l);
        } catch {
          throw new TestError('syntax error in regular expression');
        }
      case '-eq':
        return this.int(l) === this.int(r);
      case '-ne':
        return this.int(l) !== this.int(r);
      case '-lt':
        return this.int(l) < this.int(r);
      case '-le':
        return this.int(l) <= this.int(r);
      case '-gt':
        return this.int(l) > this.int(r);
      default:
        return this.int(l) >= this.int(r);
    }
  }
}

/** `test` / `[` / `[[`; exit 0 (true), 1 (false) or 2 (usage error). */
export function testCommand(argv: readonly string[], ctx: UtilContext): number {
  const name = argv[0] ?? 'test';
  let args = argv.slice(1);
  if (name === '[' || name === '[[') {
    const close = name === '[' ? ']' : ']]';
    if (args[args.length - 1] !== close) {
      ctx.complain(name, ctx.shell === 'bash' ? `missing \`${close}'` : `missing ${close}`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return new Evaluator(args, ctx, name === '[[').run() ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    ctx.complain(name, e.message);
    return 2;
  }
}
