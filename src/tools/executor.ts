// The action policy, enforced where tools run rather than asked for in a prompt: reads run; writes need a
// person's yes; destructive calls need both a flag and a person; unknown is treated as destructive; protected
// namespaces are off limits to anything but reads; a call repeated verbatim is refused. Every decision is
// audited, and every refusal is returned to the model as the tool's result so it can change course.

import type { ToolRegistry } from './registry.js';
import type { Tool, ToolContext, ToolEffect, ToolErrorCode, ToolResult } from './tool.js';

export type ApprovalAnswer = 'yes' | 'no' | 'always';

export interface ApprovalRequest {
  readonly tool: string;
  readonly args: unknown;
  readonly effect: ToolEffect;
  /** One line a person can judge, e.g. `kubectl scale deploy/web --replicas=3 (namespace shop)`. */
  readonly summary: string;
}

export interface Approver {
  ask(request: ApprovalRequest): Promise<ApprovalAnswer>;
}

export type AuditDecision =
  | 'ran'
  | 'approved'
  | 'approved-always'
  | 'dry-run'
  | 'denied-by-user'
  | 'refused'
  | 'invalid'
  | 'duplicate'
  | 'unknown-tool';

export interface AuditEntry {
  readonly at: Date;
  readonly tool: string;
  /** Parsed arguments when they parsed, else the raw text. */
  readonly args: unknown;
  readonly effect?: ToolEffect;
  readonly namespace?: string;
  readonly decision: AuditDecision;
  readonly reason?: string;
  /** Set once the tool ran. */
  readonly result?: { readonly ok: boolean; readonly code?: ToolErrorCode };
}

export interface ExecutorOptions {
  readonly approver?: Approver;
  /** Destructive (and unknown) calls are refused unless this is set — and then a person must still confirm. */
  readonly allowDestructive?: boolean;
  /** Namespaces no write may touch; default ['kube-system']. A tool's namespace '*' (all) matches any of them. */
  readonly deniedNamespaces?: readonly string[];
  /** Refuse a call identical (tool + arguments + dry-run) to an earlier one in this run; default true. */
  readonly refuseDuplicates?: boolean;
  readonly audit?: (entry: AuditEntry) => void;
  readonly now?: () => Date;
}

export const DEFAULT_DENIED_NAMESPACES: readonly string[] = ['kube-system'];

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same call. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function failure(code: ToolErrorCode, message: string): ToolResult {
  return { ok: false, isError: true, code, message };
}

type Gate =
  | { readonly pass: true; readonly decision: AuditDecision }
  | { readonly pass: false; readonly decision: AuditDecision; readonly result: ToolResult };

export class ToolExecutor {
  readonly #registry: ToolRegistry;
  readonly #options: ExecutorOptions;
  readonly #denied: readonly string[];
  readonly #seen = new Set<string>();
  readonly #alwaysApproved = new Set<string>();

  constructor(registry: ToolRegistry, options: ExecutorOptions = {}) {
    this.#registry = registry;
    this.#options = options;
    this.#denied = options.deniedNamespaces ?? DEFAULT_DENIED_NAMESPACES;
  }

  /** Starts a new run: duplicates are judged per run; "always" approvals last for the session. */
  resetRun(): void {
    this.#seen.clear();
  }

