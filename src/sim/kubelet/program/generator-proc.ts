// A process whose behaviour is a generator that yields sleeps (the python/node mini-interpreters): the driver
// moves its clock, and the script can start listening or buffer its stdout the way those runtimes do.

import type { Exec } from '../shell/io.js';
import type { HttpRequest, HttpResponse, Proc, ProcStatus, TextSink } from './proc.js';
import { RUNNING } from './proc.js';

export interface ScriptHost {
  /** Current time (container ms). */
  now(): number;
  /** Starts serving `ports` with `handle` from now on. */
  listen(ports: readonly number[], handle: (req: HttpRequest) => HttpResponse): void;
  /** Switches the resident memory estimate from now on. */
  setMemory(bytes: number): void;
  /** Writes to stdout, held back until a flush or exit when the runtime buffers a pipe (python does). */
  out(text: string): void;
  err(text: string): void;
  flush(): void;
}

export interface GeneratorProcOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly startMs: number;
  readonly memoryBytes: number;
  readonly cpuMillis: number;
  /** Hold stdout until flush/exit (python without -u / PYTHONUNBUFFERED); lost if the process is killed. */
  readonly bufferStdout: boolean;
}

const PIPE_BUFFER = 8192;

export class GeneratorProc implements Proc {
  private readonly clock: { now: number };
  private readonly gen: Exec;
  private wakeAt: number | undefined;
  private status: ProcStatus = RUNNING;
  private server: { ports: readonly number[]; since: number; handle: (req: HttpRequest) => HttpResponse } | undefined;
  private memory: number;
  private held = '';

  constructor(
    body: (host: ScriptHost) => Exec,
    private readonly opts: GeneratorProcOptions,
  ) {
    this.clock = { now: opts.startMs };
    this.memory = opts.memoryBytes;
    this.gen = body({
      now: () => this.clock.now,
      listen: (ports, handle) => {
        this.server = { ports, since: this.clock.now, handle };
      },
      setMemory: (bytes) => {
        this.memory = bytes;
      },
      out: (text) => {
        if (!opts.bufferStdout) return opts.stdout.write(text, this.clock.now);
        this.held += text;
        if (this.held.length >= PIPE_BUFFER) this.flush();
      },
      err: (text) => opts.stderr.write(text, this.clock.now),
      flush: () => this.flush(),
    });
  }

  private flush(): void {
    if (this.held) this.opts.stdout.write(this.held, this.clock.now);
    this.held = '';
  }

  runUntil(t: number): ProcStatus {
    while (this.status.state === 'running') {
      if (this.wakeAt !== undefined) {
        if (this.wakeAt > t) break;
        this.clock.now = this.wakeAt;
        this.wakeAt = undefined;
      }
      const step = this.gen.next(0);
      if (step.done) {
        this.flush();
        this.status = { state: 'exited', code: step.value & 255, atMs: this.clock.now };
        break;
      }
      this.wakeAt = this.clock.now + (step.value.kind === 'sleep' ? step.value.ms : Number.POSITIVE_INFINITY);
    }
    return this.status;
  }

  memoryBytes(t: number): number {
    return this.status.state === 'running' && t >= this.opts.startMs ? this.memory : 0;
  }

  cpuMillis(t: number): number {
    return this.status.state === 'running' && t >= this.opts.startMs ? this.opts.cpuMillis : 0;
  }

  listens(port: number, t: number): boolean {
    return (
      this.status.state === 'running' && !!this.server && this.server.ports.includes(port) && t >= this.server.since
    );
  }

  serve(req: HttpRequest): HttpResponse | undefined {
    return this.listens(req.port, req.atMs) ? this.server?.handle(req) : undefined;
  }
}
