// Token and cost accounting: every model call is one record tagged with its role and incident, so a run can say
// what it cost per call, per agent, per incident and in total.

import type { ChatChunk, ChatModel, ChatRequest, ModelErrorCode } from './chat-model.js';
import type { Pricing } from './config.js';

export interface CallTags {
  /** The agent role making the call ("supervisor", "fixer"). */
  readonly role?: string;
  /** The incident the call works on (its fingerprint or id). */
  readonly incident?: string;
}

export interface CallRecord extends CallTags {
  readonly model: string;
  readonly modelId: string;
  readonly kind: ChatModel['kind'];
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** The provider reported no usage; the numbers are kubemend's estimates. */
  readonly estimated: boolean;
  /** undefined when no pricing is configured for the model. */
  readonly costUsd: number | undefined;
  readonly durationMs: number;
  readonly outcome: 'ok' | ModelErrorCode;
}

export interface Totals {
  readonly calls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Sum over calls with a known price; `unpricedCalls` says how many were left out. */
  readonly costUsd: number;
  readonly unpricedCalls: number;
  readonly estimated: boolean;
}

export interface Ledger {
  readonly calls: readonly CallRecord[];
  record(call: CallRecord): void;
  totals(filter?: (call: CallRecord) => boolean): Totals;
  /** Totals grouped by a tag; calls without the tag are grouped under "-". */
  by(key: 'role' | 'incident' | 'model'): ReadonlyMap<string, Totals>;
  /** A plain-text table: per role, per incident, per model, and the total. */
  summary(): string;
}

export function costOf(
  pricing: Pricing | undefined,
  promptTokens: number,
  completionTokens: number,
): number | undefined {
  if (!pricing) return undefined;
  return (promptTokens * pricing.inputPerMTok + completionTokens * pricing.outputPerMTok) / 1_000_000;
}

export function createLedger(): Ledger {
  const calls: CallRecord[] = [];
  const totals = (filter: (call: CallRecord) => boolean = () => true): Totals => {
    let t = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpricedCalls: 0, estimated: false };
    for (const c of calls) {
      if (!filter(c)) continue;
      t = {
        calls: t.calls + 1,
        promptTokens: t.promptTokens + c.promptTokens,
        completionTokens: t.completionTokens + c.completionTokens,
        costUsd: t.costUsd + (c.costUsd ?? 0),
        // A rules model costs nothing by construction: it is not "unpriced".
        unpricedCalls: t.unpricedCalls + (c.costUsd === undefined && c.kind === 'llm' ? 1 : 0),
        estimated: t.estimated || c.estimated,
      };
    }
    return t;
  };
  const by = (key: 'role' | 'incident' | 'model'): ReadonlyMap<string, Totals> => {
    const groups = [...new Set(calls.map((c) => c[key] ?? '-'))].sort();
    return new Map(groups.map((g) => [g, totals((c) => (c[key] ?? '-') === g)]));
  };
  return {
    calls,
    record: (call) => {
      calls.push(call);
    },
    totals,
    by,
    summary: () => summaryTable(by, totals()),
  };
}

function summaryTable(by: Ledger['by'], total: Totals): string {
  const rows: string[][] = [['', 'calls', 'prompt tok', 'completion tok', 'cost USD']];
  const row = (label: string, t: Totals): string[] => [
    label,
    String(t.calls),
    `${t.estimated ? '~' : ''}${t.promptTokens}`,
    `${t.estimated ? '~' : ''}${t.completionTokens}`,
    t.calls === t.unpricedCalls && t.calls > 0 ? '-' : `${t.costUsd.toFixed(4)}${t.unpricedCalls > 0 ? '+' : ''}`,
  ];
  for (const key of ['role', 'incident', 'model'] as const) {
    const groups = by(key);
    if (groups.size === 1 && groups.has('-')) continue;
    for (const [g, t] of groups) rows.push(row(`${key} ${g}`, t));
  }
  rows.push(row('total', total));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  );
  const notes = [
    ...(total.estimated ? ['~ estimated: the provider reported no usage for some calls'] : []),
    ...(total.unpricedCalls > 0 ? ['+ plus calls to models without configured pricing'] : []),
  ];
  return [...lines, ...notes].join('\n');
}

export interface AccountingOptions {
  readonly pricing?: Pricing;
  readonly now?: () => number;
}

/** Wraps a model so every call lands in the ledger, whatever the caller does with the stream. */
export function withAccounting(
  model: ChatModel,
  ledger: Ledger,
  tags: CallTags = {},
  options: AccountingOptions = {},
): ChatModel {
  const now = options.now ?? Date.now;
  async function* stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    const started = now();
    let recorded = false;
    const record = (outcome: CallRecord['outcome'], prompt: number, completion: number, estimated: boolean): void => {
      recorded = true;
      ledger.record({
        ...tags,
        model: model.name,
        modelId: model.modelId,
        kind: model.kind,
        promptTokens: prompt,
        completionTokens: completion,
        estimated,
        costUsd: model.kind === 'llm' ? costOf(options.pricing, prompt, completion) : 0,
        durationMs: now() - started,
        outcome,
      });
    };
    try {
      for await (const chunk of model.stream(request)) {
        if (chunk.type === 'finish') {
          const u = chunk.usage;
          record('ok', u.promptTokens, u.completionTokens, u.estimated === true);
        } else if (chunk.type === 'error') {
          // Failed calls count as calls; their tokens are unknown, so none are claimed.
          record(chunk.error.code, 0, 0, false);
        }
        yield chunk;
      }
    } finally {
      // The caller stopped reading early: still a call.
      if (!recorded) record('CANCELLED', 0, 0, false);
    }
  }
  return { spec: model.spec, name: model.name, modelId: model.modelId, kind: model.kind, stream };
}
