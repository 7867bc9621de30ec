// The shell tokenizer: words (with their quoting and expansions already structured), operators, redirections,
// newlines and here-document bodies. Quote removal happens here; expansion happens when a word is evaluated.

import type { ParamOp, RedirOp, Word, WordPart } from './ast.js';

export type SyntaxDetail =
  | { readonly kind: 'unexpected'; readonly token: string }
  | { readonly kind: 'eof'; readonly expecting?: string }
  | { readonly kind: 'unterminated'; readonly quote: '"' | "'" | '`' | '$(' | '${' }
  | { readonly kind: 'bad-substitution'; readonly text: string };

export class ShellSyntaxError extends Error {
  constructor(
    readonly detail: SyntaxDetail,
    readonly line: number,
  ) {
    super(`syntax error (${detail.kind}) on line ${line}`);
  }
}

export type OperatorToken = ';' | '&' | '&&' | '||' | '|' | ';;' | '(' | ')';

export type Token =
  | { readonly kind: 'word'; readonly word: Word; readonly raw: string; readonly line: number }
  | { readonly kind: 'op'; readonly op: OperatorToken; readonly line: number }
  | {
      readonly kind: 'redir';
      readonly op: RedirOp;
      readonly fd: number | undefined;
      readonly line: number;
      heredoc?: { body: Word };
    }
  | { readonly kind: 'newline'; readonly line: number }
  | { readonly kind: 'eof'; readonly line: number };

const BLANK = new Set([' ', '\t', '\r']);
const META = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '<', '>', '(', ')']);
const OPERATORS: readonly string[] = [
  '&>>',
  '<<<',
  '<<-',
  '&&',
  '||',
  ';;',
  '&>',
  '<<',
  '>>',
  '>&',
  '<&',
  '>|',
  '<>',
  ';',
  '&',
  '|',
  '(',
  ')',
  '<',
  '>',
];
const REDIRS = new Set(['&>>', '<<<', '<<-', '&>', '<<', '>>', '>&', '<&', '>|', '<>', '<', '>']);
const SPECIAL_PARAMS = '@*#?$!-0';
const BRACE_OPS: readonly ParamOp[] = [':-', ':=', ':?', ':+', '-', '=', '?', '+', '##', '#', '%%', '%', '//', '/'];

type Mode = 'word' | 'dquote' | 'brace' | 'heredoc' | 'pattern';

interface PendingHeredoc {
  readonly strip: boolean;
  delimiter?: { text: string; quoted: boolean };
  readonly token: Extract<Token, { kind: 'redir' }>;
}

/** Accumulates parts, merging adjacent literals of the same quoting. */
class PartBuilder {
  readonly parts: WordPart[] = [];
  lit(text: string, quoted: boolean): void {
    const last = this.parts[this.parts.length - 1];
    if (last?.type === 'lit' && last.quoted === quoted)
      this.parts[this.parts.length - 1] = { ...last, text: last.text + text };
    else if (text.length > 0) this.parts.push({ type: 'lit', text, quoted });
  }
  push(part: WordPart): void {
    this.parts.push(part);
  }
}

const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /\w/.test(c);

export class Lexer {
  i = 0;
  line: number;
  private readonly pending: PendingHeredoc[] = [];

