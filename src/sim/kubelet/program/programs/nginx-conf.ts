// Reads nginx configuration the way `nginx -t` would for the directives that decide what a probe sees:
// `listen`, `root`/`alias`, `index`, `location`, `return`, `try_files`, `proxy_pass`, `stub_status`, `daemon`,
// with `include` (globs) and nginx's own `[emerg]` messages for broken files.

import type { Vfs } from '../vfs.js';
import { basename, dirname } from '../vfs.js';

export interface NginxLocation {
  readonly modifier: '' | '=' | '^~' | '~' | '~*';
  readonly path: string;
  readonly root?: string;
  readonly alias?: string;
  readonly index?: readonly string[];
  readonly ret?: { readonly code: number; readonly text?: string };
  readonly tryFiles?: readonly string[];
  readonly proxyPass?: string;
  readonly stubStatus?: boolean;
}

export interface NginxServer {
  readonly listen: readonly number[];
  readonly root?: string;
  readonly index?: readonly string[];
  readonly ret?: { readonly code: number; readonly text?: string };
  readonly locations: readonly NginxLocation[];
}

export interface NginxConfig {
  readonly servers: readonly NginxServer[];
  readonly daemonOff: boolean;
  readonly httpRoot?: string;
}

export type NginxConfResult = { ok: true; config: NginxConfig } | { ok: false; emerg: string };

interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  readonly block?: readonly Directive[];
}

class ConfError extends Error {}

const KNOWN = (
  'user worker_processes error_log pid events worker_connections http include default_type log_format access_log ' +
  'sendfile tcp_nopush tcp_nodelay keepalive_timeout gzip server listen server_name location root alias index ' +
  'return try_files proxy_pass proxy_set_header proxy_http_version proxy_read_timeout proxy_connect_timeout ' +
  'error_page stub_status daemon rewrite add_header expires client_max_body_size autoindex charset types ' +
  'upstream resolver allow deny auth_basic auth_basic_user_file ssl_certificate ssl_certificate_key ' +
  'fastcgi_pass limit_req set if break map real_ip_header set_real_ip_from load_module worker_rlimit_nofile ' +
  'multi_accept use server_tokens gzip_types etag internal'
).split(' ');

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** Only near-misses of real directives are rejected, so unusual-but-valid configs still load. */
function isTypo(name: string): boolean {
  return !KNOWN.includes(name) && KNOWN.some((k) => editDistance(name, k) <= Math.min(2, Math.floor(k.length / 3)));
}

