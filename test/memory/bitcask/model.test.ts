// Randomized model test: random sequences of puts (some with TTLs), deletes, batches, reads, prefix listings, scans,
// merges (full and partial), reopens and read-only views, checked against a plain Map after every step. The PRNG is
// seeded; a failure prints the seed and the step, and BITCASK_SEED=<seed> replays exactly that run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BatchOp, type Bitcask, openBitcask } from '../../../src/memory/bitcask/index.js';
import { prng, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

interface Entry {
  readonly value: string;
  readonly expiry: number;
}

const PREFIXES = ['a/', 'a/b/', 'b/', 'c', '键/', ''];

class Model {
  readonly map = new Map<string, Entry>();
  now = 1_760_000_000_000;

  live(): Map<string, string> {
    const out = new Map<string, string>();
    const keys = [...this.map.keys()]
      .filter((k) => this.get(k) !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) out.set(k, this.map.get(k)!.value);
    return out;
  }

  get(k: string): string | undefined {
    const e = this.map.get(k);
    return e === undefined || (e.expiry !== 0 && e.expiry <= this.now) ? undefined : e.value;
  }
}

async function run(seed: number, steps: number): Promise<void> {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const model = new Model();
  const clock = () => model.now;
  const dir = tempDir();
  const open = () =>
    openBitcask({
      dir,
      sync: pick(['none', 'group'] as const),
      autoMerge: false,
      maxFileSize: rand() < 0.3 ? 100_000 : 256 + int(4096),
      readCacheBytes: pick([0, 40_000, undefined]),
      clock,
    });
  const randomKey = () => `${pick(PREFIXES)}${int(40)}`;
  const randomValue = () => {
    const r = rand();
    const len = r < 0.1 ? 0 : r < 0.97 ? int(200) : 5000 + int(5000);
    return String.fromCharCode(97 + int(26)).repeat(len) + (rand() < 0.2 ? '值' : '');
  };
  const ttl = () => (rand() < 0.15 ? 1 + int(3000) : undefined);
  const expiryOf = (t: number | undefined) => (t === undefined ? 0 : Math.ceil(model.now + t));

  let db: Bitcask = await open();
  let step = 0;
  try {
    for (; step < steps; step++) {
      const r = rand();
      if (r < 0.3) {
        const k = randomKey();
        const v = randomValue();
        const t = ttl();
        await db.put(k, v, t === undefined ? undefined : { ttlMs: t });
        model.map.set(k, { value: v, expiry: expiryOf(t) });
      } else if (r < 0.4) {
        const k = randomKey();
        await db.delete(k);
        model.map.delete(k);
      } else if (r < 0.48) {
        const ops: BatchOp[] = [];
        for (let i = 0, n = 1 + int(5); i < n; i++) {
          const k = randomKey();
          if (rand() < 0.7) {
            const t = ttl();
            ops.push(
              t === undefined
                ? { type: 'put', key: k, value: randomValue() }
                : { type: 'put', key: k, value: randomValue(), ttlMs: t },
            );
          } else ops.push({ type: 'delete', key: k });
        }
        await db.batch(ops);
        for (const op of ops) {
          if (op.type === 'delete') model.map.delete(op.key);
          else model.map.set(op.key, { value: op.value as string, expiry: expiryOf(op.ttlMs) });
        }
      } else if (r < 0.55) {
        // A burst issued in one turn without awaiting each write.
        const writes: Promise<void>[] = [];
        for (let i = 0, n = 2 + int(20); i < n; i++) {
          const k = randomKey();
          if (rand() < 0.8) {
            const v = randomValue();
            writes.push(db.put(k, v));
            model.map.set(k, { value: v, expiry: 0 });
          } else {
            writes.push(db.delete(k));
            model.map.delete(k);
          }
        }
        await Promise.all(writes);
      } else if (r < 0.63) {
        const k = randomKey();
        assert.equal(db.get(k)?.toString(), model.get(k), `get ${k}`);
        assert.equal(db.has(k), model.get(k) !== undefined, `has ${k}`);
      } else if (r < 0.7) {
        const p = pick(PREFIXES);
        assert.deepEqual(
          db.keys(p),
          [...model.live().keys()].filter((k) => k.startsWith(p)),
          `keys ${JSON.stringify(p)}`,
        );
      } else if (r < 0.74) {
        const p = pick(PREFIXES);
        const got = new Map([...db.scan(p)].map(([k, v]) => [k, v.toString()]));
        const want = new Map([...model.live()].filter(([k]) => k.startsWith(p)));
        assert.deepEqual(got, want, `scan ${JSON.stringify(p)}`);
      } else if (r < 0.8) {
        model.now += int(1500);
      } else if (r < 0.87) {
        await db.merge(rand() < 0.5 ? {} : { minDeadRatio: rand() });
      } else if (r < 0.94) {
        await db.close();
        db = await open();
      } else if (r < 0.97) {
        await db.sync();
        const ro = await openBitcask({ dir, readOnly: true, clock });
        assert.deepEqual(new Map([...ro.scan()].map(([k, v]) => [k, v.toString()])), model.live(), 'read-only view');
        await ro.close();
      } else {
        assert.equal(db.stats().keys, model.live().size, 'stats().keys');
      }
    }
    assert.deepEqual(new Map([...db.scan()].map(([k, v]) => [k, v.toString()])), model.live(), 'final contents');
    const report = db.verify();
    assert.equal(report.ok, true);
    await db.close();
  } catch (err) {
    console.error(`model test failed: BITCASK_SEED=${seed} at step ${step}`);
    await db.close().catch(() => undefined);
    throw err;
  }
}

describe('randomized model test against a Map', () => {
  const fixed = process.env.BITCASK_SEED;
  const seeds = fixed !== undefined ? [Number(fixed)] : [1, 2, 3, 4, 5, 6, 7, 8, (Date.now() % 1_000_000) + 9];
  for (const seed of seeds) {
    test(`seed ${seed}`, async () => {
      await run(seed, 500);
    });
  }
});
