// nginx as the official image runs it: the entrypoint's configuration lines, nginx's startup notices, then an
// HTTP server on the ports its configuration listens on (80 by default) that serves files from its root,
// answers 404 elsewhere, and writes an access-log line (and an error-log line for misses) per request.

import { clfTime, nginxErrorTime } from '../clock-format.js';
import { reasonPhrase } from '../http-status.js';
import type { HttpRequest, HttpResponse, Proc } from '../proc.js';
import { flat, forkedServer, type TimedLine, TimelineProc } from '../timeline-proc.js';
import { loadNginxConfig, type NginxConfig, type NginxLocation, type NginxServer } from './nginx-conf.js';
import { MIB, optionValue, type ProgramEnv, wallClock } from './program.js';
import { lookupStatic, requestPath } from './static-site.js';

const DEFAULT_CONF = `server {
    listen       80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const NGINX_CONF = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

const INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const ERROR_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
`;

/** Files the nginx image ships that its behaviour depends on. */
export const NGINX_IMAGE_FILES: Readonly<Record<string, string>> = {
  '/etc/nginx/nginx.conf': NGINX_CONF,
  '/etc/nginx/conf.d/default.conf': DEFAULT_CONF,
  '/etc/nginx/mime.types': '',
  '/usr/share/nginx/html/index.html': INDEX_HTML,
  '/usr/share/nginx/html/50x.html': ERROR_50X,
};

interface Served {
  readonly status: number;
  readonly body: string;
}

const DEFAULT_CONF_PATH = '/etc/nginx/conf.d/default.conf';
const READY_MS = 20;
const WORKERS = 2;

