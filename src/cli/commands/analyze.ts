import { parseArgs } from 'node:util';
import {
  type Explanation,
  type ExplanationCache,
  explainIncidents,
  memoryExplanationCache,
  processExplanationCache,
  tableWithExplanations,
} from '../../agents/explain.js';
import { resolveCommandModels, type TeamModels, usageLine } from '../../agents/models.js';
import type { Incident } from '../../detect/index.js';
import { analyzeSnapshot, formatIncidents, OUTPUT_FORMATS, type OutputFormat } from '../../detect/index.js';
import { readCluster } from '../../kube/cluster-reader.js';
import { connect, probe } from '../../kube/connect.js';
import { type MemoryManager, memoryDir, openMemory, resolveStateDir } from '../../memory/index.js';
import { CLUSTER_FLAGS } from '../cluster-flags.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend analyze [--kubeconfig PATH] [--context NAME] [-n NAMESPACE | -A] [--filter KIND ...] [-o table|json|yaml]
                       [--explain [--model NAME] [--state-dir DIR]]

Reads the cluster once (one list per kind, no LLM) and prints what is failing and why: one incident per failing
workload, with the evidence a person needs. Like 'k8sgpt analyze', without the per-object event fetches.

Flags:
  --kubeconfig PATH   kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context (default: current-context)
  -n, --namespace NS  only this namespace (cluster-scoped analyzers are skipped)
  -A, --all-namespaces  every namespace (the default)
  --filter KIND       only these analyzers, by kind or name (repeatable, or comma-separated): pod,service,log
  -o, --output FMT    table (default), json or yaml — the JSON schema is docs/incident-schema.md
  --explain           explain each incident with the configured model (batched: one call for up to 10 incidents);
                      the builtin rules model (the offline default) answers with kubemend's runbook, not an LLM
  --model NAME        a configured model for --explain (default: $KUBEMEND_MODEL, kubemend.yaml, or builtin)
  --state-dir DIR     keep explanations in kubemend's memory store there (default: $KUBEMEND_STATE_DIR), so the
                      same incident is not explained twice by the same model; without one, only for this process
  --no-logs           do not read container logs (the Log analyzer is skipped)

Exit code 0 whether or not incidents are found; non-zero only when the cluster cannot be read.`;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'find what is failing in a cluster and why (one-shot; no LLM unless --explain)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        ...CLUSTER_FLAGS,
        'all-namespaces': { type: 'boolean', short: 'A' },
        filter: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'table' },
        explain: { type: 'boolean' },
        model: { type: 'string' },
        'state-dir': { type: 'string' },
        'no-logs': { type: 'boolean' },
      },
    });
    const format = values.output as OutputFormat;
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format))
      throw new CliError(`unknown output format "${values.output}"`, 'use -o table, -o json or -o yaml');
    if (values.namespace && values['all-namespaces']) throw new CliError('-n and -A cannot be used together');
    if (!values.explain && (values.model || values['state-dir']))
      throw new CliError('--model and --state-dir only apply with --explain', 'add --explain');
    let models: TeamModels | undefined;
    if (values.explain) {
      // Before the cluster is read: a model that is not configured fails in a second, not after a full read.
      const m = resolveCommandModels({
        ...(values.model ? { model: values.model } : {}),
        env: io.env,
        cwd: io.cwd,
        stderr: io.stderr,
      });
      if (!m.ok) throw new CliError(m.error.message, m.error.hint);
      models = m.models;
    }
    const conn = connect({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      env: io.env,
    });
    if (!conn.ok) throw new CliError(conn.error.message, conn.error.hint);
    const reachable = await probe(conn.value);
    if (!reachable.ok) throw new CliError(reachable.error.message, reachable.error.hint);
    const read = await readCluster(conn.value, {
      ...(values.namespace ? { namespace: values.namespace } : {}),
      logs: !values['no-logs'],
    });
    if (!read.ok) throw new CliError(read.error.message, read.error.hint);
    for (const w of read.warnings) io.stderr.write(`warning: ${w.message}${w.hint ? ` (${w.hint})` : ''}\n`);
    const filter = (values.filter ?? [])
      .flatMap((f) => f.split(','))
      .map((f) => f.trim())
      .filter(Boolean);
    const result = await analyzeSnapshot(read.snapshot, {
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(filter.length ? { filter } : {}),
      cluster: conn.value.context,
    });
    for (const e of result.errors)
      io.stderr.write(`warning: analyzer ${e.analyzer} failed on ${e.object.kind}/${e.object.name}: ${e.message}\n`);
    const explanations = models
      ? await explain(result.incidents, models, values['state-dir'] ?? io.env.KUBEMEND_STATE_DIR, io)
      : undefined;
    const items = explanations ? withExplanation(result.incidents, explanations) : result.incidents;
    const width = (io.stdout as { columns?: number }).columns;
    const formatted = formatIncidents(items, {
      format,
      now: new Date(),
      cluster: conn.value.context,
      ...(width ? { width } : {}),
      showNamespace: !values.namespace,
    });
    const out =
      explanations && format === 'table' ? tableWithExplanations(formatted, result.incidents, explanations) : formatted;
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    if (models) io.stderr.write(usageLine(models.ledger));
    return 0;
  },
};

/** Explanations by fingerprint, cached in the memory store when a state directory is given. */
async function explain(
  incidents: readonly Incident[],
  models: TeamModels,
  stateDir: string | undefined,
  io: Parameters<Command['run']>[1],
): Promise<ReadonlyMap<string, Explanation>> {
  if (incidents.length === 0) return new Map();
  const warn = (message: string) => io.stderr.write(`warning: ${message}\n`);
  let memory: MemoryManager | undefined;
  let cache: ExplanationCache = processExplanationCache();
  if (stateDir) {
    const dir = memoryDir(resolveStateDir({ flag: stateDir, env: io.env, cwd: io.cwd }));
    try {
      memory = await openMemory({ dir });
      cache = await memoryExplanationCache(memory);
    } catch (error) {
      // kubemend run holds the store, or it is damaged: explaining still works, only without the stored answers.
      warn(`explanations are not cached in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return await explainIncidents(incidents, { models, cache, onWarning: warn });
  } finally {
    await memory?.close();
  }
}

/** JSON and YAML carry the explanation as a field of each incident it was written for. */
function withExplanation(incidents: readonly Incident[], explanations: ReadonlyMap<string, Explanation>): Incident[] {
  return incidents.map((i) => {
    const explanation = explanations.get(i.fingerprint);
    return explanation ? { ...i, explanation } : i;
  });
}
