// Runs the real kubectl against a simulator with an isolated discovery cache, so one test's resource list
// never leaks into another (reference §0).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Kubectl {
  run(args: readonly string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`) and returns a handle to read its output and stop it. */
  start(args: readonly string[]): { output(): string; stop(): Promise<KubectlResult> };
  cleanup(): void;
}

export function kubectlFor(kubeconfigPath: string): Kubectl {
  const home = mkdtempSync(join(tmpdir(), 'kubemend-kubectl-'));
  const base = ['--kubeconfig', kubeconfigPath, '--cache-dir', join(home, 'cache'), '--request-timeout', '20s'];
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfigPath };
  return {
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn('kubectl', [...base, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        child.stdin.end(opts.stdin ?? '');
      });
    },
    start(args) {
      const child = spawn('kubectl', [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const closed = new Promise<KubectlResult>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr })),
      );
      return {
        output: () => stdout,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return closed;
        },
      };
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or the deadline passes (for output of streaming commands). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
