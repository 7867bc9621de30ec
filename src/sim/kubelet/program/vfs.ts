// The container's filesystem: the image's few files that programs read, the mounted ConfigMaps/Secrets
// (read-only, as kubelet mounts them) and whatever the container writes (touch files for exec probes, ...).

export type FsError = 'ENOENT' | 'EROFS' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY';

export const FS_ERROR_TEXT: Readonly<Record<FsError, string>> = {
  ENOENT: 'No such file or directory',
  EROFS: 'Read-only file system',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
};

interface FileNode {
  content: string;
  mode: number;
  readOnly: boolean;
}

export type Stat = { readonly type: 'file'; readonly mode: number; readonly size: number } | { readonly type: 'dir' };

export type ReadResult = { ok: true; content: string } | { ok: false; error: FsError };

const DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/stdout', '/dev/stderr', '/dev/stdin', '/dev/tty']);

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}

/** Resolves `.`/`..` and makes `path` absolute against `cwd`. */
export function resolvePath(path: string, cwd = '/'): string {
  const parts: string[] = [];
  for (const seg of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

export class Vfs {
  private readonly files = new Map<string, FileNode>();
  private readonly dirs = new Set<string>(['/']);
  private readonly readOnlyRoots: string[] = [];

  /** Adds an image file (writable), creating its parent directories. */
  addImageFile(path: string, content: string, mode = 0o644): void {
    this.mkdirs(dirname(path));
    this.files.set(path, { content, mode, readOnly: false });
  }

  addDir(path: string): void {
    this.mkdirs(path);
  }

  /** A directory volume mount: hides the image content below it. */
  mount(path: string, readOnly: boolean): void {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const f of [...this.files.keys()]) if (f.startsWith(prefix)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d.startsWith(prefix)) this.dirs.delete(d);
    this.mkdirs(path);
    if (readOnly) this.readOnlyRoots.push(prefix);
  }

  /** A mounted ConfigMap/Secret key: read-only. */
  addMountedFile(path: string, content: string, mode = 0o644): void {
    this.mkdirs(dirname(path));
    this.files.set(path, { content, mode, readOnly: true });
  }

  private mkdirs(path: string): void {
    let cur = '';
    for (const seg of path.split('/').filter(Boolean)) {
      cur += `/${seg}`;
      this.dirs.add(cur);
    }
  }

  stat(path: string): Stat | undefined {
    if (DEVICES.has(path)) return { type: 'file', mode: 0o666, size: 0 };
    const f = this.files.get(path);
    if (f) return { type: 'file', mode: f.mode, size: Buffer.byteLength(f.content) };
    return this.dirs.has(path) ? { type: 'dir' } : undefined;
  }

  read(path: string): ReadResult {
    if (DEVICES.has(path)) return { ok: true, content: '' };
    const f = this.files.get(path);
    if (f) return { ok: true, content: f.content };
    return { ok: false, error: this.dirs.has(path) ? 'EISDIR' : 'ENOENT' };
  }

  /** A mounted ConfigMap/Secret file or anything under a read-only mount. */
  isReadOnly(path: string): boolean {
    return this.readOnly(path);
  }

  private readOnly(path: string): boolean {
    return this.files.get(path)?.readOnly === true || this.readOnlyRoots.some((r) => path.startsWith(r));
  }

  write(path: string, content: string, append: boolean): FsError | undefined {
    if (DEVICES.has(path)) return undefined;
    if (this.dirs.has(path)) return 'EISDIR';
    const parent = dirname(path);
    if (this.files.has(parent)) return 'ENOTDIR';
    if (!this.dirs.has(parent)) return 'ENOENT';
    if (this.readOnly(path)) return 'EROFS';
    const existing = this.files.get(path);
    if (existing) existing.content = append ? existing.content + content : content;
    else this.files.set(path, { content, mode: 0o644, readOnly: false });
    return undefined;
  }

  remove(path: string, recursive: boolean): FsError | undefined {
    if (this.readOnly(path)) return 'EROFS';
    if (this.files.delete(path)) return undefined;
    if (!this.dirs.has(path)) return 'ENOENT';
    const children = this.list(path) ?? [];
    if (children.length > 0 && !recursive) return 'ENOTEMPTY';
    const prefix = `${path}/`;
    for (const f of [...this.files.keys()]) if (f.startsWith(prefix)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(prefix)) this.dirs.delete(d);
    return undefined;
  }

  mkdir(path: string, parents: boolean): FsError | undefined {
    if (this.files.has(path)) return 'EEXIST';
    if (this.dirs.has(path)) return parents ? undefined : 'EEXIST';
    if (this.readOnly(`${path}/`)) return 'EROFS';
    if (!parents && !this.dirs.has(dirname(path))) return 'ENOENT';
    this.mkdirs(path);
    return undefined;
  }

  chmod(path: string, mode: number): FsError | undefined {
    const f = this.files.get(path);
    if (!f) return this.dirs.has(path) ? undefined : 'ENOENT';
    if (f.readOnly) return 'EROFS';
    f.mode = mode;
    return undefined;
  }

  /** Sorted entry names of a directory, undefined when it is not one. */
  list(dir: string): string[] | undefined {
    if (!this.dirs.has(dir)) return undefined;
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== dir) {
        const name = p.slice(prefix.length).split('/')[0];
        if (name) names.add(name);
      }
    }
    return [...names].sort();
  }
}
