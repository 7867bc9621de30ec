// The official postgres image: its entrypoint refuses to initialise without POSTGRES_PASSWORD (the exact
// text users see in `kubectl logs`), otherwise runs initdb and then the server on 5432; plus pg_isready.

import { postgresTime } from '../clock-format.js';
import type { Proc } from '../proc.js';
import { flat, oneShot, type TimedLine, TimelineProc } from '../timeline-proc.js';
import { resolvePath } from '../vfs.js';
import { MIB, optionValue, type ProgramEnv, wallClock } from './program.js';

const NO_PASSWORD = [
  'Error: Database is uninitialized and superuser password is not specified.',
  '       You must specify POSTGRES_PASSWORD to a non-empty value for the',
  '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
  '',
  '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
  '       connections without a password. This is *not* recommended.',
  '',
  '       See PostgreSQL documentation about "trust":',
  '       https://www.postgresql.org/docs/current/auth-trust.html',
];

const ROOT_REFUSED = [
  '"root" execution of the PostgreSQL server is not permitted.',
  'The server must be started under an unprivileged user ID to prevent',
  'possible system security compromise.  See the documentation for',
  'more information on how to properly start the server.',
];

const READY_MS = 3500;
const POSTGRES_PROTOCOL_ERROR = 'net/http: HTTP/1.x transport connection broken: malformed HTTP response "N"';

/** `VAR` or the contents of the file named by `VAR_FILE`, as the images' file_env helper reads them. */
export function fileEnv(env: ProgramEnv, name: string): string | undefined {
  const direct = env.io.env[name];
  if (direct) return direct;
  const file = env.io.env[`${name}_FILE`];
  if (!file) return undefined;
  const r = env.ctx.fs.read(resolvePath(file, env.io.cwd));
  return r.ok ? r.content.replace(/\n$/, '') : undefined;
}

/** `postgres` run by docker-entrypoint.sh (`entrypoint`) or directly (as root, which postgres refuses). */
export function startPostgres(argv: readonly string[], env: ProgramEnv, entrypoint: boolean): Proc {
  if (!entrypoint)
    return oneShot(
      env.io,
      1,
      ROOT_REFUSED.map((text) => ({ stream: 'stderr', text })),
    );
  const trust = env.io.env.POSTGRES_HOST_AUTH_METHOD === 'trust';
  if (!fileEnv(env, 'POSTGRES_PASSWORD') && !trust) {
    return new TimelineProc(
      {
        lines: NO_PASSWORD.map((text) => ({ atMs: 40, stream: 'stderr', text })),
        exit: { atMs: 40, code: 1 },
        memory: flat(2 * MIB),
        cpu: flat(0),
      },
      env.io,
    );
  }
  const version = env.ctx.image.version ?? '17.5';
  const major = version.split('.')[0] ?? '17';
  const portArg = optionValue(argv, ['-p']) ?? /(?:^|\s)port=(\d+)/.exec(argv.join(' '))?.[1];
  const port = portArg && /^\d+$/.test(portArg) ? Number(portArg) : 5432;
  const pgdata = env.io.env.PGDATA ?? '/var/lib/postgresql/data';
  const build = env.ctx.image.base === 'alpine' ? 'gcc (Alpine 14.2.0) 14.2.0' : 'gcc (Debian 12.2.0-14) 12.2.0';
  const log = (ms: number, pid: number, text: string): TimedLine => ({
    atMs: ms,
    stream: 'stderr',
    text: `${postgresTime(wallClock(env, ms))} [${pid}] ${text}`,
  });
  const out = (ms: number, text: string): TimedLine => ({ atMs: ms, stream: 'stdout', text });
  const starting = `LOG:  starting PostgreSQL ${version} on x86_64-pc-linux-gnu, compiled by ${build}, 64-bit`;
  const lines: TimedLine[] = [
    ...[
      'The files belonging to this database system will be owned by user "postgres".',
      'This user must also own the server process.',
      '',
      'The database cluster will be initialized with locale "en_US.utf8".',
      'The default database encoding has accordingly been set to "UTF8".',
      'The default text search configuration will be set to "english".',
      '',
      'Data page checksums are disabled.',
      '',
      `fixing permissions on existing directory ${pgdata} ... ok`,
      'creating subdirectories ... ok',
      'selecting dynamic shared memory implementation ... posix',
      'selecting default max_connections ... 100',
      'selecting default shared_buffers ... 128MB',
      'selecting default time zone ... Etc/UTC',
      'creating configuration files ... ok',
    ].map((t) => out(100, t)),
    ...[
      'running bootstrap script ... ok',
      'performing post-bootstrap initialization ... ok',
      'syncing data to disk ... ok',
    ].map((t) => out(1200, t)),
    out(1300, ''),
    out(1300, ''),
    out(1300, 'Success. You can now start the database server using:'),
    out(1300, ''),
    out(1300, `    pg_ctl -D ${pgdata} -l logfile start`),
    out(1300, ''),
    { atMs: 1300, stream: 'stderr', text: 'initdb: warning: enabling "trust" authentication for local connections' },
    {
      atMs: 1300,
      stream: 'stderr',
      text: 'initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.',
    },
    out(1400, 'waiting for server to start....'),
    log(1500, 48, starting),
    log(1600, 48, 'LOG:  database system is ready to accept connections'),
    out(1700, ' done'),
    out(1700, 'server started'),
    out(1800, ''),
    out(1800, '/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*'),
    out(1800, ''),
    out(2900, 'waiting for server to shut down.... done'),
    out(2900, 'server stopped'),
    out(3000, ''),
    out(3000, 'PostgreSQL init process complete; ready for start up.'),
    out(3000, ''),
    log(3200, 1, starting),
    log(3200, 1, `LOG:  listening on IPv4 address "0.0.0.0", port ${port}`),
    log(3200, 1, `LOG:  listening on IPv6 address "::", port ${port}`),
    log(3300, 1, `LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.${port}"`),
    log(3400, 62, `LOG:  database system was shut down at ${postgresTime(wallClock(env, 2900)).slice(0, 19)} UTC`),
    log(READY_MS, 1, 'LOG:  database system is ready to accept connections'),
  ];
  return new TimelineProc(
    {
      lines,
      memory: (t) => (t < READY_MS ? 20 * MIB : 38 * MIB) + (Number(major) >= 16 ? 2 * MIB : 0),
      cpu: (t) => (t < READY_MS ? 400 : 3),
      server: { ports: [port], readyAtMs: READY_MS, handle: () => ({ protocolError: POSTGRES_PROTOCOL_ERROR }) },
    },
    env.io,
  );
}

/** `pg_isready [-h host] [-p port]`: 0 accepting, 2 no response. */
export function startPgIsReady(argv: readonly string[], env: ProgramEnv): Proc {
  const host = optionValue(argv, ['-h', '--host']);
  const port = Number(optionValue(argv, ['-p', '--port']) ?? 5432);
  const where = host && host !== 'localhost' && host !== '127.0.0.1' ? host : '/var/run/postgresql';
  const local = host === undefined || host === 'localhost' || host === '127.0.0.1';
  const up = local
    ? env.ctx.localhost.listens(port, env.io.startMs)
    : env.ctx.network?.resolve(host ?? '') !== undefined;
  return oneShot(env.io, up ? 0 : 2, [
    { stream: 'stdout', text: `${where}:${port} - ${up ? 'accepting connections' : 'no response'}` },
  ]);
}
