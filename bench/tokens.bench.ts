// bench:tokens — what the context budget saves. For each failure scenario on the simulator, one scripted
// investigation (list pods and events, then describe the failing pod and read its logs, then answer) runs twice
// through the real ReAct loop with the same scripted model: once with kubemend's tools (compact tables, key facts,
// Warning events, error lines first, results capped to the model's budget) and once with a naive toolset that feeds
// the model raw `kubectl get -o json` of every pod and event in the namespace, the pod's JSON and its full log,
// uncapped. Prompt tokens are estimatePromptTokens over every request the model received. Both runs must carry the
// scenario's key evidence (its status reason and its error log line), or the saving would be a loss of information.
//
// Usage: npm run bench:tokens

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { DEFAULT_CONTEXT_TOKENS, runReact } from '../src/agents/react-loop.js';
import { createToolHost, type ToolHost } from '../src/agents/tool-host.js';
import { connect } from '../src/kube/connect.js';
import { createScriptedModel, estimatePromptTokens } from '../src/llm/index.js';
import { applyScenario, getScenario, type Scenario } from '../src/sim/scenarios/index.js';
import { startSimulator } from '../src/sim/simulator.js';
import { kubernetesTools, type Tool, type ToolResult } from '../src/tools/index.js';
import { machineInfo, writeBenchSection } from './lib/report.js';

const SCENARIOS = [
  'crash-missing-env',
  'init-container-typo',
  'job-backoff-limit',
  'liveness-probe-bad-path',
  'memory-hog',
  'mysql-no-root-password',
  'prompt-injection-logs',
  'command-not-found',
  'missing-secret',
  'bad-image-tag-after-rollout',
  'unschedulable-cpu',
] as const;
const TOOLS = ['k8s_list', 'k8s_events', 'k8s_describe', 'k8s_logs'];
// A naive agent has no budget: large enough that nothing is capped or compacted.
const UNBOUNDED = 100_000_000;
const TARGET_RATIO = 5;
const WAIT_MS = 120_000;

interface Investigation {
  readonly scenario: Scenario;
  readonly pod: string;
  readonly container?: string;
  readonly previous: boolean;
  /** The strings a diagnosis needs: the status reason and the error log line (or an event reason without them). */
  readonly evidence: readonly string[];
}

