// The key-value workload every engine in bench:memory runs: the same random 16-character keys, 100-byte values and
// random get order, throw-away directories, and the timing helpers, so peers are driven identically.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Throughput {
  readonly puts: number;
  readonly gets?: number;
}

export const now = (): number => performance.now();
export const perSec = (ops: number, ms: number): number => (ops * 1000) / ms;
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const randomKey = (): string => randomBytes(12).toString('base64url'); // 16 characters

export class Workload {
  readonly keys: readonly string[];
  private readonly values: readonly Buffer[];
  private readonly getOrder: Uint32Array;
  private readonly dirs: string[] = [];

  constructor(
    readonly n: number,
    readonly valueBytes: number,
    readonly writers: number,
  ) {
    this.keys = Array.from({ length: n }, randomKey);
    this.values = Array.from({ length: 64 }, () => randomBytes(valueBytes));
    this.getOrder = shuffled(n);
    process.on('exit', () => {
      for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    });
  }

  value(i: number): Buffer {
    return this.values[i & 63]!;
  }

  /** A fresh temp dir, removed when the process exits. */
  tmp(name: string): string {
    const d = mkdtempSync(join(tmpdir(), `kubemend-bench-${name}-`));
    this.dirs.push(d);
    return d;
  }

  /** Record offset order for raw reads: the i-th get's record index. */
  order(i: number): number {
    return this.getOrder[i % this.n]!;
  }

  /** Times `ops` gets in random order over `keys`; the byte sum keeps the work from being optimised away. */
  timeGets(
    get: (k: string) => { length: number } | undefined | null,
    keys: readonly string[] = this.keys,
    ops = this.n,
  ): number {
    let bytes = 0;
    const t = now();
    for (let i = 0; i < ops; i++) bytes += get(keys[this.order(i) % keys.length]!)?.length ?? 0;
    const ms = now() - t;
    if (bytes === 0) throw new Error('gets returned nothing');
    return perSec(ops, ms);
  }

  /** `writers` concurrent writers, each awaiting its previous put; returns puts/s. */
  async concurrentPuts(perWriter: number, put: (key: string, i: number) => Promise<unknown>): Promise<number> {
    const t = now();
    await Promise.all(
      Array.from({ length: this.writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await put(this.keys[(w * perWriter + i) % this.n]!, w + i);
      }),
    );
    return perSec(this.writers * perWriter, now() - t);
  }
}

function shuffled(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
