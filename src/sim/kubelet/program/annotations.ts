// Optional pod annotations for what the program model cannot know from the spec (a real app's leak, hang or
// slow start). Everything else comes from image + command + args + env + files; these only override.
//
// Keys (value forms in brackets). `sim.kubemend.io/<key>` applies to every container of the pod;
// `sim.kubemend.io/<key>.<container-name>` to one container and wins over the pod-wide key.
//   memory-leak-mb-per-min  [number]    resident memory grows this many MiB per minute from the start
//   memory-mb               [number]    resident memory (MiB) instead of the model's estimate
//   cpu-millis              [number]    steady CPU usage in millicores instead of the model's estimate
//   exit-after              [duration]  the main process exits this long after starting ...
//   exit-code               [0-255]     ... with this status (default 1)
//   startup-seconds         [number]    ports accept connections only after this many seconds
//   unhealthy-after         [duration]  from then on every HTTP answer is 500 (a hung app; a restart clears it)
//   http-status             [100-599]   every HTTP answer has this status
// A duration is `30s`, `5m`, `1h30m`, `500ms` or a bare number of seconds. Unparseable values are ignored.

export const ANNOTATION_PREFIX = 'sim.kubemend.io/';

export interface ProgramOverrides {
  readonly leakBytesPerMs?: number;
  readonly memoryBytes?: number;
  readonly cpuMillis?: number;
  readonly exitAfterMs?: number;
  readonly exitCode: number;
  readonly startupMs?: number;
  readonly unhealthyAfterMs?: number;
  readonly httpStatus?: number;
}

const MIB = 1024 * 1024;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `1h30m`, `500ms`, `90` (seconds) -> milliseconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
    end = re.lastIndex;
  }
  return end === t.length && end > 0 ? total : undefined;
}

function number(text: string | undefined, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

export function parseOverrides(
  annotations: Readonly<Record<string, string>> | undefined,
  container: string,
): ProgramOverrides {
  const get = (key: string): string | undefined =>
    annotations?.[`${ANNOTATION_PREFIX}${key}.${container}`] ?? annotations?.[`${ANNOTATION_PREFIX}${key}`];
  const duration = (key: string): number | undefined => {
    const v = get(key);
    return v === undefined ? undefined : parseDuration(v);
  };
  const leak = number(get('memory-leak-mb-per-min'), 0);
  const memory = number(get('memory-mb'), 0);
  const startup = number(get('startup-seconds'), 0);
  const out: { -readonly [K in keyof ProgramOverrides]: ProgramOverrides[K] } = {
    exitCode: number(get('exit-code'), 0, 255) ?? 1,
  };
  if (leak !== undefined) out.leakBytesPerMs = (leak * MIB) / 60_000;
  if (memory !== undefined) out.memoryBytes = memory * MIB;
  const cpu = number(get('cpu-millis'), 0);
  if (cpu !== undefined) out.cpuMillis = cpu;
  const exitAfter = duration('exit-after');
  if (exitAfter !== undefined) out.exitAfterMs = exitAfter;
  if (startup !== undefined) out.startupMs = startup * 1000;
  const unhealthy = duration('unhealthy-after');
  if (unhealthy !== undefined) out.unhealthyAfterMs = unhealthy;
  const status = number(get('http-status'), 100, 599);
  if (status !== undefined) out.httpStatus = Math.trunc(status);
  return out;
}
