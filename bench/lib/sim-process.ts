// The simulator in a child process, for benches: started from bench/lib/sim-child.ts, asked for its counters
// over stdin, measured from /proc (CPU, peak RSS) so the figures are the server's alone, not its clients'.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ControllerStats } from '../../src/sim/controllers/controller.js';

export interface SimChildOptions {
  /** Run controllers, scheduler and kubelet (off: the API server alone). */
  readonly controllers?: boolean;
  readonly speed?: number;
  readonly nodes?: number;
  /** Run the child under --cpu-prof, writing its profiles here. */
  readonly profileDir?: string;
}

/** What sim-child answers to "stats": reconcile counters and its event loop's idle/busy ms since start. */
export interface SimStats {
  readonly stats: readonly ControllerStats[];
  readonly eventLoop: { readonly idle: number; readonly active: number };
}

export interface SimChild {
  readonly process: ChildProcess;
  readonly url: string;
  readonly kubeconfig: string;
  readonly pid: number;
  stats(): Promise<SimStats>;
  /** SIGTERM, resolved once the child has exited (and written its profile, if any). */
  stop(): Promise<void>;
}

export async function startSimChild(options: SimChildOptions = {}): Promise<SimChild> {
  const prof = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const env = {
    ...process.env,
    SIM_CONTROLLERS: options.controllers ? '1' : '0',
    SIM_SPEED: String(options.speed ?? 1),
    SIM_NODES: String(options.nodes ?? 3),
  };
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', new URL('./sim-child.ts', import.meta.url).pathname],
    { stdio: ['pipe', 'pipe', 'inherit'], env },
  );
  // A bench that dies (a failed request, a phase that never settles) must not leave the simulator running.
  process.once('exit', () => child.exitCode ?? child.kill('SIGKILL'));
  const asked: ((s: SimStats) => void)[] = [];
  const info = await new Promise<{ url: string; kubeconfig: string; pid: number }>((ready) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { url?: string; kubeconfig?: string; pid?: number } & Partial<SimStats>;
      if (msg.stats && msg.eventLoop) asked.shift()?.({ stats: msg.stats, eventLoop: msg.eventLoop });
      else if (msg.url) ready({ url: msg.url, kubeconfig: msg.kubeconfig ?? '', pid: msg.pid ?? 0 });
    });
  });
  return {
    process: child,
    ...info,
    stats: () =>
      new Promise((done) => {
        asked.push(done);
        child.stdin!.write('stats\n');
      }),
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** The process's peak resident set (VmHWM) in MB. */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 'NaN') / 1024;
}
