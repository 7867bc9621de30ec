// Reading a V8 .cpuprofile (node --cpu-prof) for benches: which functions a run spent its CPU in, so a bench
// can name its hot spots without opening DevTools.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root as profiles spell it (file:// URLs), so frames print as repository paths. */
const ROOT = new URL('../../', import.meta.url).href;

/** The main thread's profile in `dir` (node writes one per thread; tsx's loader thread has a small one). */
export function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

/**
 * Where a V8 .cpuprofile spent its busy (non-idle) time: per function, self time and inclusive time (the
 * function or anything it called), hottest first. Line numbers are left out: under tsx they point into the
 * transpiled module, not the source.
 */
export function hotFunctions(file: string, top: number): { self: string[]; inclusive: string[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const name = new Map<number, string>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    const url = n.callFrame.url;
    const where = url.startsWith(ROOT) ? url.slice(ROOT.length) : url;
    name.set(n.id, `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim());
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const leaf = name.get(id) ?? '?';
    if (leaf === '(idle)') return;
    total += dt;
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    const onStack = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) onStack.add(name.get(n) ?? '?');
    for (const f of onStack) inclusive.set(f, (inclusive.get(f) ?? 0) + dt);
  });
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([f]) => f !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${f}`);
  return { self: ranked(self), inclusive: ranked(inclusive) };
}
