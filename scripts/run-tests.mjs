#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs, so the files are collected here; and a run
// that executes zero tests is a failure, because node exits 0 in that case.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const root = new URL('..', import.meta.url).pathname;
const files = collect(join(root, 'test'))
  .map((f) => relative(process.cwd(), f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const concurrency = process.env.KUBEMEND_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KUBEMEND_TEST: '1' } },
);
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  // The spec reporter ends with "ℹ tests N / ℹ pass N / ℹ fail N"; read them back for the zero check.
  const num = (label) => Number(new RegExp(`(?:^|\\n)\\S*\\s*${label} (\\d+)`).exec(tail)?.[1] ?? 'NaN');
  const pass = num('pass');
  const fail = num('fail');
  if (!Number.isFinite(pass) || pass + (Number.isFinite(fail) ? fail : 0) === 0) {
    console.error('run-tests: zero tests executed — treating as a failure');
    process.exit(1);
  }
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(code ?? 1);
});
