// What `ask` and `chat` share: the cluster connection, the team's tools, and how a tool call is shown to a
// person (`→ kubectl get pods -n shop`).

import { type Connection, connect, probe } from '../kube/connect.js';
import type { ToolCall } from '../llm/chat-model.js';
import type { Approver, AuditEntry } from '../tools/executor.js';
import { kubectlTool } from '../tools/kubectl-tool.js';
import type { Tool } from '../tools/tool.js';
import { webSearchTool } from '../tools/web-search-tool.js';
import { runbookTool } from './runbooks.js';
import { createToolHost, type ToolHost } from './tool-host.js';
import { diagnoseTool } from './tools/diagnose-tool.js';
import { validateFixTool } from './tools/validate-fix-tool.js';

export interface ClusterFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

export type SessionError = { readonly message: string; readonly hint?: string };

export async function openCluster(
  flags: ClusterFlags,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; conn: Connection } | { ok: false; error: SessionError }> {
  const c = connect({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    env,
  });
  if (!c.ok) return { ok: false, error: c.error };
  const reachable = await probe(c.value);
  if (!reachable.ok) return { ok: false, error: reachable.error };
  // -n narrows everything the agents do by default, like kubectl's -n.
  const conn = flags.namespace ? { ...c.value, namespace: flags.namespace } : c.value;
  return { ok: true, conn };
}

export function teamTools(conn: Connection, flags: ClusterFlags, env: NodeJS.ProcessEnv): Tool[] {
  return [
    diagnoseTool(conn) as unknown as Tool,
    runbookTool() as unknown as Tool,
    validateFixTool(conn) as unknown as Tool,
    kubectlTool({
      ...((flags.kubeconfig ?? env.KUBECONFIG) ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
      context: conn.context,
      defaultNamespace: conn.namespace,
    }) as unknown as Tool,
    ...(env.TAVILY_API_KEY
      ? [
          webSearchTool({
            apiKey: env.TAVILY_API_KEY,
            ...(env.TAVILY_BASE_URL ? { baseUrl: env.TAVILY_BASE_URL } : {}),
          }) as unknown as Tool,
        ]
      : []),
  ];
}

export function teamHost(
  conn: Connection,
  flags: ClusterFlags,
  env: NodeJS.ProcessEnv,
  approver?: Approver,
  audit?: (e: AuditEntry) => void,
): ToolHost {
  return createToolHost(teamTools(conn, flags, env), {
    ...(approver ? { approver } : {}),
    ...(audit ? { audit } : {}),
  });
}

function argsOf(call: ToolCall): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(call.arguments);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One short line per tool call, as a person would type it. */
export function showCall(call: ToolCall): string {
  const a = argsOf(call);
  if (call.name === 'kubectl' && typeof a.command === 'string')
    return `→ ${a.command.startsWith('kubectl') ? a.command : `kubectl ${a.command}`}`;
  if (call.name === 'diagnose')
    return `→ diagnose ${[a.kind, a.name].filter(Boolean).join(' ') || 'namespace'}${a.namespace ? ` -n ${String(a.namespace)}` : ''}`;
  if (call.name === 'validate_fix') return '→ validate fix (server-side dry-run)';
  const flat = Object.entries(a)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `→ ${call.name}${flat ? ` ${flat}` : ''}`.slice(0, 160);
}
