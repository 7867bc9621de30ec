// Connecting to a cluster the way kubectl does (--kubeconfig, $KUBECONFIG, ~/.kube/config, --context), with
// every failure a user can cause turned into a coded error with a hint instead of a stack trace.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';

export type KubeErrorCode =
  | 'KUBECONFIG_NOT_FOUND'
  | 'KUBECONFIG_INVALID'
  | 'CONTEXT_NOT_FOUND'
  | 'UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TIMEOUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID'
  | 'API_ERROR';

export interface KubeError {
  readonly code: KubeErrorCode;
  readonly message: string;
  readonly hint?: string;
  /** HTTP status when the API server answered. */
  readonly status?: number;
}

export interface Connection {
  readonly kc: k8s.KubeConfig;
  readonly context: string;
  readonly server: string;
  /** The context's namespace, or "default". */
  readonly namespace: string;
}

export type ConnectResult =
  | { readonly ok: true; readonly value: Connection }
  | { readonly ok: false; readonly error: KubeError };

export interface ConnectOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function kubeconfigPaths(opts: ConnectOptions): string[] {
  if (opts.kubeconfig) return [opts.kubeconfig];
  const env = opts.env ?? process.env;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

/** Loads a kubeconfig without touching the network. */
export function connect(opts: ConnectOptions = {}): ConnectResult {
  const paths = kubeconfigPaths(opts);
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) {
    return {
      ok: false,
      error: {
        code: 'KUBECONFIG_NOT_FOUND',
        message: `no kubeconfig found at ${paths.join(', ')}`,
        hint: 'pass --kubeconfig PATH, set KUBECONFIG, or start the simulator: kubemend sim --kubeconfig /tmp/k.yaml',
      },
    };
  }
  const kc = new k8s.KubeConfig();
  try {
    for (const p of existing) {
      const text = readFileSync(p, 'utf8');
      // Parse first so a YAML mistake is reported with its line, not as client-node's internal error.
      const doc = parseYaml(text) as unknown;
      if (typeof doc !== 'object' || doc === null)
        throw new Error('the file is not a kubeconfig (expected a YAML mapping)');
      const next = new k8s.KubeConfig();
      next.loadFromString(text);
      if (kc.getContexts().length === 0) kc.loadFromString(text);
      else kc.mergeConfig(next);
    }
  } catch (err) {
    return {
      ok: false,
      error: {
        code: 'KUBECONFIG_INVALID',
        message: `cannot read kubeconfig ${existing.join(', ')}: ${(err as Error).message.split('\n')[0]}`,
        hint: 'check the file with `kubectl config view --kubeconfig PATH`',
      },
    };
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      return {
        ok: false,
        error: {
          code: 'CONTEXT_NOT_FOUND',
          message: `context "${opts.context}" is not in the kubeconfig`,
          hint: `known contexts: ${names.join(', ') || '(none)'}`,
        },
      };
    }
    kc.setCurrentContext(opts.context);
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCurrentCluster();
  if (!ctx || !cluster) {
    return {
      ok: false,
      error: {
        code: 'KUBECONFIG_INVALID',
        message: 'the kubeconfig has no current context with a cluster',
        hint: 'set current-context, or pass --context NAME',
      },
    };
  }
  return { ok: true, value: { kc, context: ctx.name, server: cluster.server, namespace: ctx.namespace ?? 'default' } };
}

/** Maps anything client-node throws to a KubeError naming what failed (verb + resource when given). */
export function toKubeError(
  err: unknown,
  what?: { verb: string; resource: string; namespace?: string },
  server?: string,
): KubeError {
  const action = what
    ? `${what.verb} ${what.resource}${what.namespace ? ` in namespace ${what.namespace}` : ''}`
    : 'call the API server';
  if (err instanceof k8s.ApiException) {
    const status = err.code;
    let message = '';
    try {
      message = (JSON.parse(String(err.body)) as { message?: string }).message ?? '';
    } catch {
      message = String(err.body ?? '').slice(0, 300);
    }
    const base = { status, message: `cannot ${action}: ${message || `HTTP ${status}`}` };
    if (status === 401)
      return { ...base, code: 'UNAUTHORIZED', hint: 'the credentials in the kubeconfig were refused; refresh them' };
    if (status === 403)
      return {
        ...base,
        code: 'FORBIDDEN',
        hint: `grant the "${what?.verb ?? ''}" verb on "${what?.resource ?? ''}" to kubemend's identity, or narrow the scope`,
      };
    if (status === 404) return { ...base, code: 'NOT_FOUND' };
    if (status === 409) return { ...base, code: 'CONFLICT' };
    if (status === 422) return { ...base, code: 'INVALID' };
    return { ...base, code: 'API_ERROR' };
  }
  const e = err as { code?: string; cause?: { code?: string }; message?: string; name?: string };
  const code = e.code ?? e.cause?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ECONNRESET' ||
    /ECONNREFUSED|fetch failed/.test(e.message ?? '')
  )
    return {
      code: 'UNREACHABLE',
      message: `cannot reach the API server${server ? ` at ${server}` : ''} (${code ?? e.message})`,
      hint: 'is the cluster running? check the server URL with `kubectl config view --minify`',
    };
  if (e.name === 'AbortError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return {
      code: 'TIMEOUT',
      message: `the API server${server ? ` at ${server}` : ''} did not answer in time while trying to ${action}`,
    };
  return { code: 'API_ERROR', message: `cannot ${action}: ${e.message ?? String(err)}` };
}

/** One cheap request (`/version`) to tell an unreachable cluster from a working one before real work. */
export async function probe(
  conn: Connection,
  timeoutMs = 5_000,
): Promise<{ ok: true; version: string } | { ok: false; error: KubeError }> {
  const api = conn.kc.makeApiClient(k8s.VersionApi);
  const timeout = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    t.unref();
  });
  try {
    const v = await Promise.race([api.getCode(), timeout]);
    return { ok: true, version: v.gitVersion };
  } catch (err) {
    return { ok: false, error: toKubeError(err, undefined, conn.server) };
  }
}
