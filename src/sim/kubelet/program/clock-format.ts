// Timestamp formats the simulated programs print, all in UTC like a container without TZ.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2025-01-01 00:00:00 UTC: the default start of the simulated clock when the caller gives none. */
export const DEFAULT_EPOCH_MS = Date.UTC(2025, 0, 1);

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

function parts(epochMs: number) {
  const d = new Date(epochMs);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    d: d.getUTCDate(),
    h: p2(d.getUTCHours()),
    mi: p2(d.getUTCMinutes()),
    s: p2(d.getUTCSeconds()),
    ms: d.getUTCMilliseconds(),
    wd: d.getUTCDay(),
  };
}

/** nginx error log: `2025/01/01 00:00:00` */
export function nginxErrorTime(epochMs: number): string {
  const t = parts(epochMs);
  return `${t.y}/${p2(t.mo + 1)}/${p2(t.d)} ${t.h}:${t.mi}:${t.s}`;
}

/** Common Log Format: `01/Jan/2025:00:00:00 +0000` */
export function clfTime(epochMs: number): string {
  const t = parts(epochMs);
  return `${p2(t.d)}/${MONTHS[t.mo]}/${t.y}:${t.h}:${t.mi}:${t.s} +0000`;
}

/** redis: `01 Jan 2025 00:00:00.000` */
export function redisTime(epochMs: number): string {
  const t = parts(epochMs);
  return `${p2(t.d)} ${MONTHS[t.mo]} ${t.y} ${t.h}:${t.mi}:${t.s}.${p3(t.ms)}`;
}

/** `date --rfc-3339=seconds`: `2025-01-01 00:00:00+00:00` */
export function rfc3339Seconds(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** mysqld: `2025-01-01T00:00:00.000000Z` */
export function isoMicros(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}000Z`;
}

/** postgres: `2025-01-01 00:00:00.000 UTC` */
export function postgresTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

/** Apache error log: `Wed Jan 01 00:00:00.000000 2025` */
export function apacheTime(epochMs: number): string {
  const t = parts(epochMs);
  return `${DAYS[t.wd]} ${MONTHS[t.mo]} ${p2(t.d)} ${t.h}:${t.mi}:${t.s}.${p3(t.ms)}000 ${t.y}`;
}

/** `date` with no format: `Wed Jan  1 00:00:00 UTC 2025` */
export function dateDefault(epochMs: number): string {
  const t = parts(epochMs);
  return `${DAYS[t.wd]} ${MONTHS[t.mo]} ${String(t.d).padStart(2, ' ')} ${t.h}:${t.mi}:${t.s} UTC ${t.y}`;
}

/** `date +FORMAT` for the common conversions. */
export function strftime(format: string, epochMs: number): string {
  const t = parts(epochMs);
  const iso = new Date(epochMs).toISOString();
  const table: Record<string, string> = {
    Y: String(t.y),
    m: p2(t.mo + 1),
    d: p2(t.d),
    H: t.h,
    M: t.mi,
    S: t.s,
    s: String(Math.floor(epochMs / 1000)),
    N: `${p3(t.ms)}000000`,
    F: iso.slice(0, 10),
    T: `${t.h}:${t.mi}:${t.s}`,
    z: '+0000',
    Z: 'UTC',
    a: DAYS[t.wd] ?? '',
    b: MONTHS[t.mo] ?? '',
    e: String(t.d).padStart(2, ' '),
    j: p3(Math.floor((epochMs - Date.UTC(t.y, 0, 1)) / 86_400_000) + 1),
    '%': '%',
  };
  return format.replace(/%([A-Za-z%])/g, (m, c: string) => table[c] ?? m);
}
