// A shell process: drives the interpreter's generator through simulated time (sleeps, foreground children)
// and runs its background jobs alongside. Also hosts a single utility run as its own process (`sleep 3600`).

import {
  type HttpRequest,
  type HttpResponse,
  type Proc,
  type ProcContext,
  type ProcStatus,
  RUNNING,
  type SpawnIo,
} from '../program/proc.js';
import type { ShellFlavour } from '../program/toolset.js';
import type { Command } from './ast.js';
import { type Dialect, syntaxError } from './dialect.js';
import { Interpreter, type ShellRuntime } from './interpreter.js';
import { type Exec, Input, type Io } from './io.js';
import { parseScript } from './parser.js';
import { type ShellOptions, ShellState } from './state.js';

const MIB = 1024 * 1024;
const SHELL_MEMORY: Readonly<Record<ShellFlavour, number>> = { ash: 0.6 * MIB, dash: 0.5 * MIB, bash: 3.4 * MIB };

export type ShellWork =
  /** A script: `sh -c '...'` (inline), a script file, or standard input. */
  | {
      readonly kind: 'script';
      readonly source: string;
      readonly inline: boolean;
      readonly positional: readonly string[];
      /** `sh -e -x -c ...` */
      readonly options?: Partial<ShellOptions>;
    }
  /** One command with its argv already split: a utility started as the container's process. */
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  /** A background job of another shell, in a copy of that shell's state. */
  | { readonly kind: 'job'; readonly cmd: Command; readonly state: ShellState };

export interface ShellLaunch {
  readonly ctx: ProcContext;
  readonly flavour: ShellFlavour;
  /** `$0` */
  readonly arg0: string;
  readonly io: SpawnIo;
  readonly pid: number;
}

export class ShellProc implements Proc {
  private readonly clock: { now: number };
  private readonly rt: ShellRuntime;
  private readonly gen: Exec;
  private pending: { kind: 'sleep'; until: number } | { kind: 'wait'; proc: Proc } | undefined;
  private status: ProcStatus = RUNNING;

  constructor(
    private readonly launch: ShellLaunch,
    work: ShellWork,
  ) {
    this.clock = { now: launch.io.startMs };
    const dialect: Dialect = {
      flavour: launch.flavour,
      arg0: launch.arg0,
      inline: work.kind !== 'script' || work.inline,
    };
    this.rt = {
      ctx: launch.ctx,
      dialect,
      clock: this.clock,
      jobs: [],
      busyAt: Number.NEGATIVE_INFINITY,
      pid: launch.pid,
      standalone: work.kind === 'argv',
      startJob: (cmd, state, io) =>
        new ShellProc(
          {
            ...launch,
            pid: launch.ctx.nextPid(),
            io: { ...launch.io, stdout: io.stdout, stderr: io.stderr, startMs: this.clock.now },
          },
          { kind: 'job', cmd, state },
        ),
    };
    const io: Io = { stdin: new Input(launch.io.stdin), stdout: launch.io.stdout, stderr: launch.io.stderr };
    this.gen = this.start(work, io);
  }

  private *start(work: ShellWork, io: Io): Exec {
    const { io: launchIo, arg0 } = this.launch;
    if (work.kind === 'job')
      return yield* new Interpreter(work.state, this.rt).runProgram(
        { type: 'list', items: [{ cmd: work.cmd, background: false }] },
        io,
      );
    const state = ShellState.withEnv(launchIo.env, arg0, launchIo.cwd);
    const sh = new Interpreter(state, this.rt);
    if (work.kind === 'argv') return (yield* sh.runCommand(work.argv, launchIo.env, io, launchIo.replace)) ?? 127;
    state.positional = [...work.positional];
    Object.assign(state.options, work.options);
    const parsed = parseScript(work.source);
    if (!parsed.ok) {
      for (const line of syntaxError(this.rt.dialect, parsed.error.detail, parsed.error.line, work.source)) {
        io.stderr.write(`${line}\n`, this.clock.now);
      }
      return 2;
    }
    return yield* sh.runProgram(parsed.program, io);
  }

  runUntil(t: number): ProcStatus {
    let resume = 0;
    while (this.status.state === 'running') {
      const pending = this.pending;
      if (pending?.kind === 'sleep') {
        if (pending.until > t) break;
        this.clock.now = pending.until;
      } else if (pending?.kind === 'wait') {
        const st = pending.proc.runUntil(t);
        if (st.state === 'running') break;
        this.clock.now = Math.max(this.clock.now, st.atMs);
        resume = st.code;
      }
      this.pending = undefined;
      const step = this.gen.next(resume);
      resume = 0;
      if (step.done) {
        this.status = { state: 'exited', code: step.value & 255, atMs: this.clock.now };
        break;
      }
      const effect = step.value;
      this.pending = effect.kind === 'sleep' ? { kind: 'sleep', until: this.clock.now + effect.ms } : effect;
    }
    const limit = this.status.state === 'exited' ? this.status.atMs : t;
    for (const job of this.rt.jobs) job.runUntil(limit);
    return this.status;
  }

  private children(): Proc[] {
    const fg = this.pending?.kind === 'wait' ? [this.pending.proc] : [];
    return [...fg, ...this.rt.jobs];
  }

  memoryBytes(t: number): number {
    if (this.status.state === 'exited') return 0;
    return SHELL_MEMORY[this.launch.flavour] + this.children().reduce((sum, c) => sum + c.memoryBytes(t), 0);
  }

  cpuMillis(t: number): number {
    if (this.status.state === 'exited') return 0;
    const own = t - this.rt.busyAt < 1000 ? 1000 : 0;
    return own + this.children().reduce((sum, c) => sum + c.cpuMillis(t), 0);
  }

  listens(port: number, t: number): boolean {
    return this.status.state === 'running' && this.children().some((c) => c.listens(port, t));
  }

  serve(req: HttpRequest): HttpResponse | undefined {
    if (this.status.state !== 'running') return undefined;
    for (const c of this.children()) {
      const r = c.serve(req);
      if (r) return r;
    }
    return undefined;
  }
}
