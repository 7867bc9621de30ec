import { parseArgs } from 'node:util';
import { runChat } from '../../agents/chat-session.js';
import { resolveCommandModels } from '../../agents/models.js';
import { openCluster, teamHost } from '../../agents/session.js';
import { CLUSTER_FLAGS } from '../cluster-flags.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend chat [--model NAME] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE] [--verbose]

An interactive troubleshooter: ask what is wrong, follow up, and approve changes one by one. Tool calls are
shown as they run (→ kubectl get pods -n shop); every write asks first (y = once, n = no, always = this tool for
the rest of the session); destructive commands and kube-system are refused.
In the session: /model NAME switches model, /tools lists the tools, /reset forgets the conversation;
"Thanks!", exit or Ctrl-D ends it. Works offline with the builtin rules model by default.

Flags:
  --model NAME        a configured model for every role (default: $KUBEMEND_MODEL, kubemend.yaml, or builtin)
  --kubeconfig PATH   kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context
  -n, --namespace NS  namespace to work in (default: the context's)
  --verbose           print each answer's trace and the token ledger`;

export const chatCommand: Command = {
  name: 'chat',
  summary: 'troubleshoot interactively; approve each change',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        ...CLUSTER_FLAGS,
        verbose: { type: 'boolean' },
      },
    });
    const open = (model: string | undefined) =>
      resolveCommandModels({ ...(model ? { model } : {}), env: io.env, cwd: io.cwd, stderr: io.stderr });
    const m = open(values.model);
    if (!m.ok) throw new CliError(m.error.message, m.error.hint);
    const flags = {
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
    };
    const cluster = await openCluster(flags, io.env);
    if (!cluster.ok) throw new CliError(cluster.error.message, cluster.error.hint);
    return runChat(io, {
      models: m.models,
      hostFor: (approver) => teamHost(cluster.conn, flags, io.env, approver),
      switchModel: (name) => {
        const next = open(name);
        return next.ok ? next.models : `${next.error.message}${next.error.hint ? ` (${next.error.hint})` : ''}`;
      },
      ...(values.verbose ? { verbose: true } : {}),
    });
  },
};
