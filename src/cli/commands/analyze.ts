import { parseArgs } from 'node:util';
import { analyzeSnapshot, formatIncidents, OUTPUT_FORMATS, type OutputFormat } from '../../detect/index.js';
import { readCluster } from '../../kube/cluster-reader.js';
import { connect, probe } from '../../kube/connect.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend analyze [--kubeconfig PATH] [--context NAME] [-n NAMESPACE | -A] [--filter KIND ...] [-o table|json|yaml] [--explain]

Reads the cluster once (one list per kind, no LLM) and prints what is failing and why: one incident per failing
workload, with the evidence a person needs. Like 'k8sgpt analyze', without the per-object event fetches.

Flags:
  --kubeconfig PATH   kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context (default: current-context)
  -n, --namespace NS  only this namespace (cluster-scoped analyzers are skipped)
  -A, --all-namespaces  every namespace (the default)
  --filter KIND       only these analyzers, by kind or name (repeatable, or comma-separated): pod,service,log
  -o, --output FMT    table (default), json or yaml — the JSON schema is docs/incident-schema.md
  --explain           explain each incident with the configured model
  --no-logs           do not read container logs (the Log analyzer is skipped)

Exit code 0 whether or not incidents are found; non-zero only when the cluster cannot be read.`;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'find what is failing in a cluster and why (one-shot, no LLM)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        'all-namespaces': { type: 'boolean', short: 'A' },
        filter: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'table' },
        explain: { type: 'boolean' },
        'no-logs': { type: 'boolean' },
      },
    });
    const format = values.output as OutputFormat;
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format))
      throw new CliError(`unknown output format "${values.output}"`, 'use -o table, -o json or -o yaml');
    if (values.namespace && values['all-namespaces']) throw new CliError('-n and -A cannot be used together');
    if (values.explain)
      throw new CliError(
        '--explain needs a language model, and the model layer has not landed yet',
        'run without --explain: the analyzers give the cause and evidence without a model',
      );
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
    const width = (io.stdout as { columns?: number }).columns;
    const out = formatIncidents(result.incidents, {
      format,
      now: new Date(),
      cluster: conn.value.context,
      ...(width ? { width } : {}),
      showNamespace: !values.namespace,
    });
    io.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return 0;
  },
};
