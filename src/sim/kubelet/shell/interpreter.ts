// Executes the shell syntax tree. Everything is a generator so that `sleep`, `wait` and foreground programs
// hand control back to the driver, which advances simulated time; nothing here blocks or reads a real clock.

import type { Proc, ProcContext, SpawnFailure } from '../program/proc.js';
import { basename } from '../program/vfs.js';
import type { Command, Program, Redirect, Word } from './ast.js';
import { SPECIAL_BUILTINS } from './builtins.js';
import type { Dialect } from './dialect.js';
import * as say from './dialect.js';
import { Expander, type ExpandHost } from './expand.js';
import { Capture, DISCARD, type Exec, Input, type Io, runUtility, type UtilContext } from './io.js';
import type { ShellSyntaxError } from './lexer.js';
import { parseScript } from './parser.js';
import { globMatch } from './pattern.js';
import { applyRedirects } from './redirect.js';
import { ExitSignal, LoopSignal, ReturnSignal, type ShellState } from './state.js';
import { SHELL_BUILTIN_UTILITIES, UTILITIES } from './utilities/index.js';
import { testCommand } from './utilities/test-command.js';

/** A `while true` iteration that takes no simulated time is charged this much, so busy loops cannot hang. */
const BUSY_ITERATION_MS = 100;
const MAX_FUNCTION_DEPTH = 200;

/** What every interpreter of one shell process (and its subshells) shares. */
export interface ShellRuntime {
  readonly ctx: ProcContext;
  readonly dialect: Dialect;
  /** The shell's current simulated time, moved forward by its driver. */
  readonly clock: { now: number };
  /** Background jobs (`cmd &`), run alongside the shell by its driver. */
  readonly jobs: Proc[];
  /** Starts `cmd` as a background job in a copy of `state`. */
  startJob(cmd: Command, state: ShellState, io: Io): Proc;
  /** Last time a busy loop was throttled (the shell burns a CPU then). */
  busyAt: number;
  readonly pid: number;
  /** A utility running as its own process rather than as a shell builtin (changes `echo` and error wording). */
  readonly standalone: boolean;
}

export class Interpreter {
  private line = 1;
  private condDepth = 0;
  private funcDepth = 0;
  private readonly expander: Expander;

  constructor(
    readonly state: ShellState,
    readonly rt: ShellRuntime,
  ) {
    this.expander = new Expander(this.expandHost());
  }

  get dialect(): Dialect {
    return this.rt.dialect;
  }

  now(): number {
    return this.rt.clock.now;
  }

  /** Prints a shell error (already worded) to `io`'s stderr. */
  complain(io: Io, text: string): void {
    io.stderr.write(`${text}\n`, this.now());
  }

  currentLine(): number {
    return this.line;
  }

  private fatal(text: string, status = say.shellErrorStatus(this.dialect)): never {
    this.complain(this.stderrForErrors, text);
    throw new ExitSignal(status);
  }

  /** Sets a variable or aborts the shell when it is read-only. */
  assign(name: string, value: string): void {
    if (!this.state.set(name, value)) this.fatal(say.readonlyVariable(this.dialect, this.line, name));
  }

  /** Status of the last command substitution in the current command (for assignment-only commands). */
  private substStatus = 0;

  /** Where expansion errors go: the stderr of the command being expanded. */
  private stderrForErrors: Io = { stdin: new Input(''), stdout: DISCARD, stderr: DISCARD };

  private expandHost(): ExpandHost {
    const st = this.state;
    return {
      lookup: (name) => this.lookup(name),
      positional: () => st.positional,
      assign: (name, value) => this.assign(name, value),
      substitute: (source, line) => this.substitute(source, line),
      unbound: (name) => this.fatal(say.unboundVariable(this.dialect, this.line, name)),
      parameterError: (name, message) => this.fatal(say.parameterError(this.dialect, this.line, name, message)),
      arithmeticError: (expr, message) => this.fatal(say.arithmeticError(this.dialect, this.line, expr, message)),
      get nounset() {
        return st.options.nounset;
      },
      get noglob() {
        return st.options.noglob;
      },
      fs: this.rt.ctx.fs,
      get cwd() {
        return st.cwd;
      },
    };
  }

  lookup(name: string): string | undefined {
    return this.state.param(name, this.rt.pid);
  }

