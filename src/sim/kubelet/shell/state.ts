// A shell's variables, functions, options and positional parameters, and the control-flow signals its
// interpreter throws (`exit`, `return`, `break`/`continue`).

import type { Command } from './ast.js';

export class ExitSignal {
  constructor(readonly code: number) {}
}

export class ReturnSignal {
  constructor(readonly code: number) {}
}

export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  noglob: boolean;
  pipefail: boolean;
}

export class ShellState {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  readonly readonlyVars = new Set<string>();
  readonly functions = new Map<string, Command>();
  readonly traps = new Map<string, string>();
  readonly options: ShellOptions = { errexit: false, nounset: false, xtrace: false, noglob: false, pipefail: false };
  /** Saved values for `local`, one frame per function call. */
  readonly localFrames: Map<string, string | undefined>[] = [];
  positional: string[] = [];
  status = 0;
  lastBackgroundPid: number | undefined;

  constructor(
    public arg0: string,
    public cwd: string,
  ) {}

  static withEnv(env: Readonly<Record<string, string>>, arg0: string, cwd: string): ShellState {
    const s = new ShellState(arg0, cwd);
    for (const [k, v] of Object.entries(env)) {
      s.vars.set(k, v);
      s.exported.add(k);
    }
    if (!s.vars.has('IFS')) s.vars.set('IFS', ' \t\n');
    return s;
  }

  /** A subshell's copy: changes in it do not reach the parent. */
  clone(): ShellState {
    const s = new ShellState(this.arg0, this.cwd);
    for (const [k, v] of this.vars) s.vars.set(k, v);
    for (const k of this.exported) s.exported.add(k);
    for (const k of this.readonlyVars) s.readonlyVars.add(k);
    for (const [k, v] of this.functions) s.functions.set(k, v);
    for (const [k, v] of this.traps) if (k !== 'EXIT') s.traps.set(k, v);
    Object.assign(s.options, this.options);
    s.positional = [...this.positional];
    s.status = this.status;
    s.lastBackgroundPid = this.lastBackgroundPid;
    return s;
  }

  /** Sets a variable; false when it is read-only. */
  set(name: string, value: string): boolean {
    if (this.readonlyVars.has(name)) return false;
    this.vars.set(name, value);
    return true;
  }

  unset(name: string): boolean {
    if (this.readonlyVars.has(name)) return false;
    this.vars.delete(name);
    this.exported.delete(name);
    return true;
  }

  /** The environment a child process gets. */
  exportedEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) env[k] = v;
    }
    return env;
  }

  /** A special or positional parameter (`$?`, `$#`, `$1`, ...) or a variable. */
  param(name: string, pid: number): string | undefined {
    if (/^\d+$/.test(name)) return name === '0' ? this.arg0 : this.positional[Number(name) - 1];
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(pid);
      case '#':
        return String(this.positional.length);
      case '!':
        return this.lastBackgroundPid === undefined ? undefined : String(this.lastBackgroundPid);
      case '-':
        return this.flags();
      default:
        return this.vars.get(name);
    }
  }

  /** `$-` */
  flags(): string {
    return `${this.options.errexit ? 'e' : ''}${this.options.nounset ? 'u' : ''}${this.options.xtrace ? 'x' : ''}${this.options.noglob ? 'f' : ''}`;
  }
}
