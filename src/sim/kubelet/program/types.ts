// The contract between the simulated kubelet (which owns time, limits, restarts and probes) and the program model
// (which says what a container does). Times are milliseconds since the container started.

import type { ImageInfo } from '../images.js';

/** What other workloads look like from inside the pod; without it only localhost answers. */
export interface ContainerNetwork {
  /** DNS as the pod's resolver sees it: the address for a Service/pod name, undefined for NXDOMAIN. */
  resolve(host: string): string | undefined;
  /** An HTTP GET to another workload. */
  httpGet(host: string, port: number, path: string): HttpResult;
}

export interface ContainerMount {
  /** A directory volume mount: the image's files below it are hidden, as on a real node. */
  readonly path: string;
  readonly readOnly?: boolean;
}

export interface ContainerInput {
  readonly name: string;
  readonly image: ImageInfo;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** The container's resolved environment (env + envFrom), before `$(VAR)` expansion of command/args. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path -> content, from mounted ConfigMaps/Secrets/projected volumes. Read-only. */
  readonly files: Readonly<Record<string, string>>;
  /** Absolute path -> mode (e.g. 0o755); a mounted file defaults to 0o644 (not executable), as in Kubernetes. */
  readonly fileModes?: Readonly<Record<string, number>>;
  readonly mounts?: readonly ContainerMount[];
  readonly memoryLimitBytes?: number;
  readonly memoryRequestBytes?: number;
  readonly cpuRequestMillis?: number;
  /** CPU usage is capped here (CFS throttling). */
  readonly cpuLimitMillis?: number;
  /** Pod annotations; see annotations.ts for the documented `sim.kubemend.io/*` keys. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Declared containerPorts; an image the model does not know serves these. */
  readonly ports: readonly number[];
  /** Wall-clock time (epoch ms, simulated clock) of the start, for timestamps in log lines and `date`. */
  readonly startedAtMs?: number;
  /** The pod's hostname (its name); defaults to env HOSTNAME, then the container name. */
  readonly hostname?: string;
  /** The pod IP, shown by servers that print it. */
  readonly podIp?: string;
  readonly network?: ContainerNetwork;
  /** The container's workingDir (the image's WORKDIR is not modelled): the start directory, created if missing. */
  readonly workingDir?: string;
  /**
   * `stdin: true` in the spec: standard input stays open, so a shell or REPL started without a script waits on it
   * forever instead of exiting at end of input.
   */
  readonly stdin?: boolean;
}

export type HttpResult =
  | {
      status: number;
      body?: string;
      /**
       * Set when something answered that is not HTTP (an HTTP probe on redis's or postgres's port): what Go's
       * HTTP client reports; `status` is then 0 and a probe fails with this text.
       */
      error?: string;
    }
  | { refused: true };

export interface HttpOptions {
  /** `kube-probe/1.32` for probes. */
  readonly userAgent?: string;
  /** The client address servers log; the node's address for probes. */
  readonly remoteAddr?: string;
  /** The Host header; defaults to `<podIp>:<port>` as kubelet sends it. */
  readonly host?: string;
}

export interface ExecResult {
  readonly exitCode: number;
  /** stdout and stderr interleaved, as a probe or `kubectl exec` sees them. */
  readonly output: string;
  /** Simulated time the command took; Infinity when it did not finish within 10 minutes. */
  readonly durationMs: number;
}

export type ProgramEvent =
  | { type: 'log'; stream: 'stdout' | 'stderr'; line: string; atMs: number }
  | {
      type: 'exit';
      code: number;
      atMs: number;
      /** `Completed` (0), `Error` (non-zero) or `StartError` (the runtime could not start it: code 128). */
      reason?: string;
      /** For StartError: the runtime's message, which kubelet puts in `terminated.message` and the Failed event. */
      message?: string;
    };

export interface RunningProgram {
  /** Advance simulated time to `ms` since container start; returns what happened in (prev, ms]. Deterministic. */
  advance(ms: number): ProgramEvent[];
  /** Resident memory at that time; kubelet compares it with the limit (OOMKilled, exit 137). 0 once exited. */
  memoryBytes(ms: number): number;
  /** CPU usage in millicores at that time (capped by the CPU limit), for metrics and HPA. */
  cpuMillis(ms: number): number;
  /** A request at the current time (the last `advance`); servers log access lines, returned by the next advance. */
  httpGet(port: number, path: string, opts?: HttpOptions): HttpResult;
  tcpOpen(port: number): boolean;
  /** Runs a command inside the container at the current time (exec probes, `kubectl exec`). */
  exec(command: readonly string[]): ExecResult;
}
