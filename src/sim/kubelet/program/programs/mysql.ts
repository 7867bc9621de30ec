// The official mysql image: its entrypoint's password check (with the exact error users paste into search
// engines), initialisation, a temporary server, then mysqld on 3306/33060 after ~15 s; plus the clients that
// readiness probes use (mysqladmin ping, mysql -e).

import { isoMicros, rfc3339Seconds } from '../clock-format.js';
import type { Proc } from '../proc.js';
import { flat, oneShot, type TimedLine, TimelineProc } from '../timeline-proc.js';
import { fileEnv } from './postgres.js';
import { MIB, optionValue, type ProgramEnv, wallClock } from './program.js';

const READY_MS = 15_000;
const MYSQL_PROTOCOL_ERROR =
  'net/http: HTTP/1.x transport connection broken: malformed HTTP response "J\\x00\\x00\\x00\\n"';

function releaseOf(version: string): string {
  return `${version}-1.${version.startsWith('5.') ? 'el7' : 'el9'}`;
}

export function startMysqld(argv: readonly string[], env: ProgramEnv, entrypoint: boolean): Proc {
  const version = env.ctx.image.version ?? '8.4.6';
  const server = (
    ms: number,
    thread: number,
    level: string,
    code: string,
    subsystem: string,
    text: string,
  ): TimedLine => ({
    atMs: ms,
    stream: 'stderr',
    text: `${isoMicros(wallClock(env, ms))} ${thread} [${level}] [${code}] [${subsystem}] ${text}`,
  });
  if (!entrypoint) {
    const abort = [
      server(
        50,
        0,
        'ERROR',
        'MY-010123',
        'Server',
        'Fatal error: Please read "Security" section of the manual to find out how to run mysqld as root!',
      ),
      server(50, 0, 'ERROR', 'MY-010119', 'Server', 'Aborting'),
    ];
    return new TimelineProc(
      { lines: abort, exit: { atMs: 50, code: 1 }, memory: flat(30 * MIB), cpu: flat(0) },
      env.io,
    );
  }
  const entry = (ms: number, level: 'Note' | 'ERROR' | 'Warning', text: string): TimedLine => ({
    atMs: ms,
    stream: level === 'Note' ? 'stdout' : 'stderr',
    text: `${rfc3339Seconds(wallClock(env, ms))} [${level}] [Entrypoint]: ${text}`,
  });
  const release = releaseOf(version);
  const lines: TimedLine[] = [
    entry(0, 'Note', `Entrypoint script for MySQL Server ${release} started.`),
    entry(100, 'Note', "Switching to dedicated user 'mysql'"),
    entry(150, 'Note', `Entrypoint script for MySQL Server ${release} started.`),
  ];
  const e = env.io.env;
  const fail = (text: string): Proc => {
    lines.push(entry(300, 'ERROR', text));
    return new TimelineProc({ lines, exit: { atMs: 300, code: 1 }, memory: flat(40 * MIB), cpu: flat(0) }, env.io);
  };
  if (e.MYSQL_USER === 'root') {
    return fail(
      'MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n' +
        '    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n' +
        '    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD',
    );
  }
  if (!fileEnv(env, 'MYSQL_ROOT_PASSWORD') && !e.MYSQL_ALLOW_EMPTY_PASSWORD && !e.MYSQL_RANDOM_ROOT_PASSWORD) {
    return fail(
      'Database is uninitialized and password option is not specified\n' +
        '    You need to specify one of the following as an environment variable:\n' +
        '    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD',
    );
  }
  const mysqld = `/usr/sbin/mysqld (mysqld ${version})`;
  const ready = (ms: number, port: number): TimedLine =>
    server(
      ms,
      0,
      'System',
      'MY-010931',
      'Server',
      `/usr/sbin/mysqld: ready for connections. Version: '${version}'  socket: '/var/run/mysqld/mysqld.sock'  port: ${port}  MySQL Community Server - GPL.`,
    );
  lines.push(
    entry(300, 'Note', 'Initializing database files'),
    server(400, 0, 'System', 'MY-015017', 'Server', 'MySQL Server Initialization - start.'),
    server(400, 0, 'System', 'MY-013169', 'Server', `${mysqld} initializing of server in progress as process 80`),
    server(500, 1, 'System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.'),
    server(2500, 1, 'System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.'),
    server(
      5000,
      6,
      'Warning',
      'MY-010453',
      'Server',
      'root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.',
    ),
    server(7000, 0, 'System', 'MY-015018', 'Server', 'MySQL Server Initialization - end.'),
    entry(7000, 'Note', 'Database files initialized'),
    entry(7000, 'Note', 'Starting temporary server'),
    server(7200, 0, 'System', 'MY-010116', 'Server', `${mysqld} starting as process 124`),
    ready(9500, 0),
    entry(9600, 'Note', 'Temporary server started.'),
  );
  if (e.MYSQL_RANDOM_ROOT_PASSWORD) {
    const generated = Buffer.from(`${env.ctx.host.containerName}:${env.ctx.host.hostname}`)
      .toString('base64')
      .slice(0, 32);
    lines.push(entry(11_000, 'Note', `GENERATED ROOT PASSWORD: ${generated}`));
  }
  if (e.MYSQL_DATABASE) lines.push(entry(11_000, 'Note', `Creating database ${e.MYSQL_DATABASE}`));
  if (e.MYSQL_USER && e.MYSQL_PASSWORD) {
    lines.push(entry(11_000, 'Note', `Creating user ${e.MYSQL_USER}`));
    if (e.MYSQL_DATABASE)
      lines.push(entry(11_000, 'Note', `Giving user ${e.MYSQL_USER} access to schema ${e.MYSQL_DATABASE}`));
  }
  lines.push(
    entry(11_500, 'Note', 'Stopping temporary server'),
    server(
      11_600,
      10,
      'System',
      'MY-013172',
      'Server',
      `Received SHUTDOWN from user root. Shutting down mysqld (Version: ${version}).`,
    ),
    server(
      13_000,
      0,
      'System',
      'MY-010910',
      'Server',
      `/usr/sbin/mysqld: Shutdown complete (mysqld ${version})  MySQL Community Server - GPL.`,
    ),
    entry(13_100, 'Note', 'Temporary server stopped'),
    { atMs: 13_100, stream: 'stdout', text: '' },
    entry(13_100, 'Note', 'MySQL init process done. Ready for start up.'),
    { atMs: 13_100, stream: 'stdout', text: '' },
    server(13_400, 0, 'System', 'MY-010116', 'Server', `${mysqld} starting as process 1`),
    server(13_500, 1, 'System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.'),
    server(14_500, 1, 'System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.'),
    server(
      READY_MS,
      0,
      'System',
      'MY-011323',
      'Server',
      "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock",
    ),
    ready(READY_MS, 3306),
  );
  const steady = version.startsWith('5.') ? 210 * MIB : 360 * MIB;
  const port = Number(optionValue(argv, ['--port', '-P']) ?? 3306);
  return new TimelineProc(
    {
      lines,
      memory: (t) => (t < 400 ? 12 * MIB : t < 7000 ? 180 * MIB : t < 13_300 ? 300 * MIB : steady),
      cpu: (t) => (t < READY_MS ? 600 : 8),
      server: { ports: [port, 33060], readyAtMs: READY_MS, handle: () => ({ protocolError: MYSQL_PROTOCOL_ERROR }) },
    },
    env.io,
  );
}

