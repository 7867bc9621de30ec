import { parseArgs } from 'node:util';
import { resolveCommandModels, usageLine } from '../../agents/models.js';
import { openCluster, showCall, teamHost } from '../../agents/session.js';
import { runTeam } from '../../agents/supervisor.js';
import { formatTrace } from '../../agents/trace.js';
import { CLUSTER_FLAGS } from '../cluster-flags.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend ask "QUESTION" [--model NAME] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE] [--verbose]

Answers one question about the cluster and exits, e.g.
  kubemend ask "what's wrong with pod web-7d4f9 in shop"
  kubemend ask "why is deployment checkout failing" -n shop

The agents read the cluster through tools; nothing is changed (every write is refused: use 'kubemend chat' to
approve changes). Works offline with the builtin rules model (no LLM, zero tokens) unless --model, KUBEMEND_MODEL
or kubemend.yaml picks a language model.

Flags:
  --model NAME        a configured model for every role (default: $KUBEMEND_MODEL, kubemend.yaml, or builtin)
  --kubeconfig PATH   kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context
  -n, --namespace NS  namespace to look in (default: the context's)
  --verbose           print every step (role, model, tokens, tool calls and results) and the token ledger

A run that used a language model ends with its token usage on stderr.`;

export const askCommand: Command = {
  name: 'ask',
  summary: 'answer one question about the cluster (read-only)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        ...CLUSTER_FLAGS,
        verbose: { type: 'boolean' },
      },
    });
    const question = positionals.join(' ').trim();
    if (!question) throw new CliError('no question given', 'kubemend ask "what\'s wrong with pod NAME"');
    const m = resolveCommandModels({
      ...(values.model ? { model: values.model } : {}),
      env: io.env,
      cwd: io.cwd,
      stderr: io.stderr,
    });
    if (!m.ok) throw new CliError(m.error.message, m.error.hint);
    const models = m.models;
    const flags = {
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
    };
    const cluster = await openCluster(flags, io.env);
    if (!cluster.ok) throw new CliError(cluster.error.message, cluster.error.hint);
    // No approver: the executor refuses every write, whatever a model asks for.
    const host = teamHost(cluster.conn, flags, io.env);
    let streamed = '';
    const result = await runTeam({
      modelFor: (role) => models.modelFor(role),
      contextTokens: (role) => models.contextTokens(role),
      host,
      task:
        values.namespace && !/namespace|-n /.test(question) ? `${question} (namespace ${values.namespace})` : question,
      mode: 'question',
      onText: (t) => {
        streamed += t;
        io.stdout.write(t);
      },
      ...(values.verbose ? { onToolCall: (c) => io.stderr.write(`${showCall(c)}\n`) } : {}),
      // A refusal is always shown: the person must know what a model tried to do, even when nothing happened.
      onToolResult: (c, r) => {
        if (!r.ok && (r.code === 'REFUSED_BY_POLICY' || r.code === 'DENIED_BY_USER'))
          io.stderr.write(`${showCall(c)}\n  refused: ${r.message.split('\n', 1)[0]}\n`);
      },
    });
    if (!streamed.endsWith('\n') && streamed) io.stdout.write('\n');
    if (!streamed) io.stdout.write(`${result.answer || 'No answer.'}\n`);
    else if (result.stopped) io.stdout.write(`(stopped: ${result.stopped})\n`);
    if (values.verbose) io.stderr.write(`${formatTrace(result.trace)}${models.ledger.summary()}\n`);
    else io.stderr.write(usageLine(models.ledger));
    return result.stopped ? 1 : 0;
  },
};
