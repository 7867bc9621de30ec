// Kaia's `call_kubectl`, made safe: the command is parsed (never given to a shell), classified so the executor
// can apply the policy, pinned to the configured kubeconfig and context, and its output compacted and redacted.

import { execFile } from 'node:child_process';
import { z } from 'zod';
import { parseKubectlCommand } from './kubectl-command.js';
import { capText, compactKubectlOutput, DEFAULT_MAX_CHARS, redact } from './output.js';
import type { Tool, ToolResult } from './tool.js';

export interface KubectlToolOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** The namespace a command without -n acts in (the context's namespace), for the deny-list. */
  readonly defaultNamespace?: string;
  /** The kubectl binary; default `kubectl` on PATH. */
  readonly binary?: string;
  readonly timeoutMs?: number;
  readonly maxChars?: number;
  /** Extra environment, e.g. an isolated HOME for kubectl's discovery cache. */
  readonly env?: NodeJS.ProcessEnv;
}

const parameters = z.object({
  command: z
    .string()
    .min(1)
    .describe(
      'One kubectl command, e.g. "get pods -n shop -l app=web". No pipes, no shell; the leading "kubectl" is optional.',
    ),
});

type Args = z.infer<typeof parameters>;

interface ExecOutcome {
  readonly code: number | string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

function run(
  binary: string,
  argv: readonly string[],
  options: KubectlToolOptions,
  signal?: AbortSignal,
): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      [...argv],
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, ...options.env },
        ...(signal ? { signal } : {}),
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        resolve({
          code: e ? (e.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          killed: e?.killed === true,
        });
      },
    );
    // Nothing may wait for input: `exec -i` or `apply -f -` get an immediate end of file.
    child.stdin?.end();
  });
}

export function kubectlTool(options: KubectlToolOptions = {}): Tool<typeof parameters> {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  return {
    name: 'kubectl',
    description:
      'Run one kubectl command against the cluster (read commands run directly; changes need approval). Prefer narrow queries: -n NAMESPACE, -l SELECTOR, --tail N.',
    parameters,
    effect: 'unknown',
    dryRunSafe: true,
    effectOf: (args: Args) => {
      const c = parseKubectlCommand(args.command);
      // A command that will be refused anyway is "read": the refusal comes from run() with the precise reason.
      return c.ok ? c.effect : 'read';
    },
    namespaceOf: (args: Args) => {
      const c = parseKubectlCommand(args.command);
      return c.ok ? (c.namespace ?? options.defaultNamespace ?? 'default') : undefined;
    },
    async run(args: Args, ctx): Promise<ToolResult> {
      const c = parseKubectlCommand(args.command);
      if (!c.ok)
        return {
          ok: false,
          isError: true,
          code: c.code === 'REFUSED' ? 'REFUSED_BY_POLICY' : 'INVALID_ARGUMENTS',
          message: c.message,
        };
      const argv = [...c.args];
      if (ctx.dryRun && c.effect !== 'read') {
        if (!c.dryRunnable)
          return {
            ok: false,
            isError: true,
            code: 'REFUSED_BY_POLICY',
            message: `kubectl ${c.verb} has no server-side dry-run, and this run may only preview changes`,
          };
        argv.push('--dry-run=server');
      }
      const pinned = [
        ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
        ...(options.context ? ['--context', options.context] : []),
      ];
      // Pinned flags go before the verb so a trailing `--` in the model's command cannot swallow them.
      const out = await run(options.binary ?? 'kubectl', [...pinned, ...argv], options, ctx.signal);
      if (out.killed)
        return {
          ok: false,
          isError: true,
          code: 'TIMEOUT',
          message: `kubectl ${c.verb} did not finish in time; narrow it (-n, -l, --tail) or avoid watching (-w)`,
        };
      if (out.code !== 0) {
        const message = redact((out.stderr || out.stdout).trim()) || `kubectl exited with ${out.code}`;
        const code = /NotFound|not found/.test(message) ? 'NOT_FOUND' : 'CLUSTER_ERROR';
        return { ok: false, isError: true, code, message: capText(message, { maxChars }).content };
      }
      const capped = capText(compactKubectlOutput(out.stdout) || '(no output)', {
        maxChars,
        keep: c.verb === 'logs' ? 'tail' : 'head',
        narrow:
          c.verb === 'logs'
            ? 'use --tail N, --since 10m or -c CONTAINER'
            : 'add -n NAMESPACE, -l LABEL=VALUE, a resource name, or -o custom-columns',
      });
      return { ok: true, content: capped.content, ...(capped.truncated ? { truncated: true } : {}) };
    },
  };
}
