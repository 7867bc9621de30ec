// `kubemend run` as a child process (see run-child.ts), with its JSON log lines to wait on.
import { type ChildProcess, spawn } from 'node:child_process';

const CHILD = new URL('./run-child.ts', import.meta.url).pathname;

export interface DaemonProcess {
  readonly child: ChildProcess;
  /** Resolves with the first JSON log line that `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** Every JSON log line so far, in order. */
  readonly lines: readonly Record<string, unknown>[];
}

export interface DaemonOptions {
  /** Where kubemend.yaml is read from. */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The namespace to watch (default memory-hog); null watches every namespace. */
  readonly namespace?: string | null;
}

export function startDaemon(
  kubeconfig: string,
  stateDir: string,
  mode: 'auto' | 'approve',
  options: DaemonOptions = {},
): DaemonProcess {
  const namespace = options.namespace === undefined ? 'memory-hog' : options.namespace;
  const child = spawn(
    process.execPath,
    [
      '--import',
      // Absolute, so the child finds tsx whatever its working directory.
      import.meta.resolve('tsx'),
      CHILD,
      'run',
      '--kubeconfig',
      kubeconfig,
      '--state-dir',
      stateDir,
      '--mode',
      mode,
      ...(namespace === null ? [] : ['-n', namespace]),
      '--log-format',
      'json',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    },
  );
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  let buffer = '';
  child.stderr?.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const text = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    lines,
    waitFor: (match) =>
      new Promise((resolve) => {
        const seen = lines.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
  };
}
