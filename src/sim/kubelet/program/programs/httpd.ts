// Web servers besides nginx: Apache httpd (the official image) and busybox's httpd applet.

import { apacheTime, clfTime } from '../clock-format.js';
import type { Proc } from '../proc.js';
import { flat, forkedServer, type TimedLine, TimelineProc, type TimelineSpec } from '../timeline-proc.js';
import { MIB, optionValue, type ProgramEnv, wallClock } from './program.js';
import { lookupStatic } from './static-site.js';

const HTDOCS = '/usr/local/apache2/htdocs';
const HTTPD_CONF = '/usr/local/apache2/conf/httpd.conf';

export const HTTPD_IMAGE_FILES: Readonly<Record<string, string>> = {
  [`${HTDOCS}/index.html`]: '<html><body><h1>It works!</h1></body></html>\n',
  [HTTPD_CONF]: 'ServerRoot "/usr/local/apache2"\nListen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n',
};

const APACHE_404 =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n' +
  '<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n';

/** `httpd-foreground` / `httpd -DFOREGROUND`: Apache 2.4 on the `Listen` ports of httpd.conf. */
export function startApache(argv: readonly string[], env: ProgramEnv): Proc {
  const name = (argv[0] ?? '').split('/').pop();
  const foreground = name === 'httpd-foreground' || argv.some((a) => a === '-DFOREGROUND' || a === 'FOREGROUND');
  const conf = env.ctx.fs.read(HTTPD_CONF);
  const text = conf.ok ? conf.content : '';
  const ports = [...text.matchAll(/^\s*Listen\s+(?:[\d.]+:)?(\d+)/gm)].map((m) => Number(m[1]));
  const root = /^\s*DocumentRoot\s+"?([^"\n]+)"?/m.exec(text)?.[1] ?? HTDOCS;
  const version = env.ctx.image.version ?? '2.4.65';
  const t = apacheTime(wallClock(env, 3));
  const fqdn = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${env.ctx.host.podIp}. Set the 'ServerName' directive globally to suppress this message`;
  const lines: TimedLine[] = [
    { atMs: 0, stream: 'stderr', text: fqdn },
    { atMs: 1, stream: 'stderr', text: fqdn },
    {
      atMs: 3,
      stream: 'stderr',
      text: `[${t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/${version} (Unix) configured -- resuming normal operations`,
    },
    {
      atMs: 3,
      stream: 'stderr',
      text: `[${t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'`,
    },
  ];
  const spec: TimelineSpec = {
    lines,
    memory: flat(12 * MIB),
    cpu: flat(1),
    server: {
      ports: ports.length > 0 ? ports : [80],
      readyAtMs: 3,
      handle: (req) => {
        const found = lookupStatic(env.ctx.fs, root, req.path);
        const res = found.kind === 'file' ? { status: 200, body: found.content } : { status: 404, body: APACHE_404 };
        const size = Buffer.byteLength(res.body);
        const line = `${req.remoteAddr} - - [${clfTime(env.ctx.host.epochMs + req.atMs)}] "GET ${req.path} HTTP/1.1" ${res.status} ${size}`;
        env.io.stdout.write(`${line}\n`, req.atMs);
        return res;
      },
    },
  };
  return foreground ? new TimelineProc(spec, env.io) : forkedServer(env.ctx.adopt, spec, env.io, 3);
}

const BUSYBOX_404 =
  '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n';

/** busybox `httpd [-f] [-p [IP:]PORT] [-h HOME]`: silent; without -f it daemonizes. */
export function startBusyboxHttpd(argv: readonly string[], env: ProgramEnv): Proc {
  const port = Number((optionValue(argv, ['-p']) ?? '80').split(':').pop());
  const home = optionValue(argv, ['-h']) ?? env.io.cwd;
  const foreground = argv.some((a) => /^-[a-zA-Z]*f/.test(a));
  const spec: TimelineSpec = {
    lines: [],
    memory: flat(0.4 * MIB),
    cpu: flat(0),
    server: {
      ports: [port],
      readyAtMs: 0,
      handle: (req) => {
        const found = lookupStatic(env.ctx.fs, home, req.path);
        return found.kind === 'file' ? { status: 200, body: found.content } : { status: 404, body: BUSYBOX_404 };
      },
    },
  };
  return foreground ? new TimelineProc(spec, env.io) : forkedServer(env.ctx.adopt, spec, env.io, 1);
}
