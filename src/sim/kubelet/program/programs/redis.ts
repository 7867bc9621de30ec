// redis-server (startup log, port from --port or the config file) and redis-cli (ping against localhost).

import { redisTime } from '../clock-format.js';
import type { Proc } from '../proc.js';
import { flat, oneShot, type TimedLine, TimelineProc } from '../timeline-proc.js';
import { resolvePath } from '../vfs.js';
import { MIB, optionValue, type ProgramEnv, wallClock } from './program.js';

const REDIS_PROTOCOL_ERROR =
  'net/http: HTTP/1.x transport connection broken: malformed HTTP response "-ERR wrong number of arguments for \'get\' command"';

export function startRedisServer(argv: readonly string[], env: ProgramEnv): Proc {
  const version = env.ctx.image.version ?? '7.4.5';
  const configArg = argv.slice(1).find((a, i) => i === 0 && !a.startsWith('-'));
  let port = 6379;
  if (configArg !== undefined) {
    const conf = env.ctx.fs.read(resolvePath(configArg, env.io.cwd));
    if (!conf.ok) {
      return oneShot(env.io, 1, [
        { stream: 'stdout', text: `Fatal error, can't open config file '${configArg}': No such file or directory` },
      ]);
    }
    const m = /^\s*port\s+(\d+)/m.exec(conf.content);
    if (m?.[1]) port = Number(m[1]);
  }
  const flagPort = optionValue(argv, ['--port']);
  if (flagPort !== undefined && /^\d+$/.test(flagPort)) port = Number(flagPort);
  const pid = env.pid;
  const at = (ms: number, role: 'C' | 'M', mark: '*' | '#', text: string): TimedLine => ({
    atMs: ms,
    stream: 'stdout',
    text: `${pid}:${role} ${redisTime(wallClock(env, ms))} ${mark} ${text}`,
  });
  const lines: TimedLine[] = [
    at(0, 'C', '*', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'),
    at(0, 'C', '*', `Redis version=${version}, bits=64, commit=00000000, modified=0, pid=${pid}, just started`),
    configArg === undefined
      ? at(
          0,
          'C',
          '#',
          'Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf',
        )
      : at(0, 'C', '*', 'Configuration loaded'),
    at(1, 'M', '*', 'monotonic clock: POSIX clock_gettime'),
    at(2, 'M', '*', `Running mode=standalone, port=${port}.`),
    at(3, 'M', '*', 'Server initialized'),
    at(4, 'M', '*', 'Ready to accept connections tcp'),
  ];
  return new TimelineProc(
    {
      lines,
      memory: flat(7.5 * MIB),
      cpu: flat(2),
      server: { ports: [port], readyAtMs: 4, handle: () => ({ protocolError: REDIS_PROTOCOL_ERROR }) },
    },
    env.io,
  );
}

/** `redis-cli [-h host] [-p port] [command...]`: `ping` answers PONG when a server listens there. */
export function startRedisCli(argv: readonly string[], env: ProgramEnv): Proc {
  const host = optionValue(argv, ['-h']) ?? '127.0.0.1';
  const port = Number(optionValue(argv, ['-p']) ?? 6379);
  const withValue = new Set(['-h', '-p', '-a', '-n', '-u']);
  const words = argv.slice(1).filter((a, i, all) => !a.startsWith('-') && !withValue.has(all[i - 1] ?? ''));
  const local = host === '127.0.0.1' || host === 'localhost';
  const up = local ? env.ctx.localhost.listens(port, env.io.startMs) : env.ctx.network?.resolve(host) !== undefined;
  if (!up) {
    const why =
      local || env.ctx.network?.resolve(host) !== undefined ? 'Connection refused' : 'Name or service not known';
    return oneShot(env.io, 1, [{ stream: 'stderr', text: `Could not connect to Redis at ${host}:${port}: ${why}` }]);
  }
  const command = (words[0] ?? '').toLowerCase();
  const reply = command === 'ping' ? 'PONG' : command === '' ? '' : 'OK';
  return oneShot(env.io, 0, reply ? [{ stream: 'stdout', text: reply }] : []);
}
