// The shell's runtime seams: the effects a running script yields to its driver (the only ways simulated time
// passes), its streams, and what a utility (`cat`, `wget`, ...) may use.

import type { HostInfo, Localhost, Proc, TextSink } from '../program/proc.js';
import type { ShellFlavour, Toolset } from '../program/toolset.js';
import type { ContainerNetwork } from '../program/types.js';
import type { Vfs } from '../program/vfs.js';

export type Effect =
  /** Sleep for `ms` of simulated time (Infinity: forever). */
  | { readonly kind: 'sleep'; readonly ms: number }
  /** Wait for a foreground child process; the driver resumes with its exit status. */
  | { readonly kind: 'wait'; readonly proc: Proc };

/** A running piece of shell: yields effects, is resumed with a status, returns an exit status. */
export type Exec<T = number> = Generator<Effect, T, number>;

/** Standard input as a string with a read cursor, so successive `read`s consume it. */
export class Input {
  private pos = 0;
  constructor(private readonly data: string) {}

  readLine(): string | undefined {
    if (this.pos >= this.data.length) return undefined;
    const nl = this.data.indexOf('\n', this.pos);
    const end = nl === -1 ? this.data.length : nl;
    const line = this.data.slice(this.pos, end);
    this.pos = end + 1;
    return line;
  }

  readAll(): string {
    const rest = this.data.slice(this.pos);
    this.pos = this.data.length;
    return rest;
  }
}

export class Capture implements TextSink {
  text = '';
  write(text: string): void {
    this.text += text;
  }
}

export const DISCARD: TextSink = { write: () => undefined };

export interface Io {
  readonly stdin: Input;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

export interface UtilContext {
  readonly io: Io;
  readonly fs: Vfs;
  readonly tools: Toolset;
  readonly host: HostInfo;
  readonly localhost: Localhost;
  readonly network: ContainerNetwork | undefined;
  /** Exported variables, as a child process would see them. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The shell running this as a builtin; undefined when run as its own process (`command: ["echo", ...]`). */
  readonly shell: ShellFlavour | undefined;
  now(): number;
  out(text: string): void;
  err(text: string): void;
  /** Reports a builtin's error in the running shell's wording (`sh: 1: [: missing ]`). */
  complain(name: string, message: string): void;
  /** Runs another command (for `env`, `nohup`, `timeout`); undefined when it does not exist (nothing printed). */
  run(argv: readonly string[], env: Readonly<Record<string, string>>): Exec<number | undefined>;
}

export type Utility = (argv: readonly string[], ctx: UtilContext) => number | Exec;

/** Runs a utility's result to completion inside a generator. */
export function* runUtility(result: number | Exec): Exec {
  return typeof result === 'number' ? result : yield* result;
}