function errorPage(code: number, version: string): string {
  const title = `${code} ${reasonPhrase(code)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

function entrypointLines(env: ProgramEnv): string[] {
  if (env.io.env.NGINX_ENTRYPOINT_QUIET_LOGS) return [];
  const fs = env.ctx.fs;
  const script = '10-listen-on-ipv6-by-default.sh: info:';
  const conf = fs.read(DEFAULT_CONF_PATH);
  const ipv6 = !conf.ok
    ? [`${script} ${DEFAULT_CONF_PATH} is not a file or does not exist`]
    : fs.isReadOnly(DEFAULT_CONF_PATH)
      ? [`${script} can not modify ${DEFAULT_CONF_PATH} (read-only file system?)`]
      : conf.content !== DEFAULT_CONF
        ? [`${script} ${DEFAULT_CONF_PATH} differs from the packaged version`]
        : [
            `${script} Getting the checksum of ${DEFAULT_CONF_PATH}`,
            `${script} Enabled listen on IPv6 in ${DEFAULT_CONF_PATH}`,
          ];
  const d = '/docker-entrypoint.sh:';
  return [
    `${d} /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
    `${d} Looking for shell scripts in /docker-entrypoint.d/`,
    `${d} Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
    ...ipv6,
    `${d} Sourcing /docker-entrypoint.d/15-local-resolvers.envsh`,
    `${d} Launching /docker-entrypoint.d/20-envsubst-on-templates.sh`,
    `${d} Launching /docker-entrypoint.d/30-tune-worker-processes.sh`,
    `${d} Configuration complete; ready for start up`,
  ];
}

/** Picks the location nginx would: exact, then longest prefix (unless a regex matches and `^~` is absent). */
function matchLocation(server: NginxServer, uri: string): NginxLocation | undefined {
  const exact = server.locations.find((l) => l.modifier === '=' && l.path === uri);
  if (exact) return exact;
  const prefixes = server.locations
    .filter((l) => (l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.path))
    .sort((a, b) => b.path.length - a.path.length);
  const best = prefixes[0];
  if (best?.modifier === '^~') return best;
  const regex = server.locations.find(
    (l) => (l.modifier === '~' || l.modifier === '~*') && new RegExp(l.path, l.modifier === '~*' ? 'i' : '').test(uri),
  );
  return regex ?? best;
}

class NginxServerModel {
  private connections = 0;

  constructor(
    private readonly config: NginxConfig,
    private readonly env: ProgramEnv,
    private readonly version: string,
  ) {}

  ports(): number[] {
    return [...new Set(this.config.servers.flatMap((s) => s.listen))];
  }

  handle(req: HttpRequest): HttpResponse {
    this.connections++;
    const server = this.config.servers.find((s) => s.listen.includes(req.port)) ?? this.config.servers[0];
    const res: { status: number; body: string } = server
      ? this.respond(server, req)
      : { status: 404, body: errorPage(404, this.version) };
    const time = clfTime(this.env.ctx.host.epochMs + req.atMs);
    const line = `${req.remoteAddr} - - [${time}] "GET ${req.path} HTTP/1.1" ${res.status} ${Buffer.byteLength(res.body)} "-" "${req.userAgent}" "-"`;
    this.env.io.stdout.write(`${line}\n`, req.atMs);
    return res;
  }

  private errorLog(req: HttpRequest, message: string): void {
    const worker = this.env.pid + 28;
    const line = `${nginxErrorTime(this.env.ctx.host.epochMs + req.atMs)} [error] ${worker}#${worker}: *${this.connections} ${message}, client: ${req.remoteAddr}, server: localhost, request: "GET ${req.path} HTTP/1.1", host: "${req.host}"`;
    this.env.io.stderr.write(`${line}\n`, req.atMs);
  }

  private fromDisk(root: string, uri: string, req: HttpRequest, index: readonly string[]): Served {
    const found = lookupStatic(this.env.ctx.fs, root, uri, index);
    switch (found.kind) {
      case 'file':
        return { status: 200, body: found.content };
      case 'redirect':
        return { status: 301, body: errorPage(301, this.version) };
      case 'no-index':
        this.errorLog(req, `directory index of "${found.path}" is forbidden`);
        return { status: 403, body: errorPage(403, this.version) };
      case 'missing':
        this.errorLog(req, `open() "${found.path}" failed (2: No such file or directory)`);
        return { status: 404, body: errorPage(404, this.version) };
    }
  }

  private respond(server: NginxServer, req: HttpRequest): Served {
    const ret = server.ret;
    if (ret) return { status: ret.code, body: ret.text ?? errorPage(ret.code, this.version) };
    const uri = requestPath(req.path);
    const loc = matchLocation(server, uri);
    if (loc?.ret) return { status: loc.ret.code, body: loc.ret.text ?? errorPage(loc.ret.code, this.version) };
    if (loc?.stubStatus) {
      return {
        status: 200,
        body: `Active connections: 1 \nserver accepts handled requests\n ${this.connections} ${this.connections} ${this.connections} \nReading: 0 Writing: 1 Waiting: 0 \n`,
      };
    }
    if (loc?.proxyPass) return this.proxy(loc.proxyPass, uri, req);
    const index = loc?.index ?? server.index ?? ['index.html'];
    const root = loc?.root ?? server.root ?? this.config.httpRoot ?? '/etc/nginx/html';
    const path = loc?.alias ? uri.replace(loc.path, '/') : uri;
    const base = loc?.alias ?? root;
    if (loc?.tryFiles) {
      const candidates = loc.tryFiles.slice(0, -1);
      const fallback = loc.tryFiles[loc.tryFiles.length - 1] ?? '=404';
      for (const c of candidates) {
        const candidate = c.replace(/\$uri/g, path);
        const found = lookupStatic(this.env.ctx.fs, base, candidate, index);
        if (found.kind === 'file') return { status: 200, body: found.content };
      }
      if (/^=\d+$/.test(fallback)) {
        const code = Number(fallback.slice(1));
        return { status: code, body: errorPage(code, this.version) };
      }
      return this.fromDisk(base, fallback.replace(/\$uri/g, path), req, index);
    }
    return this.fromDisk(base, path, req, index);
  }

  private proxy(target: string, uri: string, req: HttpRequest): Served {
    const url = /^https?:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(target);
    const net = this.env.ctx.network;
    const r =
      url && net ? net.httpGet(url[1] ?? '', Number(url[2] ?? 80), (url[3] ?? '') + uri) : { refused: true as const };
    if ('refused' in r || r.error !== undefined) {
      this.errorLog(
        req,
        `connect() failed (111: Connection refused) while connecting to upstream, upstream: "${target}${uri}"`,
      );
      return { status: 502, body: errorPage(502, this.version) };
    }
    return { status: r.status, body: r.body ?? '' };
  }
}

