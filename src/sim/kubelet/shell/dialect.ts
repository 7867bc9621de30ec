// How each shell words its errors. Users grep logs for these exact texts (`sh: foo: not found` is busybox ash,
// `sh: 1: foo: not found` is Debian's dash, `bash: line 1: foo: command not found` is bash).

import type { ShellFlavour } from '../program/toolset.js';
import { FS_ERROR_TEXT, type FsError } from '../program/vfs.js';
import type { SyntaxDetail } from './lexer.js';

export interface Dialect {
  readonly flavour: ShellFlavour;
  /** `$0`: how the shell was invoked (`sh`, `/bin/sh`, `bash`) or the script path. */
  readonly arg0: string;
  /** `-c` string rather than a script file (ash omits line numbers then). */
  readonly inline: boolean;
}

/** `sh: `, `sh: 1: `, `bash: line 1: `: how the shell starts each of its error lines. */
export function prefix(d: Dialect, line: number): string {
  if (d.flavour === 'dash') return `${d.arg0}: ${line}: `;
  if (d.flavour === 'bash') return `${d.arg0}: line ${line}: `;
  return d.inline ? `${d.arg0}: ` : `${d.arg0}: line ${line}: `;
}

export function notFound(d: Dialect, line: number, cmd: string): string {
  return `${prefix(d, line)}${cmd}: ${d.flavour === 'bash' ? 'command not found' : 'not found'}`;
}

export function noSuchFile(d: Dialect, line: number, path: string): string {
  return d.flavour === 'bash' ? `${prefix(d, line)}${path}: No such file or directory` : notFound(d, line, path);
}

export function permissionDenied(d: Dialect, line: number, path: string): string {
  return `${prefix(d, line)}${path}: Permission denied`;
}

export function isDirectory(d: Dialect, line: number, path: string): string {
  return d.flavour === 'bash' ? `${prefix(d, line)}${path}: Is a directory` : permissionDenied(d, line, path);
}

export function cannotCreate(d: Dialect, line: number, path: string, error: FsError): string {
  const text = FS_ERROR_TEXT[error];
  if (d.flavour === 'ash') return `${prefix(d, line)}can't create ${path}: ${text}`;
  if (d.flavour === 'dash') return `${prefix(d, line)}cannot create ${path}: ${text}`;
  return `${prefix(d, line)}${path}: ${text}`;
}

export function cannotOpen(d: Dialect, line: number, path: string, error: FsError): string {
  const text = FS_ERROR_TEXT[error];
  if (d.flavour === 'ash') return `${prefix(d, line)}can't open '${path}': ${text}`;
  if (d.flavour === 'dash')
    return `${prefix(d, line)}cannot open ${path}: ${error === 'ENOENT' ? 'No such file' : text}`;
  return `${prefix(d, line)}${path}: ${text}`;
}

export function unboundVariable(d: Dialect, line: number, name: string): string {
  return `${prefix(d, line)}${name}: ${d.flavour === 'bash' ? 'unbound variable' : 'parameter not set'}`;
}

export function parameterError(d: Dialect, line: number, name: string, message: string): string {
  return `${prefix(d, line)}${name}: ${message}`;
}

export function readonlyVariable(d: Dialect, line: number, name: string): string {
  return parameterError(d, line, name, d.flavour === 'bash' ? 'readonly variable' : 'is read only');
}

function badSubstitution(d: Dialect, line: number, text: string): string {
  if (d.flavour === 'bash') return `${prefix(d, line)}${text}: bad substitution`;
  return `${prefix(d, line)}${d.flavour === 'dash' ? 'Bad substitution' : 'syntax error: bad substitution'}`;
}

export function arithmeticError(d: Dialect, line: number, expr: string, message: string): string {
  if (d.flavour === 'bash') return `${prefix(d, line)}${expr.trim()}: ${message}`;
  if (d.flavour === 'dash') return `${prefix(d, line)}arithmetic expression: ${message}: "${expr}"`;
  return `${prefix(d, line)}arithmetic ${message}`;
}

export function cdFailed(d: Dialect, line: number, dir: string, error: FsError): string {
  if (d.flavour === 'bash') return `${prefix(d, line)}cd: ${dir}: ${FS_ERROR_TEXT[error]}`;
  if (d.flavour === 'dash') return `${prefix(d, line)}cd: can't cd to ${dir}`;
  return `${prefix(d, line)}cd: can't cd to ${dir}: ${FS_ERROR_TEXT[error]}`;
}

/** Exit status a non-interactive shell uses for its own errors (syntax, expansion). */
export function shellErrorStatus(d: Dialect): number {
  return d.flavour === 'bash' ? 1 : 2;
}

/** Status of a command whose redirection failed (it does not run). */
export function redirectErrorStatus(d: Dialect): number {
  return d.flavour === 'dash' ? 2 : 1;
}

/** The lines a shell prints for a syntax error (exit status 2). */
export function syntaxError(d: Dialect, detail: SyntaxDetail, line: number, source: string): string[] {
  if (d.flavour === 'bash') {
    const where = d.inline ? `${d.arg0}: -c: line ${line}: ` : `${d.arg0}: line ${line}: `;
    switch (detail.kind) {
      case 'unexpected':
        return [
          `${where}syntax error near unexpected token \`${detail.token}'`,
          `${where}\`${source.split('\n')[line - 1] ?? ''}'`,
        ];
      case 'unterminated':
        return [`${where}unexpected EOF while looking for matching \`${detail.quote === '$(' ? ')' : detail.quote}'`];
      case 'bad-substitution':
        return [`${prefix(d, line)}${detail.text}: bad substitution`];
      case 'eof':
        return [`${where}syntax error: unexpected end of file`];
    }
  }
  const p = d.flavour === 'dash' ? `${d.arg0}: ${line}: Syntax error: ` : `${prefix(d, line)}syntax error: `;
  switch (detail.kind) {
    case 'unexpected': {
      const tok = detail.token === 'newline' ? 'newline' : `"${detail.token}"`;
      return [d.flavour === 'dash' ? `${p}${tok} unexpected` : `${p}unexpected ${tok}`];
    }
    case 'unterminated':
      return [d.flavour === 'dash' ? `${p}Unterminated quoted string` : `${p}unterminated quoted string`];
    case 'bad-substitution':
      return [badSubstitution(d, line, detail.text)];
    case 'eof': {
      const expecting = detail.expecting ? ` (expecting "${detail.expecting}")` : '';
      return [
        d.flavour === 'dash' ? `${p}end of file unexpected${expecting}` : `${p}unexpected end of file${expecting}`,
      ];
    }
  }
}