function tokenize(src: string, file: string): { text: string; line: number; quoted: boolean }[] {
  const out: { text: string; line: number; quoted: boolean }[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      out.push({ text: c, line, quoted: false });
      i++;
    } else if (c === '"' || c === "'") {
      // nginx unescapes \" \' \\ \t \r \n inside quoted strings.
      let text = '';
      const start = line;
      for (i++; i < src.length && src[i] !== c; i++) {
        const ch = src[i] ?? '';
        if (ch === '\n') line++;
        if (ch === '\\' && i + 1 < src.length) {
          const n = src[++i] ?? '';
          text += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === c || n === '\\' ? n : `\\${n}`;
        } else text += ch;
      }
      if (i >= src.length) throw new ConfError(`unexpected end of file, expecting ";" or "}" in ${file}:${line}`);
      out.push({ text, line: start, quoted: true });
      i++;
    } else {
      let j = i;
      while (j < src.length && !/[\s;{}]/.test(src[j] ?? '')) j++;
      out.push({ text: src.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return out;
}

function parseFile(fs: Vfs, file: string, includer?: { file: string; line: number }): Directive[] {
  const read = fs.read(file);
  if (!read.ok) {
    const where = includer ? ` in ${includer.file}:${includer.line}` : '';
    throw new ConfError(`open() "${file}" failed (2: No such file or directory)${where}`);
  }
  const tokens = tokenize(read.content, file);
  let pos = 0;
  const lastLine = read.content.split('\n').length;
  const block = (nested: boolean): Directive[] => {
    const out: Directive[] = [];
    for (;;) {
      const t = tokens[pos];
      if (!t) {
        if (nested) throw new ConfError(`unexpected end of file, expecting "}" in ${file}:${lastLine}`);
        return out;
      }
      if (!t.quoted && t.text === '}') {
        if (!nested) throw new ConfError(`unexpected "}" in ${file}:${t.line}`);
        pos++;
        return out;
      }
      if (!t.quoted && (t.text === ';' || t.text === '{'))
        throw new ConfError(`unexpected "${t.text}" in ${file}:${t.line}`);
      pos++;
      const args: string[] = [];
      for (;;) {
        const a = tokens[pos];
        if (!a) throw new ConfError(`unexpected end of file, expecting ";" or "}" in ${file}:${lastLine}`);
        pos++;
        if (!a.quoted && a.text === ';') {
          out.push({ name: t.text, args, file, line: t.line });
          break;
        }
        if (!a.quoted && a.text === '{') {
          out.push({ name: t.text, args, file, line: t.line, block: block(true) });
          break;
        }
        if (!a.quoted && a.text === '}') throw new ConfError(`unexpected "}" in ${file}:${a.line}`);
        args.push(a.text);
      }
    }
  };
  return expandIncludes(fs, block(false));
}

function expandIncludes(fs: Vfs, directives: readonly Directive[]): Directive[] {
  const out: Directive[] = [];
  for (const d of directives) {
    if (isTypo(d.name)) throw new ConfError(`unknown directive "${d.name}" in ${d.file}:${d.line}`);
    if (d.name === 'include') {
      const pattern = d.args[0] ?? '';
      const path = pattern.startsWith('/') ? pattern : `/etc/nginx/${pattern}`;
      if (/[*?]/.test(path)) {
        const glob = basename(path)
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.');
        const re = new RegExp(`^${glob}$`);
        const dir = dirname(path);
        for (const name of (fs.list(dir) ?? []).filter((n) => re.test(n)))
          out.push(...parseFile(fs, `${dir}/${name}`, d));
      } else if (!path.endsWith('mime.types')) out.push(...parseFile(fs, path, d));
      continue;
    }
    out.push(d.block ? { ...d, block: expandIncludes(fs, d.block) } : d);
  }
  return out;
}

function listenPort(d: Directive): number {
  const arg = d.args[0] ?? '';
  const m = /(?:^|:)(\d+)$/.exec(arg.replace(/^\[[^\]]*\]/, ''));
  if (m?.[1]) return Number(m[1]);
  if (/^[\w.-]+$/.test(arg) && !/^\d+$/.test(arg)) {
    if (arg === 'localhost' || /^[\d.]+$/.test(arg) || arg === '*') return 80;
    throw new ConfError(`host not found in "${arg}" of the "listen" directive in ${d.file}:${d.line}`);
  }
  return 80;
}

function returnOf(d: Directive): { code: number; text?: string } {
  const [first = '', second] = d.args;
  if (/^\d+$/.test(first))
    return second === undefined ? { code: Number(first) } : { code: Number(first), text: second };
  return { code: 302, text: first };
}

function location(d: Directive): NginxLocation {
  const [a = '', b] = d.args;
  const modifier = (b !== undefined ? a : '') as NginxLocation['modifier'];
  const path = b ?? a;
  if (modifier === '~' || modifier === '~*') {
    try {
      new RegExp(path);
    } catch {
      throw new ConfError(`pcre2_compile() failed: missing closing parenthesis in "${path}" in ${d.file}:${d.line}`);
    }
  }
  const loc: { -readonly [K in keyof NginxLocation]: NginxLocation[K] } = { modifier, path };
  for (const c of d.block ?? []) {
    if (c.name === 'root') loc.root = c.args[0];
    else if (c.name === 'alias') loc.alias = c.args[0];
    else if (c.name === 'index') loc.index = c.args;
    else if (c.name === 'return') loc.ret = returnOf(c);
    else if (c.name === 'try_files') loc.tryFiles = c.args;
    else if (c.name === 'proxy_pass') loc.proxyPass = c.args[0];
    else if (c.name === 'stub_status') loc.stubStatus = true;
  }
  return loc;
}

function server(d: Directive): NginxServer {
  const listen: number[] = [];
  const locations: NginxLocation[] = [];
  let root: string | undefined;
  let index: readonly string[] | undefined;
  let ret: { code: number; text?: string } | undefined;
  for (const c of d.block ?? []) {
    if (c.name === 'listen') listen.push(listenPort(c));
    else if (c.name === 'location') locations.push(location(c));
    else if (c.name === 'root') root = c.args[0];
    else if (c.name === 'index') index = c.args;
    else if (c.name === 'return') ret = returnOf(c);
  }
  return {
    listen: listen.length > 0 ? [...new Set(listen)] : [80],
    locations,
    ...(root ? { root } : {}),
    ...(index ? { index } : {}),
    ...(ret ? { ret } : {}),
  };
}

/** Loads `/etc/nginx/nginx.conf` (or `-c file`) with its includes. */
export function loadNginxConfig(fs: Vfs, file = '/etc/nginx/nginx.conf'): NginxConfResult {
  try {
    const top = parseFile(fs, file);
    const http = top.filter((d) => d.name === 'http').flatMap((d) => d.block ?? []);
    const httpRoot = http.find((d) => d.name === 'root')?.args[0];
    return {
      ok: true,
      config: {
        servers: http.filter((d) => d.name === 'server').map(server),
        daemonOff: top.some((d) => d.name === 'daemon' && d.args[0] === 'off'),
        ...(httpRoot ? { httpRoot } : {}),
      },
    };
  } catch (e) {
    if (e instanceof ConfError) return { ok: false, emerg: e.message };
    throw e;
  }
}