/** `nginx [-g directives] [-c file] [-t] [-v]`; `entrypoint` adds the official image's configuration lines. */
export function startNginx(argv: readonly string[], env: ProgramEnv, entrypoint: boolean): Proc {
  const version = env.ctx.image.version ?? '1.29.1';
  const confFile = optionValue(argv, ['-c']) ?? '/etc/nginx/nginx.conf';
  const directives = optionValue(argv, ['-g']) ?? '';
  const io = env.io;
  const alpine = env.ctx.image.base === 'alpine';
  const lines: TimedLine[] = (entrypoint ? entrypointLines(env) : []).map((text) => ({
    atMs: 0,
    stream: 'stdout',
    text,
  }));
  const err = (atMs: number, text: string): void => {
    lines.push({ atMs, stream: 'stderr', text });
  };
  const mem = flat((alpine ? 5 : 7) * MIB);
  if (argv.includes('-v') || argv.includes('-V')) {
    err(0, `nginx version: nginx/${version}`);
    return new TimelineProc({ lines, exit: { atMs: 0, code: 0 }, memory: mem, cpu: flat(0) }, io);
  }
  const conf = loadNginxConfig(env.ctx.fs, confFile);
  const test = argv.includes('-t') || argv.includes('-T');
  if (!conf.ok) {
    if (!test) err(5, `${nginxErrorTime(wallClock(env, 5))} [emerg] 1#1: ${conf.emerg}`);
    err(5, `nginx: [emerg] ${conf.emerg}`);
    if (test) err(5, `nginx: configuration file ${confFile} test failed`);
    return new TimelineProc({ lines, exit: { atMs: 5, code: 1 }, memory: mem, cpu: flat(0) }, io);
  }
  if (test) {
    err(5, `nginx: the configuration file ${confFile} syntax is ok`);
    err(5, `nginx: configuration file ${confFile} test is successful`);
    return new TimelineProc({ lines, exit: { atMs: 5, code: 0 }, memory: mem, cpu: flat(0) }, io);
  }
  const t = nginxErrorTime(wallClock(env, 5));
  const gcc = alpine ? 'gcc 14.2.0 (Alpine 14.2.0)' : 'gcc 12.2.0 (Debian 12.2.0-14+deb12u1) ';
  const notices = [
    'using the "epoll" event method',
    `nginx/${version}`,
    `built by ${gcc}`,
    'OS: Linux 6.8.0-1015-gke',
    'getrlimit(RLIMIT_NOFILE): 1048576:1048576',
    'start worker processes',
    ...Array.from({ length: WORKERS }, (_, i) => `start worker process ${env.pid + 28 + i}`),
  ];
  for (const n of notices) err(5, `${t} [notice] 1#1: ${n}`);
  const daemonOff = conf.config.daemonOff || /daemon\s+off\s*;/.test(directives);
  const model = new NginxServerModel(conf.config, env, version);
  const spec = {
    lines,
    memory: flat((alpine ? 5 : 7) * MIB + WORKERS * 2.5 * MIB),
    cpu: flat(1),
    server: { ports: model.ports(), readyAtMs: READY_MS, handle: (req: HttpRequest) => model.handle(req) },
  };
  // Without `daemon off;` the master forks into the background: as PID 1 that ends the container at once.
  return daemonOff ? new TimelineProc(spec, io) : forkedServer(env.ctx.adopt, spec, io, READY_MS);
}
