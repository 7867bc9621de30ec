// The runtime's view of tools: schemas for the model, the effect of a call (reads may run in parallel) and a
// call that applies the policy. `createToolHost` is the policy the agents rely on — read runs; write asks the
// person or is refused without one; destructive and unknown are refused; deny-listed namespaces are refused.
// It never throws: every refusal is a ToolResult the model reads.

import { z } from 'zod';
import type { ToolSchema } from '../llm/chat-model.js';
import type { Tool, ToolContext, ToolEffect, ToolResult } from '../tools/tool.js';

export type Approval = 'yes' | 'no' | 'always';

export interface ApprovalRequest {
  readonly tool: string;
  readonly args: unknown;
  readonly effect: ToolEffect;
  /** One line a person can judge, e.g. `kubectl scale deploy/web --replicas=3 -n shop`. */
  readonly summary: string;
}

export interface Approver {
  ask(request: ApprovalRequest): Promise<Approval>;
}

export interface ToolHost {
  schemas(names?: readonly string[]): readonly ToolSchema[];
  /** The effect of this call; `unknown` for a tool it does not know or arguments it cannot read. */
  effectOf(name: string, rawArgs: string): ToolEffect;
  call(name: string, rawArgs: string, ctx?: ToolContext): Promise<ToolResult>;
}

export interface ToolHostOptions {
  readonly approver?: Approver;
  /** Writes into these namespaces are refused; default kube-system. */
  readonly denyNamespaces?: readonly string[];
}

function refused(message: string, code: 'REFUSED_BY_POLICY' | 'DENIED_BY_USER' = 'REFUSED_BY_POLICY'): ToolResult {
  return { ok: false, isError: true, message, code };
}

function parse(tool: Tool, rawArgs: string): { ok: true; args: unknown } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
  } catch (err) {
    return { ok: false, message: `arguments are not valid JSON (${(err as Error).message}); you sent: ${rawArgs}` };
  }
  const parsed = tool.parameters.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      message: `invalid arguments for ${tool.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    };
  return { ok: true, args: parsed.data };
}

export function summarizeCall(name: string, args: unknown): string {
  if (name === 'kubectl' && typeof args === 'object' && args !== null && 'command' in args) {
    const cmd = String((args as { command: unknown }).command);
    return cmd.startsWith('kubectl') ? cmd : `kubectl ${cmd}`;
  }
  return `${name} ${JSON.stringify(args)}`;
}

export function createToolHost(tools: readonly Tool[], options: ToolHostOptions = {}): ToolHost {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const deny = new Set(options.denyNamespaces ?? ['kube-system']);
  const always = new Set<string>();
  const effect = (tool: Tool, args: unknown): ToolEffect => tool.effectOf?.(args) ?? tool.effect;
  return {
    schemas(names) {
      const chosen = names ? tools.filter((t) => names.includes(t.name)) : tools;
      return chosen.map((t) => ({
        name: t.name,
        description: t.description,
        parameters: z.toJSONSchema(t.parameters) as Record<string, unknown>,
      }));
    },
    effectOf(name, rawArgs) {
      const tool = byName.get(name);
      if (!tool) return 'unknown';
      const p = parse(tool, rawArgs);
      return p.ok ? effect(tool, p.args) : 'unknown';
    },
    async call(name, rawArgs, ctx = {}) {
      const tool = byName.get(name);
      if (!tool)
        return { ok: false, isError: true, code: 'INVALID_ARGUMENTS', message: `no tool named "${name}"; tools: ${[...byName.keys()].join(', ')}` };
      const p = parse(tool, rawArgs);
      if (!p.ok) return { ok: false, isError: true, code: 'INVALID_ARGUMENTS', message: p.message };
      const e = effect(tool, p.args);
      const summary = summarizeCall(name, p.args);
      if (e !== 'read') {
        const ns = tool.namespaceOf?.(p.args);
        if (ns && deny.has(ns)) return refused(`refused: ${summary} writes to namespace ${ns}, which is on the deny-list`);
        if (e === 'destructive' || e === 'unknown')
          return refused(`refused: ${summary} is ${e === 'unknown' ? 'not a recognised safe command' : 'destructive'}; kubemend never runs it on an agent's request`);
        if (!ctx.dryRun && !always.has(name)) {
          if (!options.approver)
            return refused(`refused: ${summary} is a write, and writes need a person's approval; run \`kubemend chat\` to approve`);
          const answer = await options.approver.ask({ tool: name, args: p.args, effect: e, summary });
          if (answer === 'no') return refused(`the user declined: ${summary}`, 'DENIED_BY_USER');
          if (answer === 'always') always.add(name);
        }
      }
      try {
        return await tool.run(p.args, ctx);
      } catch (err) {
        return { ok: false, isError: true, code: 'CLUSTER_ERROR', message: (err as Error).message };
      }
    },
  };
}
