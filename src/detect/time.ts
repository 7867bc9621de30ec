// Timestamps arrive as Date (client-node's typed list responses) or as ISO strings (watch events, plain JSON
// fixtures); every reader goes through these helpers so analyzers never care which.

export function toMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'string' && v.length > 0) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

export function toIso(v: unknown): string | undefined {
  const ms = toMs(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
