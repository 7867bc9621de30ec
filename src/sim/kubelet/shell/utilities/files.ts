// File utilities over the container filesystem: ls, mkdir, touch, rm, cp, mv, chmod.

import { basename, FS_ERROR_TEXT, type FsError, resolvePath } from '../../program/vfs.js';
import type { UtilContext, Utility } from '../io.js';

function split(argv: readonly string[]): { flags: string; paths: string[] } {
  const paths: string[] = [];
  let flags = '';
  for (const a of argv.slice(1)) {
    if (a.startsWith('-') && a.length > 1 && paths.length === 0) flags += a.replace(/^--?/, '');
    else paths.push(a);
  }
  return { flags, paths };
}

/** `rm: can't remove 'x': ...` (busybox) vs `rm: cannot remove 'x': ...` (GNU). */
function failure(ctx: UtilContext, tool: string, verb: string, path: string, error: FsError): void {
  const text = FS_ERROR_TEXT[error];
  if (ctx.tools.style === 'busybox') {
    ctx.err(verb === '' ? `${tool}: ${path}: ${text}\n` : `${tool}: can't ${verb} '${path}': ${text}\n`);
  } else ctx.err(`${tool}: cannot ${verb || 'access'} '${path}': ${text}\n`);
}

function longEntry(ctx: UtilContext, path: string, name: string): string {
  const st = ctx.fs.stat(path);
  const dir = st?.type === 'dir';
  const mode = dir ? 0o755 : st?.type === 'file' ? st.mode : 0o644;
  const rwx = [6, 3, 0]
    .map((s) => ['r', 'w', 'x'].map((c, i) => ((mode >> (s + 2 - i)) & 1 ? c : '-')).join(''))
    .join('');
  const size = st?.type === 'file' ? st.size : 4096;
  const when = new Date(ctx.host.epochMs).toUTCString().slice(8, 11);
  const day = String(new Date(ctx.host.epochMs).getUTCDate()).padStart(2);
  return `${dir ? 'd' : '-'}${rwx} ${dir ? 2 : 1} root root ${String(size).padStart(6)} ${when} ${day} 00:00 ${name}`;
}

export const ls: Utility = (argv, ctx) => {
  const { flags, paths } = split(argv);
  const targets = paths.length > 0 ? paths : ['.'];
  let status = 0;
  const multiple = targets.length > 1;
  for (const [i, target] of targets.entries()) {
    const abs = resolvePath(target, ctx.cwd);
    const st = ctx.fs.stat(abs);
    if (!st) {
      if (ctx.tools.style === 'busybox') ctx.err(`ls: ${target}: No such file or directory\n`);
      else ctx.err(`ls: cannot access '${target}': No such file or directory\n`);
      status = ctx.tools.style === 'busybox' ? 1 : 2;
      continue;
    }
    if (st.type === 'file') {
      ctx.out(`${flags.includes('l') ? longEntry(ctx, abs, target) : target}\n`);
      continue;
    }
    let names = ctx.fs.list(abs) ?? [];
    if (!flags.includes('a') && !flags.includes('A')) names = names.filter((n) => !n.startsWith('.'));
    if (multiple) ctx.out(`${i > 0 ? '\n' : ''}${target}:\n`);
    for (const n of names) {
      const child = abs === '/' ? `/${n}` : `${abs}/${n}`;
      ctx.out(`${flags.includes('l') ? longEntry(ctx, child, n) : n}\n`);
    }
  }
  return status;
};

export const mkdir: Utility = (argv, ctx) => {
  const { flags, paths } = split(argv);
  let status = 0;
  for (const p of paths) {
    const error = ctx.fs.mkdir(resolvePath(p, ctx.cwd), flags.includes('p') || flags.includes('parents'));
    if (error) {
      failure(ctx, 'mkdir', 'create directory', p, error);
      status = 1;
    }
  }
  return status;
};

export const touch: Utility = (argv, ctx) => {
  let status = 0;
  for (const p of split(argv).paths) {
    const abs = resolvePath(p, ctx.cwd);
    if (ctx.fs.stat(abs)) continue;
    const error = ctx.fs.write(abs, '', true);
    if (error) {
      if (ctx.tools.style === 'busybox') ctx.err(`touch: ${p}: ${FS_ERROR_TEXT[error]}\n`);
      else ctx.err(`touch: cannot touch '${p}': ${FS_ERROR_TEXT[error]}\n`);
      status = 1;
    }
  }
  return status;
};

export const rm: Utility = (argv, ctx) => {
  const { flags, paths } = split(argv);
  const force = flags.includes('f');
  let status = 0;
  for (const p of paths) {
    const abs = resolvePath(p, ctx.cwd);
    if (ctx.fs.stat(abs)?.type === 'dir' && !/[rR]/.test(flags)) {
      failure(ctx, 'rm', 'remove', p, 'EISDIR');
      status = 1;
      continue;
    }
    const error = ctx.fs.remove(abs, true);
    if (error && !(force && error === 'ENOENT')) {
      failure(ctx, 'rm', 'remove', p, error);
      status = 1;
    }
  }
  return status;
};

function copy(ctx: UtilContext, tool: 'cp' | 'mv', argv: readonly string[]): number {
  const { paths } = split(argv);
  const dest = paths.pop();
  if (dest === undefined || paths.length === 0) {
    ctx.err(`${tool}: missing file operand\n`);
    return 1;
  }
  const destAbs = resolvePath(dest, ctx.cwd);
  let status = 0;
  for (const src of paths) {
    const abs = resolvePath(src, ctx.cwd);
    const r = ctx.fs.read(abs);
    if (!r.ok) {
      failure(ctx, tool, 'stat', src, r.error);
      status = 1;
      continue;
    }
    const target = ctx.fs.stat(destAbs)?.type === 'dir' ? `${destAbs}/${basename(abs)}` : destAbs;
    const error = ctx.fs.write(target, r.content, false) ?? (tool === 'mv' ? ctx.fs.remove(abs, false) : undefined);
    if (error) {
      failure(ctx, tool, 'create', dest, error);
      status = 1;
    }
  }
  return status;
}

export const cp: Utility = (argv, ctx) => copy(ctx, 'cp', argv);
export const mv: Utility = (argv, ctx) => copy(ctx, 'mv', argv);

export const chmod: Utility = (argv, ctx) => {
  const [mode = '', ...paths] = argv.slice(1).filter((a) => a !== '-R');
  let status = 0;
  for (const p of paths) {
    const abs = resolvePath(p, ctx.cwd);
    const st = ctx.fs.stat(abs);
    const current = st?.type === 'file' ? st.mode : 0o755;
    const next = /^[0-7]+$/.test(mode)
      ? Number.parseInt(mode, 8)
      : mode.includes('+x')
        ? current | 0o111
        : mode.includes('-x')
          ? current & ~0o111
          : current;
    const error = ctx.fs.chmod(abs, next);
    if (error) {
      failure(ctx, 'chmod', ctx.tools.style === 'busybox' ? '' : 'access', p, error);
      status = 1;
    }
  }
  return status;
};
