// Word expansion in POSIX order: tilde, parameter (with `${x:-d}`-style operators), command substitution,
// arithmetic, then field splitting on IFS and pathname expansion; quoting decides what is split or globbed.

import type { Vfs } from '../program/vfs.js';
import { ArithError, evalArith } from './arith.js';
import type { Word, WordPart } from './ast.js';
import type { Exec } from './io.js';
import { globMatch, hasGlob, removeAffix, replacePattern, type Segment } from './pattern.js';

/** What expansion needs from the running shell. */
export interface ExpandHost {
  lookup(name: string): string | undefined;
  positional(): readonly string[];
  assign(name: string, value: string): void;
  /** Runs `$(...)` in a subshell and returns its standard output. */
  substitute(source: string, line: number): Exec<string>;
  /** Reports an expansion error the way the shell does and aborts it; never returns. */
  unbound(name: string): never;
  parameterError(name: string, message: string): never;
  arithmeticError(expr: string, message: string): never;
  readonly nounset: boolean;
  readonly noglob: boolean;
  readonly fs: Vfs;
  readonly cwd: string;
}

interface FieldBreak {
  readonly fieldBreak: true;
}
type Piece = Segment | FieldBreak;

const isBreak = (p: Piece): p is FieldBreak => 'fieldBreak' in p;
const HANDLES_UNSET = new Set(['-', ':-', '=', ':=', '?', ':?', '+', ':+']);

function joined(pieces: readonly Piece[]): string {
  return pieces.map((p) => (isBreak(p) ? ' ' : p.text)).join('');
}

export class Expander {
  constructor(private readonly host: ExpandHost) {}

  /** Expansion with field splitting and globbing: command arguments, `for` lists. */
  *fields(words: readonly Word[]): Exec<string[]> {
    const out: string[] = [];
    for (const w of words) {
      for (const field of this.split(yield* this.pieces(w.parts, true))) {
        if (!this.host.noglob && hasGlob(field)) {
          const matches = this.glob(field);
          if (matches.length > 0) {
            out.push(...matches);
            continue;
          }
        }
        out.push(field.map((s) => s.text).join(''));
      }
    }
    return out;
  }

  /** Expansion to a single string (assignments, redirection targets, here-documents, `case` subjects). */
  *string(word: Word): Exec<string> {
    return joined(yield* this.pieces(word.parts, false));
  }

  /** Expansion keeping quotedness, for patterns (`case`, `${x#pat}`). */
  *pattern(word: Word): Exec<Segment[]> {
    return (yield* this.pieces(word.parts, false)).filter((p): p is Segment => !isBreak(p));
  }

  private *pieces(parts: readonly WordPart[], tilde: boolean): Exec<Piece[]> {
    const out: Piece[] = [];
    for (const [i, part] of parts.entries()) {
      switch (part.type) {
        case 'lit': {
          const home = this.host.lookup('HOME') ?? '/root';
          const text = tilde && i === 0 && !part.quoted ? part.text.replace(/^~(?=\/|$)/, home) : part.text;
          out.push({ text, quoted: part.quoted });
          break;
        }
        case 'param':
          out.push(...(yield* this.param(part)));
          break;
        case 'cmdsub': {
          const text = (yield* this.host.substitute(part.source, part.line)).replace(/\n+$/, '');
          out.push({ text, quoted: part.quoted });
          break;
        }
        case 'arith': {
          const expr = yield* this.string(part.expr);
          out.push({ text: String(this.arith(expr)), quoted: part.quoted });
          break;
        }
      }
    }
    return out;
  }

  private arith(expr: string): number {
    try {
      return evalArith(expr, { get: (n) => this.host.lookup(n), set: (n, v) => this.host.assign(n, v) });
    } catch (e) {
      if (e instanceof ArithError) this.host.arithmeticError(expr, e.message);
      throw e;
    }
  }