  async call(name: string, rawArgs: string, ctx: ToolContext = {}): Promise<ToolResult> {
    const tool = this.#registry.get(name);
    if (!tool) {
      const known = this.#registry
        .list()
        .map((t) => t.name)
        .join(', ');
      this.#audit({ tool: name, args: rawArgs, decision: 'unknown-tool' });
      return failure('NOT_FOUND', `there is no tool "${name}"; available tools: ${known}`);
    }
    let json: unknown;
    try {
      json = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch (err) {
      this.#audit({ tool: name, args: rawArgs, decision: 'invalid', reason: 'malformed JSON' });
      return failure(
        'INVALID_ARGUMENTS',
        `the arguments are not valid JSON (${(err as Error).message}); you sent: ${rawArgs}\nsend one JSON object matching the tool's parameters`,
      );
    }
    const parsed = tool.parameters.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `- ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
      this.#audit({ tool: name, args: json, decision: 'invalid', reason: 'schema' });
      return failure('INVALID_ARGUMENTS', `invalid arguments for ${name}:\n${issues}`);
    }
    const args: unknown = parsed.data;
    const effect = tool.effectOf?.(args) ?? tool.effect;
    const namespace = tool.namespaceOf?.(args);
    const base = { tool: name, args, effect, ...(namespace !== undefined ? { namespace } : {}) };

    if (this.#options.refuseDuplicates !== false) {
      const key = `${name}\u0000${ctx.dryRun ? 'dry' : 'live'}\u0000${canonicalJson(args)}`;
      if (this.#seen.has(key)) {
        this.#audit({ ...base, decision: 'duplicate' });
        return failure(
          'DUPLICATE_CALL',
          `you already made this exact ${name} call in this run; its result is above. Use it, change the arguments, or give your answer.`,
        );
      }
      this.#seen.add(key);
    }

    const gate = await this.#gate(tool, args, effect, namespace, ctx);
    if (!gate.pass) {
      this.#audit({
        ...base,
        decision: gate.decision,
        reason: gate.result.ok ? undefined : gate.result.message,
        result: { ok: false, ...(gate.result.ok ? {} : { code: gate.result.code }) },
      });
      return gate.result;
    }
    let result: ToolResult;
    try {
      result = await tool.run(args, ctx);
    } catch (err) {
      // A tool that throws is a bug, but the model still gets an answer instead of the run dying.
      result = failure('CLUSTER_ERROR', `${name} failed: ${(err as Error).message}`);
    }
    this.#audit({
      ...base,
      decision: gate.decision,
      result: { ok: result.ok, ...(result.ok ? {} : { code: result.code }) },
    });
    return result;
  }

  async #gate(
    tool: Tool,
    args: unknown,
    effect: ToolEffect,
    namespace: string | undefined,
    ctx: ToolContext,
  ): Promise<Gate> {
    if (effect === 'read') return { pass: true, decision: 'ran' };
    const refuse = (message: string): Gate => ({
      pass: false,
      decision: 'refused',
      result: failure('REFUSED_BY_POLICY', message),
    });
    if (namespace !== undefined && this.#denied.length > 0 && (namespace === '*' || this.#denied.includes(namespace)))
      return refuse(
        namespace === '*'
          ? `refused by policy: a ${effect} call across all namespaces would touch protected namespaces (${this.#denied.join(', ')}); name one namespace`
          : `refused by policy: namespace "${namespace}" is protected; kubemend never changes it`,
      );
    // A server-side dry-run changes nothing, so a tool that honours ctx.dryRun may preview without asking.
    if (ctx.dryRun && tool.dryRunSafe && effect !== 'unknown') return { pass: true, decision: 'dry-run' };
    const risky = effect === 'destructive' || effect === 'unknown';
    if (risky && !this.#options.allowDestructive)
      return refuse(
        effect === 'unknown'
          ? `refused by policy: kubemend cannot tell what this ${tool.name} call would change, so it is treated as destructive, and destructive actions are disabled; use a read or a specific write tool instead`
          : `refused by policy: ${tool.name} is destructive here and destructive actions are disabled; propose a non-destructive change, or ask the person to enable destructive actions`,
      );
    const approver = this.#options.approver;
    if (!approver) return refuse("refused by policy: writes need a person's approval; run `kubemend chat` to approve");
    // "always" covers writes only: every destructive call is confirmed on its own.
    if (effect === 'write' && this.#alwaysApproved.has(tool.name)) return { pass: true, decision: 'approved-always' };
    const answer = await approver.ask({
      tool: tool.name,
      args,
      effect,
      summary: summarize(tool.name, args, namespace),
    });
    if (answer === 'no')
      return {
        pass: false,
        decision: 'denied-by-user',
        result: failure(
          'DENIED_BY_USER',
          `the person declined this ${tool.name} call; do not retry it — ask what they want instead`,
        ),
      };
    if (answer === 'always' && effect === 'write') this.#alwaysApproved.add(tool.name);
    return { pass: true, decision: 'approved' };
  }

  #audit(entry: Omit<AuditEntry, 'at'>): void {
    this.#options.audit?.({ at: (this.#options.now ?? (() => new Date()))(), ...entry });
  }
}

function summarize(tool: string, args: unknown, namespace: string | undefined): string {
  const a = args as { command?: unknown };
  const what = typeof a.command === 'string' ? `${tool}: ${a.command}` : `${tool} ${canonicalJson(args)}`;
  return namespace ? `${what} (namespace ${namespace})` : what;
}
