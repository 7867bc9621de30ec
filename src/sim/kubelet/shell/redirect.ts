// Redirections (`>`, `>>`, `<`, `2>&1`, `>&2`, `&>`, here-documents and here-strings) applied to a command's
// streams, against the container filesystem.

import type { TextSink } from '../program/proc.js';
import type { Vfs } from '../program/vfs.js';
import { resolvePath } from '../program/vfs.js';
import type { Redirect, Word } from './ast.js';
import { cannotCreate, cannotOpen, type Dialect } from './dialect.js';
import { DISCARD, type Exec, Input, type Io } from './io.js';

export interface RedirectHost {
  readonly dialect: Dialect;
  readonly fs: Vfs;
  readonly cwd: string;
  readonly line: number;
  now(): number;
  expand(word: Word): Exec<string>;
}

class FileSink implements TextSink {
  constructor(
    private readonly fs: Vfs,
    private readonly path: string,
  ) {}
  write(text: string): void {
    this.fs.write(this.path, text, true);
  }
}

/** Applies redirections in order; undefined (after printing why) when one fails and the command must not run. */
export function* applyRedirects(redirs: readonly Redirect[], io: Io, host: RedirectHost): Exec<Io | undefined> {
  if (redirs.length === 0) return io;
  let { stdin, stdout, stderr } = io;
  const fail = (text: string): undefined => {
    stderr.write(`${text}\n`, host.now());
    return undefined;
  };
  for (const r of redirs) {
    const fd = r.fd ?? (r.op.startsWith('<') ? 0 : 1);
    if (r.op === '<<' || r.op === '<<-') {
      stdin = new Input(r.heredoc ? yield* host.expand(r.heredoc.body) : '');
      continue;
    }
    const target = yield* host.expand(r.target);
    if (r.op === '<<<') {
      stdin = new Input(`${target}\n`);
      continue;
    }
    if (r.op === '>&' || r.op === '<&') {
      const dup = target === '-' ? DISCARD : target === '1' ? stdout : target === '2' ? stderr : undefined;
      if (dup && fd === 1) stdout = dup;
      else if (dup && fd === 2) stderr = dup;
      if (dup) continue;
    }
    const path = resolvePath(target, host.cwd);
    if (r.op === '<' || r.op === '<>') {
      const read = host.fs.read(path);
      if (!read.ok) return fail(cannotOpen(host.dialect, host.line, target, read.error));
      stdin = new Input(read.content);
      continue;
    }
    let sink =
      path === '/dev/null' ? DISCARD : path === '/dev/stderr' ? stderr : path === '/dev/stdout' ? stdout : undefined;
    if (!sink) {
      const error = host.fs.write(path, '', r.op === '>>' || r.op === '&>>');
      if (error) return fail(cannotCreate(host.dialect, host.line, target, error));
      sink = new FileSink(host.fs, path);
    }
    if (r.op === '&>' || r.op === '&>>' || (r.op === '>&' && fd === 1)) {
      stdout = sink;
      stderr = sink;
    } else if (fd === 1) stdout = sink;
    else if (fd === 2) stderr = sink;
  }
  return { stdin, stdout, stderr };
}
