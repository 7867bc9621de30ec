// Failure mode 8 of the reference: a second opener in another process fails fast, a stale lock left by a killed
// process is reclaimed, read-only opens work alongside a writer, and a merge keeps the lock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openBitcask } from '../../../src/memory/bitcask/index.js';
import { fixture, runChild, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

interface OpenOutcome {
  ok: boolean;
  code?: string;
  message?: string;
  keys?: string[];
}

async function openInChild(dir: string, mode: 'rw' | 'ro' = 'rw'): Promise<OpenOutcome> {
  const r = await runChild(fixture('open-child.ts'), [dir, mode]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as OpenOutcome;
}

describe('writer lock', () => {
  test('a second writer in another process fails fast with LOCKED naming the holder; read-only opens work', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none' });
    await db.put('k', 'v');
    await db.sync();
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    const second = await openInChild(dir);
    assert.equal(second.ok, false);
    assert.equal(second.code, 'LOCKED');
    assert.match(second.message!, new RegExp(`locked by pid ${process.pid}`));
    assert.match(second.message!, /read-only/);
    const reader = await openInChild(dir, 'ro');
    assert.equal(reader.ok, true);
    assert.deepEqual(reader.keys, ['k']);
    await db.close();
    assert.equal(existsSync(join(dir, 'LOCK')), false, 'close releases the lock');
    assert.equal((await openInChild(dir)).ok, true);
  });

  test('a second writer in the same process is refused too', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir });
    await assert.rejects(openBitcask({ dir }), { code: 'LOCKED', message: /this process/ });
    const ro = await openBitcask({ dir, readOnly: true });
    await ro.close();
    await db.close();
  });

  test('the lock of a SIGKILLed writer is stale and reclaimed; its acknowledged write survives', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('hold-child.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', () => reject(new Error('holder exited early')));
    });
    assert.equal(ready, `ready ${child.pid}`);
    await assert.rejects(openBitcask({ dir }), { code: 'LOCKED', message: new RegExp(`pid ${child.pid}`) });
    child.kill('SIGKILL');
    await exited;
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(child.pid), 'the dead holder left its lock');
    const db = await openBitcask({ dir });
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    assert.equal(db.get('held/by')?.toString(), String(child.pid));
    await db.close();
  });

  test('lock files naming a dead pid, or holding no pid, are reclaimed', async () => {
    const dir = tempDir();
    const deadPid = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => deadPid.on('exit', r));
    for (const content of [`${deadPid.pid}\n`, '', 'not a pid']) {
      writeFileSync(join(dir, 'LOCK'), content);
      const db = await openBitcask({ dir });
      assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
      await db.close();
    }
  });

  test('a merge keeps the lock', async () => {
    const dir = tempDir();
    const db = await openBitcask({ dir, sync: 'none', maxFileSize: 64 * 1024 });
    for (let i = 0; i < 40_000; i++) db.put(`k/${i % 10_000}`, `v${i}`.padEnd(60, '.'));
    await db.sync();
    let done = false;
    const merging = db.merge().finally(() => {
      done = true;
    });
    let checks = 0;
    while (!done) {
      assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
      checks++;
      await new Promise((r) => setImmediate(r));
    }
    await merging;
    assert.ok(checks > 1, 'the lock was checked while the merge ran');
    assert.equal((await openInChild(dir)).code, 'LOCKED');
    await db.close();
  });
});
