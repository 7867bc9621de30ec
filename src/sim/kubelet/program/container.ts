// One container's program: PID 1 started from the image's ENTRYPOINT/CMD and the spec's command/args, run on
// the kubelet's clock. Collects its output as log lines, applies the documented annotation overrides, and
// answers probes and `exec` at the time of the last `advance`.

import { type ProgramOverrides, parseOverrides } from './annotations.js';
import { containerArgv } from './argv.js';
import { DEFAULT_EPOCH_MS } from './clock-format.js';
import { containerFs } from './container-fs.js';
import { createSpawner } from './launch.js';
import type {
  HostInfo,
  HttpRequest,
  HttpResponse,
  Localhost,
  Proc,
  ProcContext,
  SpawnFailure,
  TextSink,
} from './proc.js';
import { toolsetFor } from './toolset.js';
import type { ContainerInput, ExecResult, HttpOptions, HttpResult, ProgramEvent, RunningProgram } from './types.js';

/** An exec that has not finished after this much simulated time counts as never finishing. */
const EXEC_LIMIT_MS = 10 * 60_000;
const RUNC =
  'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process';

/** Splits a stream into log lines; a partial line waits for its newline (or the exit). */
class LineSink implements TextSink {
  private partial = '';

  constructor(
    private readonly stream: 'stdout' | 'stderr',
    private readonly emit: (e: ProgramEvent) => void,
  ) {}

  write(text: string, atMs: number): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.emit({ type: 'log', stream: this.stream, line, atMs });
  }

  flush(atMs: number): void {
    if (this.partial !== '') this.emit({ type: 'log', stream: this.stream, line: this.partial, atMs });
    this.partial = '';
  }
}

class Collector implements TextSink {
  text = '';
  write(text: string): void {
    this.text += text;
  }
}

function startError(failure: SpawnFailure, arg0: string): string {
  switch (failure) {
    case 'not-found':
      return `${RUNC}: exec: "${arg0}": executable file not found in $PATH: unknown`;
    case 'no-such-file':
      return `${RUNC}: exec: "${arg0}": stat ${arg0}: no such file or directory: unknown`;
    case 'permission-denied':
      return `${RUNC}: exec: "${arg0}": permission denied: unknown`;
    case 'is-directory':
      return `${RUNC}: exec: "${arg0}": is a directory: unknown`;
  }
}

class Container implements RunningProgram {
  private readonly events: ProgramEvent[] = [];
  private readonly stdout: LineSink;
  private readonly stderr: LineSink;
  private readonly overrides: ProgramOverrides;
  private readonly ctx: ProcContext;
  private readonly env: Record<string, string>;
  private readonly cpuLimit: number | undefined;
  private readonly cwd: string;
  private root: Proc | undefined;
  private readonly daemons: Proc[] = [];
  private ranTo = -1;
  private observedMs = 0;
  private exitedAt: number | undefined;
  private pids = 0;

