// Runs a kubemend command in-process with captured streams, the way a user would see it.

import { PassThrough } from 'node:stream';
import type { CommandIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}, stdinText = ''): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  stdin.end(stdinText);
  const io: CommandIo = { stdout, stderr, stdin, env: { HOME: '/nonexistent-home', ...env }, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}
