// What a program factory gets, and small helpers the programs share.

import type { ProcContext, SpawnIo } from '../proc.js';

export interface ProgramEnv {
  readonly ctx: ProcContext;
  readonly io: SpawnIo;
  readonly pid: number;
}

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

export interface ParsedOptions {
  /** Short letters (`q`) and long names (`--spider`) given without a value. */
  readonly flags: ReadonlySet<string>;
  /** Short letters (`O`) and long names (`--output`) given with a value. */
  readonly values: ReadonlyMap<string, string>;
  readonly operands: readonly string[];
}

/** getopt-style parsing: short options cluster (`-qO-`); letters in `valued` and names in `valuedLong` take a value. */
export function getopt(args: readonly string[], valued: string, valuedLong: readonly string[] = []): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a : a.slice(0, eq);
      if (eq !== -1) values.set(name, a.slice(eq + 1));
      else if (valuedLong.includes(name)) values.set(name, args[++i] ?? '');
      else flags.add(name);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const letter = a[k] ?? '';
        if (!valued.includes(letter)) {
          flags.add(letter);
          continue;
        }
        values.set(letter, k + 1 < a.length ? a.slice(k + 1) : (args[++i] ?? ''));
        break;
      }
    } else operands.push(a);
  }
  return { flags, values, operands };
}