  constructor(input: ContainerInput) {
    const push = (e: ProgramEvent): void => {
      this.events.push(e);
    };
    this.stdout = new LineSink('stdout', push);
    this.stderr = new LineSink('stderr', push);
    this.overrides = parseOverrides(input.annotations, input.name);
    this.cpuLimit = input.cpuLimitMillis;
    const image = input.image;
    const hostname = input.hostname ?? input.env.HOSTNAME ?? input.name;
    const podIp = input.podIp ?? '10.244.0.10';
    this.env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ...image.env,
      HOSTNAME: hostname,
      HOME: '/root',
      ...input.env,
    };
    const host: HostInfo = {
      hostname,
      podIp,
      containerName: input.name,
      declaredPorts: input.ports,
      memoryRequestBytes: input.memoryRequestBytes,
      memoryLimitBytes: input.memoryLimitBytes,
      cpuRequestMillis: input.cpuRequestMillis,
      epochMs: input.startedAtMs ?? DEFAULT_EPOCH_MS,
    };
    const localhost: Localhost = {
      listens: (port, atMs) => this.accepting(port, atMs),
      httpGet: (port, path, atMs, userAgent) =>
        this.accepting(port, atMs)
          ? this.serve({ port, path, userAgent, remoteAddr: '127.0.0.1', host: `localhost:${port}`, atMs })
          : undefined,
    };
    const ctx: ProcContext = {
      image,
      tools: toolsetFor(image),
      fs: containerFs(input, hostname, podIp),
      host,
      localhost,
      network: input.network,
      nextPid: () => ++this.pids,
      adopt: (proc) => {
        this.daemons.push(proc);
      },
      spawn: createSpawner(() => ctx),
    };
    this.ctx = ctx;
    this.cwd = input.workingDir ?? '/';
    ctx.fs.addDir(this.cwd);
    const argv = containerArgv(image, input.command, input.args, this.env);
    if (argv.length === 0 && image.behaviour === 'generic') argv.push('/app');
    const r = ctx.spawn(argv, {
      stdout: this.stdout,
      stderr: this.stderr,
      stdin: '',
      stdinOpen: input.stdin === true,
      env: this.env,
      cwd: this.cwd,
      startMs: 0,
      replace: true,
    });
    if (r.ok) this.root = r.proc;
    else this.finish({ code: 128, atMs: 0, reason: 'StartError', message: startError(r.failure, argv[0] ?? '') });
  }

  /** Every process of the container: PID 1 (with its children) and the daemons it left behind. */
  private procs(): Proc[] {
    return this.root ? [this.root, ...this.daemons] : [];
  }

  private accepting(port: number, atMs: number): boolean {
    if (this.exitedAt !== undefined) return false;
    if (this.overrides.startupMs !== undefined && atMs < this.overrides.startupMs) return false;
    return this.procs().some((p) => p.listens(port, atMs));
  }

  private serve(req: HttpRequest): HttpResponse | undefined {
    for (const p of this.procs()) {
      const res = p.serve(req);
      if (res) return res;
    }
    return undefined;
  }

  private finish(exit: { code: number; atMs: number; reason?: string; message?: string }): void {
    this.stdout.flush(exit.atMs);
    this.stderr.flush(exit.atMs);
    const reason = exit.reason ?? (exit.code === 0 ? 'Completed' : 'Error');
    this.events.push({
      type: 'exit',
      code: exit.code,
      atMs: exit.atMs,
      reason,
      ...(exit.message ? { message: exit.message } : {}),
    });
    this.exitedAt = exit.atMs;
  }

  /** Runs the process tree to `t` (kubelet may look ahead with memoryBytes before it advances). */
  private runTo(t: number): void {
    if (this.exitedAt !== undefined || t <= this.ranTo || !this.root) return;
    const deadline = this.overrides.exitAfterMs;
    const until = deadline !== undefined ? Math.min(t, deadline) : t;
    const status = this.root.runUntil(until);
    for (const d of this.daemons) d.runUntil(status.state === 'exited' ? status.atMs : until);
    this.ranTo = t;
    if (status.state === 'exited') this.finish(status);
    else if (deadline !== undefined && deadline <= t) this.finish({ code: this.overrides.exitCode, atMs: deadline });
  }

  advance(ms: number): ProgramEvent[] {
    this.runTo(ms);
    this.observedMs = Math.max(this.observedMs, ms);
    this.events.sort((a, b) => a.atMs - b.atMs);
    const due = this.events.filter((e) => e.atMs <= ms);
    this.events.splice(0, due.length);
    return due;
  }

  memoryBytes(ms: number): number {
    this.runTo(ms);
    if (!this.root || (this.exitedAt !== undefined && ms >= this.exitedAt)) return 0;
    const base = this.overrides.memoryBytes ?? this.procs().reduce((sum, p) => sum + p.memoryBytes(ms), 0);
    return Math.round(base + (this.overrides.leakBytesPerMs ?? 0) * Math.max(0, ms));
  }

  cpuMillis(ms: number): number {
    this.runTo(ms);
    if (!this.root || (this.exitedAt !== undefined && ms >= this.exitedAt)) return 0;
    const used = this.overrides.cpuMillis ?? this.procs().reduce((sum, p) => sum + p.cpuMillis(ms), 0);
    return this.cpuLimit !== undefined ? Math.min(used, this.cpuLimit) : used;
  }

  httpGet(port: number, path: string, opts: HttpOptions = {}): HttpResult {
    const t = this.observedMs;
    if (!this.root || !this.accepting(port, t)) return { refused: true };
    const o = this.overrides;
    // A hung or failing app (annotations) answers without its server's own logging.
    if (o.unhealthyAfterMs !== undefined && t >= o.unhealthyAfterMs) return { status: 500, body: '' };
    if (o.httpStatus !== undefined) return { status: o.httpStatus, body: '' };
    const res = this.serve({
      port,
      path,
      userAgent: opts.userAgent ?? 'kube-probe/1.32',
      remoteAddr: opts.remoteAddr ?? '10.244.0.1',
      host: opts.host ?? `${this.ctx.host.podIp}:${port}`,
      atMs: t,
    });
    if (!res) return { refused: true };
    return 'protocolError' in res ? { status: 0, error: res.protocolError } : { status: res.status, body: res.body };
  }

  tcpOpen(port: number): boolean {
    return this.accepting(port, this.observedMs);
  }

  exec(command: readonly string[]): ExecResult {
    const t = this.observedMs;
    if (this.exitedAt !== undefined || !this.root) {
      return {
        exitCode: 126,
        output: 'rpc error: code = NotFound desc = failed to exec in container: container is in CONTAINER_EXITED state',
        durationMs: 0,
      };
    }
    const out = new Collector();
    const r = this.ctx.spawn(command, {
      stdout: out,
      stderr: out,
      stdin: '',
      env: this.env,
      cwd: this.cwd,
      startMs: t,
    });
    if (!r.ok) {
      const why = r.failure === 'not-found' ? 'executable file not found in $PATH' : 'no such file or directory';
      return {
        exitCode: 126,
        output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0] ?? ''}": ${why}: unknown`,
        durationMs: 0,
      };
    }
    const status = r.proc.runUntil(t + EXEC_LIMIT_MS);
    if (status.state === 'running') return { exitCode: 1, output: out.text, durationMs: Number.POSITIVE_INFINITY };
    return { exitCode: status.code, output: out.text, durationMs: status.atMs - t };
  }
}

/** Starts a container's program (PID 1). Deterministic: the same input gives the same behaviour. */
export function startProgram(input: ContainerInput): RunningProgram {
  return new Container(input);
}