  private redirect(redirs: readonly Redirect[], io: Io): Exec<Io | undefined> {
    return applyRedirects(redirs, io, {
      dialect: this.dialect,
      fs: this.rt.ctx.fs,
      cwd: this.state.cwd,
      line: this.line,
      now: () => this.now(),
      expand: (word) => this.expander.string(word),
    });
  }

  /** Runs a whole program: `exit` ends it; the EXIT trap runs last. */
  *runProgram(program: Program, io: Io): Exec {
    try {
      this.state.status = yield* this.exec(program, io);
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof ReturnSignal) this.state.status = e.code;
      else if (!(e instanceof LoopSignal)) throw e;
    }
    const trap = this.state.traps.get('EXIT');
    if (trap) {
      this.state.traps.delete('EXIT');
      const status = this.state.status;
      try {
        yield* this.runSource(trap, io);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
      }
      this.state.status = status;
    }
    return this.state.status;
  }

  /** Parses and runs `source` in this shell (`eval`, `.`, traps); a syntax error is reported and gives 2. */
  *runSource(source: string, io: Io): Exec {
    const parsed = parseScript(source, this.line);
    if (!parsed.ok) return this.syntaxFailure(io, parsed.error, source);
    return yield* this.exec(parsed.program, io);
  }

  /** Prints a syntax error in this shell's wording; a shell gives status 2 for it. */
  private syntaxFailure(io: Io, error: ShellSyntaxError, source: string): number {
    for (const l of say.syntaxError(this.dialect, error.detail, error.line, source)) this.complain(io, l);
    return 2;
  }

  subshell(): Interpreter {
    return new Interpreter(this.state.clone(), this.rt);
  }

  /** Runs `cmd` in a subshell: `exit` there only ends the subshell. */
  *inSubshell(cmd: Command, io: Io): Exec {
    const sub = this.subshell();
    try {
      return yield* sub.exec(cmd, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      if (e instanceof LoopSignal || e instanceof ReturnSignal) return sub.state.status;
      throw e;
    }
  }

  private *substitute(source: string, line: number): Exec<string> {
    const parsed = parseScript(source, line);
    const out = new Capture();
    const io: Io = { stdin: new Input(''), stdout: out, stderr: this.stderrForErrors.stderr };
    if (!parsed.ok) {
      this.substStatus = this.syntaxFailure(io, parsed.error, source);
      return '';
    }
    this.substStatus = yield* this.inSubshell(parsed.program, io);
    return out.text;
  }

  *exec(cmd: Command, io: Io): Exec {
    const status = yield* this.execInner(cmd, io);
    this.state.status = status;
    const checked = cmd.type === 'simple' || cmd.type === 'group' || (cmd.type === 'pipeline' && !cmd.negate);
    if (status !== 0 && checked && this.condDepth === 0 && this.state.options.errexit) throw new ExitSignal(status);
    return status;
  }

  private *asCondition(cmd: Command, io: Io): Exec {
    this.condDepth++;
    try {
      return yield* this.exec(cmd, io);
    } finally {
      this.condDepth--;
    }
  }

  private *execInner(cmd: Command, io: Io): Exec {
    this.stderrForErrors = io;
    switch (cmd.type) {
      case 'list': {
        let status = 0;
        for (const item of cmd.items) {
          if (item.background) {
            const job = this.rt.startJob(item.cmd, this.state.clone(), io);
            this.rt.jobs.push(job);
            this.state.lastBackgroundPid = this.rt.pid + this.rt.jobs.length * 6;
            status = 0;
          } else status = yield* this.exec(item.cmd, io);
        }
        return status;
      }
      case 'andor': {
        const steps = [{ op: '&&' as const, cmd: cmd.first }, ...cmd.rest];
        let status = 0;
        for (const [i, step] of steps.entries()) {
          if (i > 0 && (step.op === '&&') !== (status === 0)) continue;
          status = i < steps.length - 1 ? yield* this.asCondition(step.cmd, io) : yield* this.exec(step.cmd, io);
        }
        return status;
      }
      case 'pipeline':
        return yield* this.pipeline(cmd.commands, cmd.negate, io);
      case 'simple':
        return yield* this.simple(cmd, io);
      case 'function':
        this.state.functions.set(cmd.name, cmd.body);
        return 0;
    }
    const redirected = yield* this.redirect(cmd.redirs, io);
    if (!redirected) return say.redirectErrorStatus(this.dialect);
    return yield* this.compound(cmd, redirected);
  }

  private *compound(cmd: Command, io: Io): Exec {
    switch (cmd.type) {
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((yield* this.asCondition(clause.cond, io)) === 0) return yield* this.exec(clause.body, io);
        }
        return cmd.otherwise ? yield* this.exec(cmd.otherwise, io) : 0;
      }
      case 'loop':
        return yield* this.loop(cmd, io);
      case 'for': {
        const items = cmd.items ? yield* this.expander.fields(cmd.items) : [...this.state.positional];
        let status = 0;
        for (const item of items) {
          this.assign(cmd.name, item);
          const r = yield* this.loopBody(cmd.body, io);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'case': {
        const subject = yield* this.expander.string(cmd.word);
        for (const arm of cmd.arms) {
          for (const p of arm.patterns) {
            if (globMatch(yield* this.expander.pattern(p), subject))
              return arm.body ? yield* this.exec(arm.body, io) : 0;
          }
        }
        return 0;
      }
      case 'group':
        return cmd.subshell ? yield* this.inSubshell(cmd.body, io) : yield* this.exec(cmd.body, io);
      default:
        return 0;
    }
  }

  /** Runs a loop body; `break`/`continue` arrive as signals, counted down per loop level. */
  private *loopBody(body: Command, io: Io): Exec<{ status: number; stop: boolean }> {
    try {
      return { status: yield* this.exec(body, io), stop: false };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === 'break' };
    }
  }

  private *loop(cmd: Extract<Command, { type: 'loop' }>, io: Io): Exec {
    let status = 0;
    for (;;) {
      const started = this.now();
      const cond = yield* this.asCondition(cmd.cond, io);
      if ((cond === 0) === cmd.until) break;
      const r = yield* this.loopBody(cmd.body, io);
      status = r.status;
      if (r.stop) break;
      if (this.now() === started) {
        this.rt.busyAt = started;
        yield { kind: 'sleep', ms: BUSY_ITERATION_MS };
      }
    }
    return status;
  }

  private *pipeline(commands: readonly Command[], negate: boolean, io: Io): Exec {
    let input = io.stdin;
    let status = 0;
    let failed = 0;
    for (const [i, cmd] of commands.entries()) {
      const last = i === commands.length - 1;
      const capture = last ? undefined : new Capture();
      const stage: Io = { stdin: input, stdout: capture ?? io.stdout, stderr: io.stderr };
      status = commands.length === 1 ? yield* this.exec(cmd, stage) : yield* this.inSubshell(cmd, stage);
      if (status !== 0) failed = status;
      input = new Input(capture?.text ?? '');
    }
    if (this.state.options.pipefail) status = failed;
    return negate ? Number(status === 0) : status;
  }

  private *simple(cmd: Extract<Command, { type: 'simple' }>, io: Io): Exec {
    this.line = cmd.line;
    this.substStatus = 0;
    const first = cmd.words[0]?.parts;
    const doubleBracket = first?.length === 1 && first[0]?.type === 'lit' && first[0].text === '[[';
    const argv = doubleBracket ? yield* this.strings(cmd.words) : yield* this.expander.fields(cmd.words);
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns) assigns.push([a.name, yield* this.expander.string(a.value)]);
    const substStatus = this.substStatus;
    const redirected = yield* this.redirect(cmd.redirs, io);
    if (!redirected) return say.redirectErrorStatus(this.dialect);
    if (argv.length === 0) {
      for (const [n, v] of assigns) this.assign(n, v);
      return substStatus;
    }
    if (this.state.options.xtrace) io.stderr.write(`+ ${argv.join(' ')}\n`, this.now());
    return yield* this.invoke(argv, assigns, redirected);
  }

  private *strings(words: readonly Word[]): Exec<string[]> {
    const out: string[] = [];
    for (const w of words) out.push(yield* this.expander.string(w));
    return out;
  }

  /** Runs a command by name: special builtins, functions, utilities, then programs on PATH. */
  *invoke(argv: readonly string[], assigns: readonly [string, string][], io: Io): Exec {
    const name = argv[0] ?? '';
    const special = SPECIAL_BUILTINS.get(name);
    if (special) {
      for (const [n, v] of assigns) this.state.set(n, v);
      return yield* runUtility(special(argv, this, io));
    }
    const fn = this.state.functions.get(name);
    if (fn) return yield* this.callFunction(fn, argv, assigns, io);
    const env = { ...this.state.exportedEnv(), ...Object.fromEntries(assigns) };
    const status = yield* this.runCommand(argv, env, io);
    if (status !== undefined) return status;
    return this.spawnFailed(io, name, 'not-found');
  }

  private *callFunction(fn: Command, argv: readonly string[], assigns: readonly [string, string][], io: Io): Exec {
    if (this.funcDepth >= MAX_FUNCTION_DEPTH) {
      this.fatal(say.parameterError(this.dialect, this.line, argv[0] ?? '', 'maximum function nesting level exceeded'));
    }
    const saved = this.state.positional;
    const savedVars = assigns.map(([n]) => [n, this.state.vars.get(n)] as const);
    for (const [n, v] of assigns) this.state.set(n, v);
    this.state.positional = argv.slice(1);
    this.state.localFrames.push(new Map());
    this.funcDepth++;
    try {
      return yield* this.exec(fn, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.code;
      throw e;
    } finally {
      this.funcDepth--;
      this.state.positional = saved;
      for (const [n, v] of this.state.localFrames.pop() ?? []) {
        if (v === undefined) this.state.vars.delete(n);
        else this.state.vars.set(n, v);
      }
      for (const [n, v] of savedVars) {
        if (v === undefined) this.state.vars.delete(n);
        else this.state.vars.set(n, v);
      }
    }
  }

  /** Utilities and programs (what `env`, `exec` and `command` can reach); undefined when nothing has that name. */
  *runCommand(
    argv: readonly string[],
    env: Readonly<Record<string, string>>,
    io: Io,
    replace = false,
  ): Exec<number | undefined> {
    const name = argv[0] ?? '';
    const tools = this.rt.ctx.tools;
    if (name === '[[' && this.dialect.flavour === 'bash') return testCommand(argv, this.utilContext(io, env));
    const util = name.includes('/')
      ? tools.hasPath(name)
        ? UTILITIES.get(basename(name))
        : undefined
      : SHELL_BUILTIN_UTILITIES.has(name) || tools.has(name)
        ? UTILITIES.get(name)
        : undefined;
    if (util) return yield* runUtility(util(argv, this.utilContext(io, env)));
    const r = this.rt.ctx.spawn(argv, {
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin.readAll(),
      env,
      cwd: this.state.cwd,
      startMs: this.now(),
      replace,
      ...(replace ? { pid: this.rt.pid } : {}),
    });
    if (!r.ok) return r.failure === 'not-found' ? undefined : this.spawnFailed(io, name, r.failure);
    return yield { kind: 'wait', proc: r.proc };
  }

  spawnFailed(io: Io, name: string, failure: SpawnFailure): number {
    const d = this.dialect;
    switch (failure) {
      case 'not-found':
        this.complain(io, say.notFound(d, this.line, name));
        return 127;
      case 'no-such-file':
        this.complain(io, say.noSuchFile(d, this.line, name));
        return 127;
      case 'permission-denied':
        this.complain(io, say.permissionDenied(d, this.line, name));
        return 126;
      case 'is-directory':
        this.complain(io, say.isDirectory(d, this.line, name));
        return 126;
    }
  }

  utilContext(io: Io, env: Readonly<Record<string, string>>): UtilContext {
    const ctx = this.rt.ctx;
    return {
      io,
      fs: ctx.fs,
      tools: ctx.tools,
      host: ctx.host,
      localhost: ctx.localhost,
      network: ctx.network,
      env,
      cwd: this.state.cwd,
      shell: this.rt.standalone ? undefined : this.dialect.flavour,
      now: () => this.now(),
      out: (text) => io.stdout.write(text, this.now()),
      err: (text) => io.stderr.write(text, this.now()),
      complain: (name, message) =>
        this.complain(
          io,
          this.rt.standalone ? `${name}: ${message}` : say.parameterError(this.dialect, this.line, name, message),
        ),
      run: (argv, childEnv) => this.runCommand(argv, childEnv, io),
    };
  }
}
