// What a program factory gets, and small helpers the programs share.

import type { Proc, ProcContext, SpawnIo } from '../proc.js';

export interface ProgramEnv {
  readonly ctx: ProcContext;
  readonly io: SpawnIo;
  readonly pid: number;
}

export type ProgramFactory = (argv: readonly string[], env: ProgramEnv) => Proc;

export const MIB = 1024 * 1024;

/** Wall-clock epoch ms of an offset from the program's start. */
export function wallClock(env: ProgramEnv, offsetMs: number): number {
  return env.ctx.host.epochMs + env.io.startMs + offsetMs;
}

/** Short and long option values: `-p 8080`, `-p8080`, `--port 8080`, `--port=8080`. */
export function optionValue(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (names.includes(a)) return argv[i + 1];
    for (const n of names) {
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length) return a.slice(n.length);
    }
  }
  return undefined;
}
