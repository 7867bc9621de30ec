// The process model inside one container: every program (a shell, nginx, stress, ...) is a Proc that can be
// run forward to a time, measured, and asked for HTTP. A container is a tree of Procs with PID 1 at the root.

import type { ImageInfo } from '../images.js';
import type { Toolset } from './toolset.js';
import type { ContainerNetwork } from './types.js';
import type { Vfs } from './vfs.js';

/** Where a process writes; `atMs` is when (container time). */
export interface TextSink {
  write(text: string, atMs: number): void;
}

export type ProcStatus =
  | { readonly state: 'running' }
  | {
      readonly state: 'exited';
      readonly code: number;
      readonly atMs: number;
      readonly reason?: string;
      readonly message?: string;
    };

export const RUNNING: ProcStatus = { state: 'running' };

export interface HttpRequest {
  readonly port: number;
  readonly path: string;
  readonly userAgent: string;
  readonly remoteAddr: string;
  readonly host: string;
  readonly atMs: number;
}

export type HttpResponse =
  | { readonly status: number; readonly body: string }
  /** A non-HTTP server (redis, postgres) answered: what Go's HTTP client reports about the reply. */
  | { readonly protocolError: string };

export interface Proc {
  /** Runs until `t` or until it exits, whichever comes first. Calling again with an earlier `t` changes nothing. */
  runUntil(t: number): ProcStatus;
  memoryBytes(t: number): number;
  cpuMillis(t: number): number;
  /** Whether this process (or a child) accepts connections on `port` at `t`. */
  listens(port: number, t: number): boolean;
  /** Answers a request on a port it listens on; undefined when it does not listen there. */
  serve(req: HttpRequest): HttpResponse | undefined;
}

/** The container's own loopback interface, for `wget localhost`, `redis-cli ping` and friends. */
export interface Localhost {
  listens(port: number, atMs: number): boolean;
  /** undefined: connection refused. */
  httpGet(port: number, path: string, atMs: number, userAgent: string): HttpResponse | undefined;
}

/** Facts about the pod and container that programs print or size themselves by. */
export interface HostInfo {
  readonly hostname: string;
  readonly podIp: string;
  readonly containerName: string;
  readonly declaredPorts: readonly number[];
  readonly memoryRequestBytes: number | undefined;
  readonly memoryLimitBytes: number | undefined;
  readonly cpuRequestMillis: number | undefined;
  /** Epoch ms of container time 0. */
  readonly epochMs: number;
}

export interface SpawnIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: string;
  /** Standard input never reaches end of file (the container's `stdin: true`); only PID 1 gets it. */
  readonly stdinOpen?: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Container time at which the process starts. */
  readonly startMs: number;
  /** It replaces its caller (PID 1, `exec`): a program the model cannot know then runs as the app, not a no-op. */
  readonly replace?: boolean;
  /** With `replace` from a shell's `exec`: the PID it keeps. */
  readonly pid?: number;
}

export type SpawnFailure = 'not-found' | 'no-such-file' | 'permission-denied' | 'is-directory';

export type SpawnResult = { ok: true; proc: Proc } | { ok: false; failure: SpawnFailure };

export interface ProcContext {
  readonly image: ImageInfo;
  readonly tools: Toolset;
  readonly fs: Vfs;
  readonly host: HostInfo;
  readonly localhost: Localhost;
  readonly network: ContainerNetwork | undefined;
  /** A fresh PID for a new process. */
  nextPid(): number;
  /** A daemon that forked away from its parent: it lives on in the container until the container ends. */
  adopt(proc: Proc): void;
  /** Starts a program by argv (PATH lookup, scripts, known programs); never prints — the caller words failures. */
  spawn(argv: readonly string[], io: SpawnIo): SpawnResult;
}
