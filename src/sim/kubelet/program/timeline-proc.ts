// The skeleton every non-shell program shares: log lines at known offsets, an optional exit, a memory and CPU
// curve, and optionally a server that accepts connections from some offset on. Programs differ only in the spec.

import type { HttpRequest, HttpResponse, Proc, ProcStatus, TextSink } from './proc.js';
import { RUNNING } from './proc.js';

export interface TimedLine {
  /** Offset from the program's start. */
  readonly atMs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface ServerSpec {
  readonly ports: readonly number[];
  /** Offset from start at which the ports accept connections. */
  readonly readyAtMs: number;
  /** Handles a request (and may log it); the request's `atMs` is container time. */
  handle(req: HttpRequest): HttpResponse;
}

export interface TimelineSpec {
  readonly lines: readonly TimedLine[];
  readonly exit?: { readonly atMs: number; readonly code: number };
  /** Resident memory at an offset from start. */
  memory(offsetMs: number): number;
  cpu(offsetMs: number): number;
  readonly server?: ServerSpec;
}

export interface ProgramIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly startMs: number;
}

export class TimelineProc implements Proc {
  private next = 0;
  private status: ProcStatus = RUNNING;
  private readonly lines: readonly TimedLine[];

  constructor(
    private readonly spec: TimelineSpec,
    private readonly io: ProgramIo,
  ) {
    const cutoff = spec.exit?.atMs ?? Number.POSITIVE_INFINITY;
    this.lines = [...spec.lines].filter((l) => l.atMs <= cutoff).sort((a, b) => a.atMs - b.atMs);
  }

  runUntil(t: number): ProcStatus {
    if (this.status.state === 'exited') return this.status;
    const start = this.io.startMs;
    for (let line = this.lines[this.next]; line && start + line.atMs <= t; line = this.lines[this.next]) {
      (line.stream === 'stdout' ? this.io.stdout : this.io.stderr).write(`${line.text}\n`, start + line.atMs);
      this.next++;
    }
    const exit = this.spec.exit;
    if (exit && start + exit.atMs <= t) this.status = { state: 'exited', code: exit.code, atMs: start + exit.atMs };
    return this.status;
  }

  private alive(t: number): boolean {
    const exit = this.spec.exit;
    return t >= this.io.startMs && !(exit && t >= this.io.startMs + exit.atMs) && this.status.state === 'running';
  }

  memoryBytes(t: number): number {
    return this.alive(t) ? this.spec.memory(t - this.io.startMs) : 0;
  }

  cpuMillis(t: number): number {
    return this.alive(t) ? this.spec.cpu(t - this.io.startMs) : 0;
  }

  listens(port: number, t: number): boolean {
    const server = this.spec.server;
    return !!server && this.alive(t) && server.ports.includes(port) && t >= this.io.startMs + server.readyAtMs;
  }

  serve(req: HttpRequest): HttpResponse | undefined {
    return this.listens(req.port, req.atMs) ? this.spec.server?.handle(req) : undefined;
  }
}

/** A constant curve. */
export const flat =
  (value: number) =>
  (_offsetMs: number): number =>
    value;

/** A program that prints some lines and exits at once (`redis-cli ping`, an entrypoint's error). */
export function oneShot(io: ProgramIo, code: number, lines: readonly Omit<TimedLine, 'atMs'>[]): TimelineProc {
  return new TimelineProc(
    { lines: lines.map((l) => ({ ...l, atMs: 0 })), exit: { atMs: 0, code }, memory: flat(1024 * 1024), cpu: flat(0) },
    io,
  );
}

/**
 * A server started without staying in the foreground (`nginx` without `daemon off;`, `httpd` without -D
 * FOREGROUND): the started process exits 0 once the daemon is up, and the daemon keeps serving in the container.
 */
export function forkedServer(adopt: (proc: Proc) => void, spec: TimelineSpec, io: ProgramIo, forkAtMs: number): Proc {
  adopt(new TimelineProc({ ...spec, lines: [] }, io));
  return new TimelineProc(
    { lines: spec.lines, exit: { atMs: forkAtMs, code: 0 }, memory: flat(1024 * 1024), cpu: flat(0) },
    io,
  );
}