  private *param(p: Extract<WordPart, { type: 'param' }>): Exec<Piece[]> {
    const q = p.quoted;
    const positional = this.host.positional();
    if ((p.name === '@' || p.name === '*') && p.op === undefined) {
      if (p.name === '@' && q) {
        const out: Piece[] = [];
        positional.forEach((a, i) => {
          if (i > 0) out.push({ fieldBreak: true });
          out.push({ text: a, quoted: true });
        });
        return out;
      }
      return [{ text: positional.join(' '), quoted: q }];
    }
    const value = p.name === '@' || p.name === '*' ? positional.join(' ') : this.host.lookup(p.name);
    const op = p.op;
    if (value === undefined && this.host.nounset && !(op && HANDLES_UNSET.has(op))) this.host.unbound(p.name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const word = (w: Word | undefined): Exec<Piece[]> => this.pieces(w?.parts ?? [], false);
    const v = value ?? '';
    switch (op) {
      case undefined:
        return [{ text: v, quoted: q }];
      case ':-':
      case '-':
        return (op === ':-' ? nonEmpty : set) ? [{ text: v, quoted: q }] : yield* word(p.arg);
      case ':=':
      case '=': {
        if (op === ':=' ? nonEmpty : set) return [{ text: v, quoted: q }];
        const assigned = joined(yield* word(p.arg));
        this.host.assign(p.name, assigned);
        return [{ text: assigned, quoted: q }];
      }
      case ':?':
      case '?': {
        if (op === ':?' ? nonEmpty : set) return [{ text: v, quoted: q }];
        const message = joined(yield* word(p.arg));
        return this.host.parameterError(
          p.name,
          message || (op === ':?' ? 'parameter null or not set' : 'parameter not set'),
        );
      }
      case ':+':
      case '+':
        return (op === ':+' ? nonEmpty : set) ? yield* word(p.arg) : [];
      case 'length':
        return [{ text: String(p.name === '@' || p.name === '*' ? positional.length : v.length), quoted: q }];
      case '#':
      case '##':
      case '%':
      case '%%': {
        const pat = yield* this.pattern(p.arg ?? { parts: [] });
        const where = op.startsWith('#') ? 'prefix' : 'suffix';
        return [{ text: removeAffix(v, pat, where, op.length === 2), quoted: q }];
      }
      case '/':
      case '//': {
        const pat = yield* this.pattern(p.arg ?? { parts: [] });
        const rep = yield* this.string(p.arg2 ?? { parts: [] });
        return [{ text: replacePattern(v, pat, rep, op === '//'), quoted: q }];
      }
      case 'substring': {
        const offset = this.arith(yield* this.string(p.arg ?? { parts: [] }));
        const start = offset < 0 ? Math.max(0, v.length + offset) : offset;
        const len = p.arg2 ? this.arith(yield* this.string(p.arg2)) : undefined;
        const end = len === undefined ? undefined : len < 0 ? v.length + len : start + len;
        return [{ text: v.slice(start, end), quoted: q }];
      }
    }
  }

  /** Field splitting: unquoted text splits on IFS; a field exists if it has text or any quoted piece. */
  private split(pieces: readonly Piece[]): Segment[][] {
    const ifs = this.host.lookup('IFS') ?? ' \t\n';
    const fields: Segment[][] = [];
    let cur: Segment[] = [];
    let keep = false;
    const flush = (): void => {
      if (keep || cur.some((s) => s.text.length > 0)) fields.push(cur);
      cur = [];
      keep = false;
    };
    for (const p of pieces) {
      if (isBreak(p)) {
        flush();
        keep = true;
        continue;
      }
      if (p.quoted || ifs === '') {
        cur.push(p);
        keep ||= p.quoted;
        continue;
      }
      let buf = '';
      for (const ch of p.text) {
        if (ifs.includes(ch)) {
          if (buf) cur.push({ text: buf, quoted: false });
          buf = '';
          flush();
        } else buf += ch;
      }
      if (buf) cur.push({ text: buf, quoted: false });
    }
    flush();
    return fields;
  }

  /** Pathname expansion over the container filesystem; sorted matches, none when nothing matches. */
  private glob(field: readonly Segment[]): string[] {
    const chars = field.flatMap((s) => [...s.text].map((ch) => ({ ch, quoted: s.quoted })));
    const components: Segment[][] = [[]];
    for (const c of chars) {
      if (c.ch === '/') components.push([]);
      else components[components.length - 1]?.push({ text: c.ch, quoted: c.quoted });
    }
    const absolute = chars[0]?.ch === '/';
    let paths = [absolute ? '/' : this.host.cwd];
    for (const comp of components.slice(absolute ? 1 : 0)) {
      if (comp.length === 0) continue;
      const next: string[] = [];
      for (const dir of paths) {
        const join = (name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
        if (!hasGlob(comp)) {
          const path = join(comp.map((s) => s.text).join(''));
          if (this.host.fs.stat(path)) next.push(path);
          continue;
        }
        const hidden = comp[0]?.text === '.';
        for (const name of this.host.fs.list(dir) ?? []) {
          if ((hidden || !name.startsWith('.')) && globMatch(comp, name)) next.push(join(name));
        }
      }
      paths = next;
    }
    const prefix = this.host.cwd === '/' ? '/' : `${this.host.cwd}/`;
    return paths.map((p) => (absolute ? p : p.slice(prefix.length))).sort();
  }
}