/** One scripted model turn: tool calls, or the answer. */
interface Step {
  readonly toolCalls?: readonly { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
  readonly text?: string;
}

interface Measured {
  readonly tokens: number;
  /** The part of `tokens` that is tool results: where compaction acts (the rest is the same in both runs). */
  readonly resultTokens: number;
  readonly requests: number;
  /** Everything the tools returned, as the model last saw it. */
  readonly seen: string;
}

const sim = await startSimulator({ speed: 100 });
const cacheDir = mkdtempSync(join(tmpdir(), 'kubemend-bench-tokens-'));
try {
  const conn = connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  if (!conn.ok) throw new Error(conn.error.message);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const scenarios = SCENARIOS.map((n) => {
    const s = getScenario(n);
    if (!s) throw new Error(`no scenario ${n}`);
    return s;
  });
  await Promise.all(scenarios.map((s) => applyScenario(sim.kubeconfigPath, s)));

  const ours = kubernetesTools({ conn: conn.value }).filter((t) => TOOLS.includes(t.name));
  const compactHost = createToolHost(ours);
  const rawHost = createToolHost(ours.map((t) => rawTool(t, sim.kubeconfigPath, cacheDir)));

  const rows: string[][] = [];
  let compactTotal = 0;
  let rawTotal = 0;
  let compactResults = 0;
  let rawResults = 0;
  for (const s of scenarios) {
    const inv = await investigation(core, rawHost, s);
    const compacted = await measure(compactHost, inv, DEFAULT_CONTEXT_TOKENS);
    const raw = await measure(rawHost, inv, UNBOUNDED);
    assert.equal(compacted.requests, raw.requests, `${s.name}: the same scripted steps`);
    for (const e of inv.evidence) {
      assert.ok(raw.seen.includes(e), `${s.name}: "${e}" missing from the raw results`);
      assert.ok(compacted.seen.includes(e), `${s.name}: "${e}" missing from the compacted results`);
    }
    compactTotal += compacted.tokens;
    rawTotal += raw.tokens;
    compactResults += compacted.resultTokens;
    rawResults += raw.resultTokens;
    const ratio = raw.tokens / compacted.tokens;
    rows.push([
      s.name,
      String(compacted.requests),
      String(compacted.tokens),
      String(raw.tokens),
      `${ratio.toFixed(1)}×`,
      `${compacted.resultTokens} / ${raw.resultTokens} (${(raw.resultTokens / compacted.resultTokens).toFixed(1)}×)`,
      inv.evidence.map((e) => `\`${e}\``).join(', '),
    ]);
    process.stdout.write(`${s.name}: ${compacted.tokens} vs ${raw.tokens} tokens (${ratio.toFixed(1)}×)\n`);
  }
  const total = rawTotal / compactTotal;
  const resultRatio = rawResults / compactResults;
  rows.push([
    '**total**',
    '',
    String(compactTotal),
    String(rawTotal),
    `**${total.toFixed(1)}×**`,
    `${compactResults} / ${rawResults} (${resultRatio.toFixed(1)}×)`,
    '',
  ]);
  process.stdout.write(
    `total: ${compactTotal} vs ${rawTotal} tokens (${total.toFixed(1)}×, target ≥${TARGET_RATIO}×)\n`,
  );
  writeBenchSection('tokens', {
    title: 'Prompt tokens: compacted tools vs raw kubectl JSON (bench:tokens)',
    machine: machineInfo(),
    notes: [
      `${scenarios.length} failure scenarios on the simulator; per scenario one scripted investigation, played twice through the ReAct loop by the same scripted model: (1) k8s_list pods + k8s_events in the namespace, (2) k8s_describe + k8s_logs of the failing pod (previous container when it restarted), (3) the answer.`,
      `compacted: kubemend's tools (tables, describe's key facts instead of the object's YAML, Warning events with the Normal ones counted, error lines first) with results capped to a sixth of the default ${DEFAULT_CONTEXT_TOKENS}-token budget; raw: the same calls answered with \`kubectl get pods -o json\`, \`kubectl get events -o json\`, \`kubectl get pod NAME -o json\` and the full \`kubectl logs\`, uncapped.`,
      'Tokens are estimatePromptTokens (≈4 ASCII characters per token) summed over every request the model received, tool schemas included; both runs send the same schemas.',
      'Each run is checked to carry the evidence listed (status reason, error log line; an event reason where the scenario has neither).',
      `Target ≥${TARGET_RATIO}× in total: ${total >= TARGET_RATIO ? 'met' : 'NOT met'} (${total.toFixed(1)}×). The tool-result column leaves out what both runs send alike (system prompt, task, the four tool schemas on every call): the part compaction acts on.`,
      "The simulator's containers log a few lines each, so the full logs of the raw run are short here; a real service's logs would widen the gap.",
    ],
    header: [
      'scenario',
      'model calls',
      'compacted tokens',
      'raw tokens',
      'raw / compacted',
      'tool-result tokens only (compacted / raw)',
      'evidence in both',
    ],
    rows,
  });
} finally {
  await sim.close();
  rmSync(cacheDir, { recursive: true, force: true });
}

/** The same call sequence for both runs; only the tools behind the names differ. */
function script(inv: Investigation): Step[] {
  const ns = inv.scenario.namespace;
  return [
    {
      toolCalls: [
        { name: 'k8s_list', arguments: { kind: 'pods', namespace: ns } },
        { name: 'k8s_events', arguments: { namespace: ns } },
      ],
    },
    {
      toolCalls: [
        { name: 'k8s_describe', arguments: { kind: 'pod', name: inv.pod, namespace: ns } },
        {
          name: 'k8s_logs',
          arguments: {
            pod: inv.pod,
            namespace: ns,
            previous: inv.previous,
            ...(inv.container ? { container: inv.container } : {}),
          },
        },
      ],
    },
    { text: `${inv.scenario.expect.workload.name} is failing: ${inv.scenario.expect.failureClass}.` },
  ];
}

async function measure(host: ToolHost, inv: Investigation, contextTokens: number): Promise<Measured> {
  const model = createScriptedModel(script(inv));
  const result = await runReact({
    model,
    role: 'researcher',
    host,
    contextTokens,
    maxSteps: 4,
    messages: [
      { role: 'system', content: 'You are a Kubernetes SRE. Find out why the workload is failing.' },
      { role: 'user', content: `What is wrong in namespace ${inv.scenario.namespace}?` },
    ],
  });
  assert.equal(result.stop, 'answer', `${inv.scenario.name}: ${result.error?.message ?? ''}`);
  const tokens = model.requests.reduce((n, r) => n + estimatePromptTokens(r.messages, r.tools), 0);
  const resultTokens = model.requests.reduce(
    (n, r) => n + estimatePromptTokens(r.messages.filter((m) => m.role === 'tool')),
    0,
  );
  const last = model.requests.at(-1)?.messages ?? [];
  const seen = last
    .filter((m) => m.role === 'tool')
    .map((m) => m.content)
    .join('\n');
  return { tokens, resultTokens, requests: model.requests.length, seen };
}

/** Waits until the raw outputs show the scenario's evidence, then fixes the pod, container and log instance. */
async function investigation(core: k8s.CoreV1Api, raw: ToolHost, s: Scenario): Promise<Investigation> {
  const e = s.expect;
  const evidence = [e.reason, e.logIncludes?.[0]].filter((x): x is string => Boolean(x));
  if (evidence.length === 0 && e.eventReasons?.[0]) evidence.push(e.eventReasons[0]);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const pods = await core.listNamespacedPod({ namespace: s.namespace });
    const pod = pods.items.find((p) => p.metadata?.name?.startsWith(`${e.workload.name}-`));
    if (pod?.metadata?.name) {
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const st = statuses.find((c) => (e.container ? c.name === e.container : true));
      const inv: Investigation = {
        scenario: s,
        pod: pod.metadata.name,
        ...(e.container ? { container: e.container } : {}),
        previous: (st?.restartCount ?? 0) > 0,
        evidence,
      };
      const outputs = await Promise.all(
        (script(inv)[0]?.toolCalls ?? [])
          .concat(script(inv)[1]?.toolCalls ?? [])
          .map((c) => raw.call(c.name, JSON.stringify(c.arguments))),
      );
      const text = outputs.map((o) => (o.ok ? o.content : o.message)).join('\n');
      if (evidence.every((x) => text.includes(x))) return inv;
    }
    if (Date.now() > deadline) throw new Error(`${s.name}: the evidence ${evidence.join(', ')} never showed`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A tool with our tool's name and parameters that answers the way a naive agent's kubectl would: raw and whole. */
function rawTool(tool: Tool, kubeconfig: string, cacheDir: string): Tool {
  const kubectl = (args: readonly string[]): Promise<ToolResult> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        { maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolve(
            err
              ? { ok: false, isError: true, code: 'CLUSTER_ERROR', message: `${stderr}`.trim() || err.message }
              : { ok: true, content: stdout },
          ),
      );
    });
  const run = (a: Record<string, unknown>): Promise<ToolResult> => {
    const ns = String(a.namespace);
    switch (tool.name) {
      case 'k8s_list':
        return kubectl(['get', String(a.kind), '-n', ns, '-o', 'json']);
      case 'k8s_events':
        return kubectl(['get', 'events', '-n', ns, '-o', 'json']);
      case 'k8s_describe':
        return kubectl(['get', String(a.kind), String(a.name), '-n', ns, '-o', 'json']);
      default:
        return kubectl([
          'logs',
          String(a.pod),
          '-n',
          ns,
          ...(a.previous ? ['--previous'] : []),
          ...(a.container ? ['-c', String(a.container)] : []),
        ]);
    }
  };
  return { ...tool, run: (args: unknown) => run(args as Record<string, unknown>) };
}