function clientTarget(
  argv: readonly string[],
  env: ProgramEnv,
): { up: boolean; tcp: boolean; host: string; port: number } {
  const host = optionValue(argv, ['-h', '--host']) ?? 'localhost';
  const port = Number(optionValue(argv, ['-P', '--port']) ?? 3306);
  const local = host === 'localhost' || host === '127.0.0.1';
  const up = local ? env.ctx.localhost.listens(port, env.io.startMs) : env.ctx.network?.resolve(host) !== undefined;
  return { up, tcp: host !== 'localhost', host, port };
}

/** `mysqladmin ping`: "mysqld is alive" once the server accepts connections. */
export function startMysqladmin(argv: readonly string[], env: ProgramEnv): Proc {
  const { up, tcp, host, port } = clientTarget(argv, env);
  if (up) return oneShot(env.io, 0, argv.includes('ping') ? [{ stream: 'stdout', text: 'mysqld is alive' }] : []);
  const why = tcp
    ? `error: 'Can't connect to MySQL server on '${host}:${port}' (111)'`
    : "error: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'";
  const lines = [`mysqladmin: connect to server at '${host}' failed`, why];
  if (!tcp) lines.push("Check that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!");
  return oneShot(
    env.io,
    1,
    lines.map((text) => ({ stream: 'stderr', text })),
  );
}

/** `mysql -e ...`: succeeds quietly once the server accepts connections. */
export function startMysqlClient(argv: readonly string[], env: ProgramEnv): Proc {
  const { up, tcp, host, port } = clientTarget(argv, env);
  if (up) return oneShot(env.io, 0, []);
  const text = tcp
    ? `ERROR 2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (111)`
    : "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)";
  return oneShot(env.io, 1, [{ stream: 'stderr', text }]);
}
