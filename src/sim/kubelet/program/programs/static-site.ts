// Static file lookup shared by the web servers (nginx, httpd, busybox httpd, python -m http.server): a request
// path under a document root resolves to a file, a directory's index, a redirect to `dir/`, or nothing.

import type { Vfs } from '../vfs.js';
import { resolvePath } from '../vfs.js';

export type StaticLookup =
  | { readonly kind: 'file'; readonly path: string; readonly content: string }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'no-index'; readonly path: string }
  | { readonly kind: 'missing'; readonly path: string };

/** The path part of a request target, percent-decoded, without the query string. */
export function requestPath(target: string): string {
  const path = target.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(path) || '/';
  } catch {
    return path || '/';
  }
}

export function lookupStatic(
  fs: Vfs,
  root: string,
  target: string,
  index: readonly string[] = ['index.html'],
): StaticLookup {
  const uri = requestPath(target);
  const path = resolvePath(`${root}/${uri}`);
  const st = fs.stat(path);
  if (st?.type === 'file') {
    const r = fs.read(path);
    return r.ok ? { kind: 'file', path, content: r.content } : { kind: 'missing', path };
  }
  if (st?.type === 'dir') {
    if (!uri.endsWith('/')) return { kind: 'redirect', location: `${uri}/` };
    for (const name of index) {
      const candidate = `${path === '/' ? '' : path}/${name}`;
      const r = fs.read(candidate);
      if (r.ok) return { kind: 'file', path: candidate, content: r.content };
    }
    return { kind: 'no-index', path: `${path}/` };
  }
  return { kind: 'missing', path };
}
