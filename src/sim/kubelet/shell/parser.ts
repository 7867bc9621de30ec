// Recursive-descent parser for the shell grammar (POSIX sh: lists, and-or lists, pipelines, compound commands,
// functions, redirections) over the tokenizer's output.

import type { AndOrStep, Assignment, Command, ListItem, Program, Redirect, Word } from './ast.js';
import { Lexer, ShellSyntaxError, type Token } from './lexer.js';

export type ParseResult = { ok: true; program: Program } | { ok: false; error: ShellSyntaxError };

const NEVER_START = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}', 'in']);

function literalOf(token: Token): string | undefined {
  if (token.kind !== 'word' || token.word.parts.length !== 1) return undefined;
  const part = token.word.parts[0];
  return part?.type === 'lit' && !part.quoted ? part.text : undefined;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'word':
      return token.raw;
    case 'op':
    case 'redir':
      return token.op;
    case 'newline':
      return 'newline';
    case 'eof':
      return 'end of file';
  }
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? { kind: 'eof', line: 0 };
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length) this.pos++;
    return t;
  }

  private unexpected(token: Token, expecting?: string): never {
    if (token.kind === 'eof')
      throw new ShellSyntaxError({ kind: 'eof', ...(expecting ? { expecting } : {}) }, token.line);
    throw new ShellSyntaxError({ kind: 'unexpected', token: describe(token) }, token.line);
  }

  private isWord(word: string, token = this.peek()): boolean {
    return literalOf(token) === word;
  }

  private isOp(op: string, token = this.peek()): boolean {
    return token.kind === 'op' && token.op === op;
  }

  private expectWord(word: string): void {
    const t = this.next();
    if (literalOf(t) !== word) this.unexpected(t, word);
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.next();
  }

  parseProgram(): Program {
    this.skipNewlines();
    const list = this.parseList(new Set(), false);
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t);
    return list;
  }

  /** A sequence of and-or lists up to one of `terms` (reserved words), `)`, `;;` or EOF. */
  private parseList(terms: ReadonlySet<string>, required = true): Program {
    const items: ListItem[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      const word = literalOf(t);
      if (t.kind === 'eof' || this.isOp(')') || this.isOp(';;') || (word !== undefined && terms.has(word))) break;
      const cmd = this.parseAndOr();
      let background = false;
      const sep = this.peek();
      if (this.isOp(';', sep) || sep.kind === 'newline') this.next();
      else if (this.isOp('&', sep)) {
        this.next();
        background = true;
      } else if (
        !(sep.kind === 'eof' || this.isOp(')', sep) || this.isOp(';;', sep) || terms.has(literalOf(sep) ?? ''))
      ) {
        this.unexpected(sep);
      }
      items.push({ cmd, background });
    }
    if (required && items.length === 0) this.unexpected(this.peek(), [...terms][0]);
    return { type: 'list', items };
  }

  private parseAndOr(): Command {
    const first = this.parsePipeline();
    const rest: AndOrStep[] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.next() as { op: '&&' | '||' }).op;
      this.skipNewlines();
      rest.push({ op, cmd: this.parsePipeline() });
    }
    return rest.length === 0 ? first : { type: 'andor', first, rest };
  }

  private parsePipeline(): Command {
    let negate = false;
    if (this.isWord('!')) {
      this.next();
      negate = true;
    }
    const commands = [this.parseCommand()];
    while (this.isOp('|')) {
      this.next();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    const only = commands[0];
    return commands.length === 1 && !negate && only ? only : { type: 'pipeline', negate, commands };
  }

  private parseCommand(): Command {
    const t = this.peek();
    const word = literalOf(t);
    if (this.isOp('(')) {
      this.next();
      const body = this.parseList(new Set());
      if (!this.isOp(')')) this.unexpected(this.peek(), ')');
      this.next();
      return { type: 'group', subshell: true, body, redirs: this.parseRedirects() };
    }
    if (word !== undefined) {
      if (NEVER_START.has(word)) this.unexpected(t);
      switch (word) {
        case 'if':
          return this.parseIf();
        case 'while':
        case 'until':
          return this.parseLoop(word === 'until');
        case 'for':
          return this.parseFor();
        case 'case':
          return this.parseCase();
        case '{': {
          this.next();
          const body = this.parseList(new Set(['}']));
          this.expectWord('}');
          return { type: 'group', subshell: false, body, redirs: this.parseRedirects() };
        }
        case 'function': {
          this.next();
          const name = literalOf(this.next()) ?? this.unexpected(this.tokens[this.pos - 1] ?? t);
          if (this.isOp('(')) {
            this.next();
            if (!this.isOp(')')) this.unexpected(this.peek(), ')');
            this.next();
          }
          return this.parseFunctionBody(name);
        }
      }
      const after = this.tokens[this.pos + 1];
      if (after && this.isOp('(', after) && /^[A-Za-z_][\w-]*$/.test(word)) {
        this.pos += 2;
        if (!this.isOp(')')) this.unexpected(this.peek(), ')');
        this.next();
        return this.parseFunctionBody(word);
      }
    }
    return this.parseSimple();
  }

  private parseFunctionBody(name: string): Command {
    this.skipNewlines();
    return { type: 'function', name, body: this.parseCommand() };
  }

  private parseIf(): Command {
    this.next();
    const clauses: { cond: Command; body: Command }[] = [];
    let otherwise: Command | undefined;
    for (;;) {
      const cond = this.parseList(new Set(['then']));
      this.expectWord('then');
      const body = this.parseList(new Set(['elif', 'else', 'fi']));
      clauses.push({ cond, body });
      if (this.isWord('elif')) {
        this.next();
        continue;
      }
      if (this.isWord('else')) {
        this.next();
        otherwise = this.parseList(new Set(['fi']));
      }
      this.expectWord('fi');
      break;
    }
    return { type: 'if', clauses, ...(otherwise ? { otherwise } : {}), redirs: this.parseRedirects() };
  }

  private parseLoop(until: boolean): Command {
    this.next();
    const cond = this.parseList(new Set(['do']));
    this.expectWord('do');
    const body = this.parseList(new Set(['done']));
    this.expectWord('done');
    return { type: 'loop', until, cond, body, redirs: this.parseRedirects() };
  }

  private parseFor(): Command {
    this.next();
    const nameToken = this.next();
    const name = literalOf(nameToken);
    if (name === undefined || !/^[A-Za-z_]\w*$/.test(name)) this.unexpected(nameToken);
    this.skipNewlines();
    let items: Word[] | undefined;
    if (this.isWord('in')) {
      this.next();
      items = [];
      for (let t = this.peek(); t.kind === 'word'; t = this.peek()) items.push((this.next() as { word: Word }).word);
      if (this.isOp(';') || this.peek().kind === 'newline') this.next();
      else this.unexpected(this.peek(), 'do');
    } else if (this.isOp(';')) this.next();
    this.skipNewlines();
    this.expectWord('do');
    const body = this.parseList(new Set(['done']));
    this.expectWord('done');
    return { type: 'for', name, items, body, redirs: this.parseRedirects() };
  }

  private parseCase(): Command {
    this.next();
    const subject = this.next();
    if (subject.kind !== 'word') this.unexpected(subject);
    this.skipNewlines();
    this.expectWord('in');
    const arms: { patterns: Word[]; body: Command | undefined }[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isWord('esac')) break;
      if (this.isOp('(')) this.next();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.next();
        if (p.kind !== 'word') this.unexpected(p, 'esac');
        patterns.push(p.word);
        if (!this.isOp('|')) break;
        this.next();
      }
      if (!this.isOp(')')) this.unexpected(this.peek(), ')');
      this.next();
      const body = this.parseList(new Set(['esac']), false);
      arms.push({ patterns, body: body.items.length > 0 ? body : undefined });
      if (this.isOp(';;')) this.next();
      else if (!this.isWord('esac')) this.unexpected(this.peek(), 'esac');
    }
    this.expectWord('esac');
    return { type: 'case', word: subject.word, arms, redirs: this.parseRedirects() };
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    while (this.peek().kind === 'redir') out.push(this.parseRedirect());
    return out;
  }

  private parseRedirect(): Redirect {
    const r = this.next() as Extract<Token, { kind: 'redir' }>;
    const target = this.next();
    if (target.kind !== 'word') this.unexpected(target);
    return { op: r.op, fd: r.fd, target: target.word, ...(r.heredoc ? { heredoc: r.heredoc } : {}) };
  }

  private parseDoubleBracket(): Word[] {
    const words: Word[] = [];
    for (;;) {
      const t = this.next();
      const word = bracketWord(t);
      if (!word) this.unexpected(t, ']]');
      words.push(word);
      if (literalOf(t) === ']]') return words;
    }
  }

  private parseSimple(): Command {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirs: Redirect[] = [];
    const line = this.peek().line;
    if (this.isWord('[[')) return { type: 'simple', assigns, words: this.parseDoubleBracket(), redirs, line };
    for (;;) {
      const t = this.peek();
      if (t.kind === 'redir') redirs.push(this.parseRedirect());
      else if (t.kind === 'word') {
        this.next();
        const assign = words.length === 0 ? asAssignment(t.word) : undefined;
        if (assign) assigns.push(assign);
        else words.push(t.word);
      } else break;
    }
    if (assigns.length + words.length + redirs.length === 0) this.unexpected(this.peek());
    return { type: 'simple', assigns, words, redirs, line };
  }
}

/** Inside `[[ ... ]]`, `&&`, `||`, `<`, `>`, `(` and `)` are operands of the test, not shell operators. */
function bracketWord(token: Token): Word | undefined {
  if (token.kind === 'word') return token.word;
  if (token.kind === 'op' || token.kind === 'redir') return { parts: [{ type: 'lit', text: token.op, quoted: false }] };
  return undefined;
}

function asAssignment(word: Word): Assignment | undefined {
  const [first, ...rest] = word.parts;
  if (first?.type !== 'lit' || first.quoted) return undefined;
  const m = /^([A-Za-z_]\w*)=/.exec(first.text);
  if (!m?.[1]) return undefined;
  const remainder = first.text.slice(m[0].length);
  const parts = remainder ? [{ ...first, text: remainder }, ...rest] : rest;
  return { name: m[1], value: { parts } };
}

/** Parses a whole script. Syntax errors are returned, never thrown. */
export function parseScript(src: string, startLine = 1): ParseResult {
  try {
    const tokens = new Lexer(src, startLine).tokenize();
    return { ok: true, program: new Parser(tokens).parseProgram() };
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { ok: false, error: e };
    throw e;
  }
}
