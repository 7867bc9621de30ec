// `$(( ))` arithmetic: C-like integer expressions with variables, assignment and short-circuit operators.

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Node =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string }
  | { k: 'unary'; op: string; e: Node }
  | { k: 'incdec'; op: '++' | '--'; prefix: boolean; name: string }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'cond'; c: Node; t: Node; f: Node }
  | { k: 'assign'; op: string; name: string; e: Node };

const BINARY: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<=', '>=', '<', '>'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];
const TOKEN =
  /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|\*\*=?|<<=|>>=|\+\+|--|[-+*/%&|^]=|==|!=|<=|>=|&&|\|\||<<|>>|[-+*/%()<>=!~?:&|^])/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m?.[1]) throw new ArithError('syntax error');
    out.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

class ArithParser {
  private i = 0;
  constructor(private readonly toks: readonly string[]) {}

  private peek(): string | undefined {
    return this.toks[this.i];
  }

  parseAll(): Node {
    const n = this.assign();
    if (this.i < this.toks.length) throw new ArithError('syntax error');
    return n;
  }

  private assign(): Node {
    const t = this.peek();
    const op = this.toks[this.i + 1];
    if (t && /^[A-Za-z_]\w*$/.test(t) && op && /^([-+*/%&|^]|<<|>>|\*\*)?=$/.test(op)) {
      this.i += 2;
      return { k: 'assign', op, name: t, e: this.assign() };
    }
    return this.ternary();
  }

  private ternary(): Node {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.i++;
    const t = this.assign();
    if (this.toks[this.i++] !== ':') throw new ArithError('syntax error');
    return { k: 'cond', c, t, f: this.assign() };
  }

  private binary(level: number): Node {
    const ops = BINARY[level];
    if (!ops) return this.power();
    let l = this.binary(level + 1);
    for (let op = this.peek(); op !== undefined && ops.includes(op); op = this.peek()) {
      this.i++;
      l = { k: 'bin', op, l, r: this.binary(level + 1) };
    }
    return l;
  }

  private power(): Node {
    const base = this.unary();
    if (this.peek() !== '**') return base;
    this.i++;
    return { k: 'bin', op: '**', l: base, r: this.power() };
  }

  private unary(): Node {
    const t = this.peek();
    if (t === '++' || t === '--') {
      this.i++;
      const name = this.toks[this.i++] ?? '';
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new ArithError('syntax error');
      return { k: 'incdec', op: t, prefix: true, name };
    }
    if (t === '-' || t === '+' || t === '!' || t === '~') {
      this.i++;
      return { k: 'unary', op: t, e: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.toks[this.i++];
    if (t === undefined) throw new ArithError('syntax error');
    if (t === '(') {
      const e = this.assign();
      if (this.toks[this.i++] !== ')') throw new ArithError('syntax error');
      return e;
    }
    if (/^\d/.test(t)) {
      const v = /^0[xX]/.test(t) ? Number.parseInt(t, 16) : /^0\d/.test(t) ? Number.parseInt(t, 8) : Number(t);
      if (Number.isNaN(v)) throw new ArithError('syntax error');
      return { k: 'num', v };
    }
    if (/^[A-Za-z_]\w*$/.test(t)) {
      const next = this.peek();
      if (next === '++' || next === '--') {
        this.i++;
        return { k: 'incdec', op: next, prefix: false, name: t };
      }
      return { k: 'var', name: t };
    }
    throw new ArithError('syntax error');
  }
}

function toInt(value: string | undefined, vars: ArithVars, depth: number): number {
  const v = (value ?? '').trim();
  if (v === '') return 0;
  if (/^-?\d+$/.test(v)) return Number(v);
  if (depth > 10) throw new ArithError('expression recursion level exceeded');
  return evaluate(new ArithParser(tokenize(v)).parseAll(), vars, depth + 1);
}

function binop(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
    case '%':
      if (b === 0) throw new ArithError('division by zero');
      return op === '/' ? Math.trunc(a / b) : a % b;
    case '**':
      return a ** b;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '==':
      return Number(a === b);
    case '!=':
      return Number(a !== b);
    case '<':
      return Number(a < b);
    case '<=':
      return Number(a <= b);
    case '>':
      return Number(a > b);
    case '>=':
      return Number(a >= b);
  }
  throw new ArithError('syntax error');
}

function evaluate(n: Node, vars: ArithVars, depth: number): number {
  switch (n.k) {
    case 'num':
      return n.v;
    case 'var':
      return toInt(vars.get(n.name), vars, depth);
    case 'unary': {
      const v = evaluate(n.e, vars, depth);
      return n.op === '-' ? -v : n.op === '!' ? Number(v === 0) : n.op === '~' ? ~v : v;
    }
    case 'incdec': {
      const old = toInt(vars.get(n.name), vars, depth);
      const now = n.op === '++' ? old + 1 : old - 1;
      vars.set(n.name, String(now));
      return n.prefix ? now : old;
    }
    case 'bin':
      if (n.op === '&&') return Number(evaluate(n.l, vars, depth) !== 0 && evaluate(n.r, vars, depth) !== 0);
      if (n.op === '||') return Number(evaluate(n.l, vars, depth) !== 0 || evaluate(n.r, vars, depth) !== 0);
      return binop(n.op, evaluate(n.l, vars, depth), evaluate(n.r, vars, depth));
    case 'cond':
      return evaluate(n.c, vars, depth) !== 0 ? evaluate(n.t, vars, depth) : evaluate(n.f, vars, depth);
    case 'assign': {
      const rhs = evaluate(n.e, vars, depth);
      const v = n.op === '=' ? rhs : binop(n.op.slice(0, -1), toInt(vars.get(n.name), vars, depth), rhs);
      vars.set(n.name, String(v));
      return v;
    }
  }
}

/** Evaluates an (already parameter-expanded) arithmetic expression; throws ArithError. */
export function evalArith(expr: string, vars: ArithVars): number {
  if (expr.trim() === '') return 0;
  return evaluate(new ArithParser(tokenize(expr)).parseAll(), vars, 0);
}
