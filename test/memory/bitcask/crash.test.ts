// Crash test: a child process doing group-committed writes (16 concurrent writers: puts, batches, deletes) is
// SIGKILLed at a random moment, six times over on the same directory. Every write whose promise resolved before
// the kill (the child prints it only then) must be there after reopen, every acknowledged delete must hold, and the
// store must open cleanly (the stale lock reclaimed, at most a torn tail, no corrupt record).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { openBitcask } from '../../../src/memory/bitcask/index.js';
import { valueFor } from './fixtures/value-for.js';
import { fixture, prng, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

/** Runs one writer child, kills it killAfterMs after its first acknowledged write, returns its complete lines. */
function runAndKill(dir: string, round: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('writer-child.ts'), dir, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // The clock starts at the first acknowledgement, so even on a slow machine the child dies mid-stream.
      if (timer === undefined && out.includes('\nP ')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${signal}): ${err}`));
      // Only complete lines: the last one may have been cut by the kill.
      else resolve(out.split('\n').slice(1, -1));
    });
  });
}

describe('SIGKILL during group-committed writes', () => {
  test('every acknowledged write is present after reopen, and the store opens cleanly', async () => {
    const seed = Number(process.env.BITCASK_SEED ?? Date.now() % 1_000_000);
    const rand = prng(seed);
    const dir = tempDir();
    const present = new Set<string>();
    const deleted = new Set<string>();
    const inDoubt = new Set<string>();
    let acked = 0;
    try {
      for (let round = 0; round < 6; round++) {
        const lines = await runAndKill(dir, round, 20 + Math.floor(rand() * 400));
        let roundAcks = 0;
        for (const line of lines) {
          const [op, key] = [line.slice(0, 1), line.slice(2)];
          if (op === 'P') {
            present.add(key);
            roundAcks++;
          } else if (op === 'I') {
            present.delete(key);
            inDoubt.add(key);
          } else if (op === 'D') {
            inDoubt.delete(key);
            deleted.add(key);
            roundAcks++;
          } else assert.fail(`unexpected line from writer: ${line}`);
        }
        assert.ok(roundAcks > 0, `round ${round}: the writer acknowledged nothing before the kill`);
        acked += roundAcks;

        const db = await openBitcask({ dir, autoMerge: false });
        for (const key of present) assert.equal(db.get(key)?.toString(), valueFor(key), `acknowledged put of ${key}`);
        for (const key of deleted) assert.equal(db.has(key), false, `acknowledged delete of ${key}`);
        for (const key of inDoubt) {
          const v = db.get(key);
          if (v !== undefined) assert.equal(v.toString(), valueFor(key), `in-doubt ${key} has a wrong value`);
        }
        for (const key of db.keys()) assert.equal(db.get(key)?.toString(), valueFor(key), `${key} reads back intact`);
        const report = db.verify();
        assert.deepEqual(report.corrupt, [], 'a crash leaves at most torn tails, never corrupt records');
        if (round % 2 === 1) await db.merge();
        await db.close();
      }
      assert.ok(acked > 100, `only ${acked} writes were acknowledged in six rounds`);
    } catch (err) {
      console.error(`crash test failed with BITCASK_SEED=${seed}`);
      throw err;
    }
  });
});
