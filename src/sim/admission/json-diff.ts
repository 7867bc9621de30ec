// Semantic equality and a readable diff for immutability checks. apimachinery's Semantic.DeepEqual treats
// nil and empty alike; on JSON that means an absent field equals "", 0, false, [] and {} — which also keeps
// a client that echoes `hostNetwork: false` from tripping "pod updates may not change fields".

import { isRecord } from '../tables/read.js';

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function collect(a: unknown, b: unknown, path: string, out: string[]): void {
  if (semanticEqual(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, x] of a.entries()) collect(x, b[i], `${path}[${i}]`, out);
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      collect(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (!isZero(a)) out.push(`- \t${path}: ${JSON.stringify(a)}`);
  if (!isZero(b)) out.push(`+ \t${path}: ${JSON.stringify(b)}`);
}

/** A cmp.Diff-like listing ("-" old, "+" new) of the leaves that differ, wrapped in the Go type name. */
export function describeDiff(typeName: string, before: unknown, after: unknown): string {
  const lines: string[] = [];
  collect(before, after, '', lines);
  return [`  ${typeName}{`, ...lines, '  }'].join('\n');
}
