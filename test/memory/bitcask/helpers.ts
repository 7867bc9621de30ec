// Shared by the Bitcask tests: temp dirs removed in after(), child processes running TypeScript fixtures, raw file
// access for damaging stores on purpose, and a seeded PRNG.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Returns a factory of fresh temp dirs, all removed after the test file. */
export function useTempDirs(): () => string {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'kubemend-bitcask-'));
    dirs.push(d);
    return d;
  };
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Runs a TypeScript fixture to completion (or until it is killed). */
export function runChild(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Data files of a store, in (major, minor) order. */
export function dataFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.data'))
    .sort();
}

export function lastDataFile(dir: string): string {
  const files = dataFiles(dir);
  const last = files[files.length - 1];
  if (last === undefined) throw new Error(`no data files in ${dir}`);
  return join(dir, last);
}

/** Applies fn to a copy of the file's bytes and writes the result back. */
export function editFile(path: string, fn: (b: Buffer) => Buffer | undefined): void {
  const b = readFileSync(path);
  writeFileSync(path, fn(b) ?? b);
}

export function flipBit(b: Buffer, at: number, mask: number): void {
  b[at] = b[at]! ^ mask;
}

/** Offsets of the records in a data file of this engine, walking the length fields (the file must be intact). */
export function recordOffsets(b: Buffer): number[] {
  const out: number[] = [];
  for (let p = 0; p + 23 <= b.length; p += 23 + b.readUInt16BE(p + 17) + b.readUInt32BE(p + 19)) out.push(p);
  return out;
}

export { prng } from '../../helpers/prng.js';

/** Every live key and value of a store as plain strings, for deep comparison with a model. */
export function contents(db: { scan(prefix?: string): Iterable<[string, Buffer]> }): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of db.scan()) m.set(k, v.toString('latin1'));
  return m;
}

/** A model map sorted the way the store orders keys. */
export function sortedModel(m: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
