// HTTP and DNS clients: wget (busybox or GNU wording), curl and nslookup. The container's own servers answer on
// localhost; other hosts go through the optional network hook, and without it do not resolve.

import { reasonPhrase } from '../../program/http-status.js';
import { getopt } from '../../program/programs/program.js';
import { resolvePath } from '../../program/vfs.js';
import type { UtilContext, Utility } from '../io.js';

type Fetched =
  | { kind: 'ok'; status: number; body: string; ip: string }
  | { kind: 'refused'; ip: string }
  | { kind: 'protocol'; message: string }
  | { kind: 'unresolved' }
  | { kind: 'bad-url' };

interface Target {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

function parseUrl(raw: string): Target | undefined {
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port, path: `${url.pathname}${url.search}` };
  } catch {
    return undefined;
  }
}

function fetchUrl(ctx: UtilContext, raw: string, userAgent: string): Fetched {
  const t = parseUrl(raw);
  if (!t) return { kind: 'bad-url' };
  const local = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', ctx.host.hostname, ctx.host.podIp]);
  if (local.has(t.host)) {
    const ip = t.host === ctx.host.podIp ? t.host : '127.0.0.1';
    const r = ctx.localhost.httpGet(t.port, t.path, ctx.now(), userAgent);
    if (!r) return { kind: 'refused', ip };
    return 'status' in r
      ? { kind: 'ok', status: r.status, body: r.body, ip }
      : { kind: 'protocol', message: r.protocolError };
  }
  const ip = /^[\d.]+$/.test(t.host) ? t.host : ctx.network?.resolve(t.host);
  if (ip === undefined || !ctx.network) return ip === undefined ? { kind: 'unresolved' } : { kind: 'refused', ip };
  const r = ctx.network.httpGet(t.host, t.port, t.path);
  if ('refused' in r) return { kind: 'refused', ip };
  return r.error !== undefined
    ? { kind: 'protocol', message: r.error }
    : { kind: 'ok', status: r.status, body: r.body ?? '', ip };
}

export const wget: Utility = (argv, ctx) => {
  const opts = getopt(argv.slice(1), 'OTtUYeP', ['--output-document', '--timeout', '--user-agent', '--header']);
  const quiet = opts.flags.has('q') || opts.flags.has('--quiet');
  const spider = opts.flags.has('--spider');
  const url = opts.operands[0];
  const busybox = ctx.tools.style === 'busybox';
  if (url === undefined) {
    ctx.err(
      busybox
        ? 'BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] URL...\n'
        : 'wget: missing URL\n',
    );
    return 1;
  }
  const t = parseUrl(url);
  const r = fetchUrl(ctx, url, 'Wget');
  const say = (line: string): void => {
    if (!quiet) ctx.err(`${line}\n`);
  };
  if (r.kind === 'bad-url') {
    ctx.err(busybox ? `wget: not an http or ftp url: ${url}\n` : `${url}: Unsupported scheme.\n`);
    return 1;
  }
  if (r.kind === 'unresolved') {
    if (busybox) ctx.err(`wget: bad address '${t?.host}'\n`);
    else ctx.err(`wget: unable to resolve host address '${t?.host}'\n`);
    return busybox ? 1 : 4;
  }
  if (r.kind === 'protocol') {
    ctx.err(busybox ? 'wget: bad header line: -ERR\n' : 'Read error (Connection reset by peer) in headers.\n');
    return busybox ? 1 : 4;
  }
  say(
    busybox
      ? `Connecting to ${t?.host}:${t?.port} (${r.ip}:${t?.port})`
      : `Connecting to ${t?.host}|${r.ip}|:${t?.port}...`,
  );
  if (r.kind === 'refused') {
    ctx.err(
      busybox ? `wget: can't connect to remote host (${r.ip}): Connection refused\n` : 'failed: Connection refused.\n',
    );
    return busybox ? 1 : 4;
  }
  if (r.status >= 400) {
    ctx.err(
      busybox
        ? `wget: server returned error: HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\n`
        : `ERROR ${r.status}: ${reasonPhrase(r.status)}.\n`,
    );
    return busybox ? 1 : 8;
  }
  if (spider) {
    say('remote file exists');
    return 0;
  }
  const out =
    opts.values.get('O') ?? opts.values.get('--output-document') ?? (t?.path.split('/').pop() || 'index.html');
  if (out === '-') {
    say('writing to stdout');
    ctx.out(r.body);
    say('written to stdout');
    return 0;
  }
  const error = ctx.fs.write(resolvePath(out, ctx.cwd), r.body, false);
  if (error) {
    ctx.err(
      `wget: can't open '${out}': ${error === 'EROFS' ? 'Read-only file system' : 'No such file or directory'}\n`,
    );
    return 1;
  }
  say(`saving to '${out}'`);
  say(`'${out}' saved`);
  return 0;
};

const CURL_VALUED = [
  '--output',
  '--write-out',
  '--header',
  '--request',
  '--data',
  '--max-time',
  '--connect-timeout',
  '--user',
  '--user-agent',
  '--retry',
];

export const curl: Utility = (argv, ctx) => {
  const opts = getopt(argv.slice(1), 'owHXdmuAebcTKExrCF', CURL_VALUED);
  const has = (short: string, long: string): boolean => opts.flags.has(short) || opts.flags.has(long);
  const silent = has('s', '--silent');
  const showErrors = has('S', '--show-error');
  const fail = has('f', '--fail');
  const url = opts.operands[0];
  const complain = (code: number, message: string): number => {
    if (!silent || showErrors) ctx.err(`curl: (${code}) ${message}\n`);
    return code;
  };
  if (url === undefined) {
    ctx.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const t = parseUrl(url);
  const r = fetchUrl(ctx, url, 'curl/8.14.1');
  if (r.kind === 'bad-url') return complain(3, 'URL rejected: Malformed input to a URL function');
  if (r.kind === 'unresolved') return complain(6, `Could not resolve host: ${t?.host}`);
  if (r.kind === 'refused') {
    return complain(7, `Failed to connect to ${t?.host} port ${t?.port} after 0 ms: Couldn't connect to server`);
  }
  if (r.kind === 'protocol') return complain(1, 'Received HTTP/0.9 when not allowed');
  if (fail && r.status >= 400) return complain(22, `The requested URL returned error: ${r.status}`);
  const head = has('I', '--head');
  const body = head ? `HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\r\n\r\n` : r.body;
  const output = opts.values.get('o') ?? opts.values.get('--output');
  if (output !== undefined && output !== '-') ctx.fs.write(resolvePath(output, ctx.cwd), body, false);
  else ctx.out(body);
  const format = opts.values.get('w') ?? opts.values.get('--write-out');
  if (format) ctx.out(format.replace(/%\{http_code\}/g, String(r.status)).replace(/\\n/g, '\n'));
  return 0;
};

export const nslookup: Utility = (argv, ctx) => {
  const name = argv.slice(1).find((a) => !a.startsWith('-'));
  if (name === undefined) {
    ctx.err('Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n');
    return 1;
  }
  const local = name === 'localhost' || name === ctx.host.hostname;
  const ip = local ? '127.0.0.1' : ctx.network?.resolve(name);
  ctx.out('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n');
  if (ip === undefined) {
    ctx.out(`** server can't find ${name}: NXDOMAIN\n\n** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  ctx.out(`Name:\t${name}\nAddress: ${ip}\n\n`);
  return 0;
};