  constructor(
    private readonly src: string,
    startLine = 1,
  ) {
    this.line = startLine;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private fail(detail: SyntaxDetail): never {
    throw new ShellSyntaxError(detail, this.line);
  }

  /** All tokens up to EOF, or (for `$(...)`) up to the `)` that closes at depth 0. */
  tokenize(untilParen = false): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      while (BLANK.has(this.peek() ?? '') || (this.peek() === '\\' && this.peek(1) === '\n')) {
        if (this.peek() === '\\') {
          this.i++;
          this.line++;
        }
        this.i++;
      }
      const c = this.peek();
      if (c === undefined) {
        if (untilParen) this.fail({ kind: 'unterminated', quote: '$(' });
        out.push({ kind: 'eof', line: this.line });
        return out;
      }
      if (c === '#') {
        while (this.peek() !== undefined && this.peek() !== '\n') this.i++;
        continue;
      }
      if (c === '\n') {
        out.push({ kind: 'newline', line: this.line });
        this.i++;
        this.line++;
        this.readHeredocBodies();
        continue;
      }
      const op = OPERATORS.find((o) => this.src.startsWith(o, this.i));
      if (op !== undefined) {
        if (untilParen && op === ')' && depth === 0) return out;
        if (op === '(') depth++;
        if (op === ')') depth--;
        this.i += op.length;
        if (REDIRS.has(op)) out.push(this.redirToken(op as RedirOp, undefined));
        else out.push({ kind: 'op', op: op as OperatorToken, line: this.line });
        continue;
      }
      const start = this.i;
      const line = this.line;
      const word = this.readParts('word');
      const raw = this.src.slice(start, this.i);
      const next = this.peek();
      if (/^\d+$/.test(raw) && (next === '<' || next === '>')) {
        const redir = OPERATORS.find((o) => REDIRS.has(o) && !o.startsWith('&') && this.src.startsWith(o, this.i));
        if (redir !== undefined) {
          this.i += redir.length;
          out.push(this.redirToken(redir as RedirOp, Number(raw)));
          continue;
        }
      }
      const awaiting = this.pending.find((p) => p.delimiter === undefined);
      if (awaiting) awaiting.delimiter = heredocDelimiter(word);
      out.push({ kind: 'word', word, raw, line });
    }
  }

  private redirToken(op: RedirOp, fd: number | undefined): Token {
    const token: Extract<Token, { kind: 'redir' }> = { kind: 'redir', op, fd, line: this.line };
    if (op === '<<' || op === '<<-') this.pending.push({ strip: op === '<<-', token });
    return token;
  }

  private readHeredocBodies(): void {
    while (this.pending.length > 0) {
      const doc = this.pending.shift();
      if (!doc?.delimiter) continue;
      const lines: string[] = [];
      while (this.i < this.src.length) {
        const end = this.src.indexOf('\n', this.i);
        const stop = end === -1 ? this.src.length : end;
        let text = this.src.slice(this.i, stop);
        this.i = end === -1 ? stop : stop + 1;
        this.line++;
        if (doc.strip) text = text.replace(/^\t+/, '');
        if (text === doc.delimiter.text) break;
        lines.push(text);
      }
      const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      doc.token.heredoc = {
        body: doc.delimiter.quoted
          ? { parts: [{ type: 'lit', text: body, quoted: true }] }
          : new Lexer(body, doc.token.line + 1).readParts('heredoc'),
      };
    }
  }

  /** Reads one word (or a quoted/brace/heredoc context) into structured parts. */
  readParts(mode: Mode): Word {
    const b = new PartBuilder();
    const quoted = mode === 'dquote' || mode === 'heredoc';
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (mode === 'dquote') this.fail({ kind: 'unterminated', quote: '"' });
        if (mode === 'brace') this.fail({ kind: 'unterminated', quote: '${' });
        break;
      }
      if (mode === 'word' && META.has(c)) break;
      if (mode === 'dquote' && c === '"') break;
      if ((mode === 'brace' || mode === 'pattern') && c === '}') break;
      if (mode === 'pattern' && c === '/') break;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') {
          this.i += 2;
          this.line++;
          continue;
        }
        if (n === undefined) {
          b.lit('\\', quoted);
          this.i++;
          continue;
        }
        const escapable = mode === 'word' || mode === 'brace' || mode === 'pattern' || '$`"\\'.includes(n);
        if (mode === 'heredoc' && n === '"') b.lit('\\"', true);
        else b.lit(escapable ? n : `\\${n}`, true);
        this.i += 2;
        continue;
      }
      if (c === "'" && !quoted) {
        const end = this.src.indexOf("'", this.i + 1);
        if (end === -1) this.fail({ kind: 'unterminated', quote: "'" });
        const text = this.src.slice(this.i + 1, end);
        this.line += text.split('\n').length - 1;
        b.lit(text, true);
        if (text.length === 0) b.push({ type: 'lit', text: '', quoted: true });
        this.i = end + 1;
        continue;
      }
      if (c === '"' && !quoted) {
        this.i++;
        const inner = this.readParts('dquote');
        this.i++;
        if (inner.parts.length === 0) b.push({ type: 'lit', text: '', quoted: true });
        for (const p of inner.parts) p.type === 'lit' ? b.lit(p.text, true) : b.push(p);
        continue;
      }
      if (c === '$') {
        this.readDollar(b, quoted);
        continue;
      }
      if (c === '`') {
        this.readBacktick(b, quoted);
        continue;
      }
      if (c === '\n') this.line++;
      b.lit(c, quoted);
      this.i++;
    }
    return { parts: b.parts };
  }

  private readBacktick(b: PartBuilder, quoted: boolean): void {
    const line = this.line;
    let j = this.i + 1;
    let source = '';
    for (;;) {
      const c = this.src[j];
      if (c === undefined) this.fail({ kind: 'unterminated', quote: '`' });
      if (c === '`') break;
      if (c === '\\' && '$`\\'.includes(this.src[j + 1] ?? '')) {
        source += this.src[j + 1];
        j += 2;
        continue;
      }
      if (c === '\n') this.line++;
      source += c;
      j++;
    }
    this.i = j + 1;
    b.push({ type: 'cmdsub', source, quoted, line });
  }

  private readDollar(b: PartBuilder, quoted: boolean): void {
    const n = this.peek(1);
    if (n === '(' && this.peek(2) === '(') {
      this.i += 3;
      const start = this.i;
      let depth = 0;
      for (;;) {
        const c = this.peek();
        if (c === undefined) this.fail({ kind: 'unterminated', quote: '$(' });
        if (c === '(') depth++;
        if (c === ')') {
          if (depth === 0 && this.peek(1) === ')') break;
          depth--;
        }
        this.i++;
      }
      const expr = new Lexer(this.src.slice(start, this.i), this.line).readParts('heredoc');
      this.i += 2;
      b.push({ type: 'arith', expr, quoted });
      return;
    }
    if (n === '(') {
      const line = this.line;
      const sub = new Lexer(this.src, this.line);
      sub.i = this.i + 2;
      sub.tokenize(true);
      const source = this.src.slice(this.i + 2, sub.i);
      this.line = sub.line;
      this.i = sub.i + 1;
      b.push({ type: 'cmdsub', source, quoted, line });
      return;
    }
    if (n === '{') {
      this.i += 2;
      b.push(this.readBrace(quoted));
      return;
    }
    if (isNameStart(n)) {
      let j = this.i + 1;
      while (isNameChar(this.src[j])) j++;
      b.push({ type: 'param', name: this.src.slice(this.i + 1, j), quoted });
      this.i = j;
      return;
    }
    if (n !== undefined && (/\d/.test(n) || SPECIAL_PARAMS.includes(n))) {
      b.push({ type: 'param', name: n, quoted });
      this.i += 2;
      return;
    }
    b.lit('$', quoted);
    this.i++;
  }

  private readBrace(quoted: boolean): WordPart {
    const start = this.i;
    let length = false;
    if (this.peek() === '#' && this.peek(1) !== '}') {
      length = true;
      this.i++;
    }
    let name = '';
    if (isNameStart(this.peek())) {
      while (isNameChar(this.peek())) name += this.src[this.i++];
    } else if (/\d/.test(this.peek() ?? '')) {
      while (/\d/.test(this.peek() ?? '')) name += this.src[this.i++];
    } else if (this.peek() !== undefined && SPECIAL_PARAMS.includes(this.peek() ?? '')) {
      name = this.src[this.i++] ?? '';
    }
    const close = (): void => {
      if (this.peek() !== '}') {
        const end = this.src.indexOf('}', this.i);
        this.fail({ kind: 'bad-substitution', text: `\${${this.src.slice(start, end === -1 ? undefined : end)}}` });
      }
      this.i++;
    };
    if (name === '') {
      const end = this.src.indexOf('}', start);
      if (end === -1) this.fail({ kind: 'unterminated', quote: '${' });
      this.fail({ kind: 'bad-substitution', text: `\${${this.src.slice(start, end)}}` });
    }
    if (length) {
      close();
      return { type: 'param', name, op: 'length', quoted };
    }
    if (this.peek() === '}') {
      this.i++;
      return { type: 'param', name, quoted };
    }
    if (this.peek() === ':' && !'-=?+'.includes(this.peek(1) ?? '')) {
      this.i++;
      const offset = this.readUntil(':');
      let len: Word | undefined;
      if (this.peek() === ':') {
        this.i++;
        len = this.readParts('brace');
      }
      close();
      return { type: 'param', name, op: 'substring', arg: offset, ...(len ? { arg2: len } : {}), quoted };
    }
    const op = BRACE_OPS.find((o) => this.src.startsWith(o, this.i));
    if (op === undefined) {
      close();
      return { type: 'param', name, quoted };
    }
    this.i += op.length;
    if (op === '/' || op === '//') {
      const pattern = this.readParts('pattern');
      let replacement: Word = { parts: [] };
      if (this.peek() === '/') {
        this.i++;
        replacement = this.readParts('brace');
      }
      close();
      return { type: 'param', name, op, arg: pattern, arg2: replacement, quoted };
    }
    const arg = this.readParts('brace');
    close();
    const parts = quoted ? arg.parts.map((p) => (p.type === 'lit' ? { ...p, quoted: true } : p)) : arg.parts;
    return { type: 'param', name, op, arg: { parts }, quoted };
  }

  private readUntil(stop: string): Word {
    const start = this.i;
    while (this.peek() !== undefined && this.peek() !== stop && this.peek() !== '}') this.i++;
    return { parts: [{ type: 'lit', text: this.src.slice(start, this.i), quoted: false }] };
  }
}

function heredocDelimiter(word: Word): { text: string; quoted: boolean } {
  let text = '';
  let quoted = false;
  for (const p of word.parts) {
    if (p.type === 'lit') {
      text += p.text;
      quoted ||= p.quoted;
    }
  }
  return { text, quoted };
}

export function tokenize(src: string): Token[] {
  return new Lexer(src).tokenize();
}
