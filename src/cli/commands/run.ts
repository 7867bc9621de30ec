import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRunConfig, REMEDY_MODES } from '../../daemon/config.js';
import { type LogFormat, Reporter } from '../../daemon/reporter.js';
import { startRuntime, TeamSetupError } from '../../daemon/runtime.js';
import { connect, probe } from '../../kube/connect.js';
import { BitcaskError, memoryDir, openMemory, resolveStateDir } from '../../memory/index.js';
import { loadNotifyConfig } from '../../notify/index.js';
import type { RemedyMode } from '../../remedy/types.js';
import { CLUSTER_FLAGS } from '../cluster-flags.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend run [--kubeconfig F] [--context C] [--mode suggest|approve|auto] [--state-dir DIR] [-n NS] [--model NAME] [--log-format auto|json|text]

The repair loop, as a long-running process: watches the cluster, and for each incident proposes a fix (experience
first, then the zero-token runbooks, then the agent team when a model is configured), has Security review it,
checks it against the policy, dry-runs it on the API server, applies it (auto mode) or asks a person (approve
mode: 'kubemend approve INCIDENT'), verifies the workload on the cluster's clock, and rolls back to the exact
previous spec and escalates when the fix does not help. Several incidents at once, at most one change in flight
per workload. Every step is in the audit log ('kubemend audit'); a restart finishes a change a killed process
left in flight (verifies it, or rolls it back). SIGINT/SIGTERM stop it gracefully.

The policy and the notification receivers come from kubemend.yaml (sections remedy: and notify:); flags win.
Receivers (Feishu/Lark bot, Slack incoming webhook, generic JSON webhook) hear about escalations, approval
requests, resolutions and rollbacks; delivery is retried in the background and never holds up a repair, and each
delivery's outcome is in the audit log (step 'notified').

Flags:
  --kubeconfig F      kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
  --context C         kubeconfig context (default: current-context)
  --mode MODE         suggest (default: propose only), approve (wait for a person), auto, or off
  --state-dir DIR     memory store, audit log and approval inbox (default $KUBEMEND_STATE_DIR or ./.kubemend)
  -n, --namespace NS  watch one namespace only
  --model NAME        a configured language model (kubemend.yaml) whose agent team proposes fixes for what no
                      runbook knows (default: $KUBEMEND_MODEL; without either, or with builtin: runbooks and
                      experience only, zero tokens). Its fixes get the same review, policy, dry-run and verification.
  --log-format FMT    auto (default: JSON lines on stderr, and a progress view on a terminal), json, or text`;

export const runCommand: Command = {
  name: 'run',
  summary: 'the repair loop: detect, fix safely, verify, roll back, call a person (daemon)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        ...CLUSTER_FLAGS,
        mode: { type: 'string' },
        'state-dir': { type: 'string' },
        model: { type: 'string' },
        'log-format': { type: 'string', default: 'auto' },
      },
    });
    if (values.mode !== undefined && !(REMEDY_MODES as readonly string[]).includes(values.mode))
      throw new CliError(`unknown mode "${values.mode}"`, `use one of: ${REMEDY_MODES.join(', ')}`);
    const format = values['log-format'] as LogFormat;
    if (!['auto', 'json', 'text'].includes(format))
      throw new CliError(`unknown log format "${format}"`, 'use auto, json or text');
    const loaded = loadRunConfig(io.cwd, values.mode ? { mode: values.mode as RemedyMode } : {});
    if (!loaded.ok) throw new CliError(loaded.message, 'fix the remedy: section of kubemend.yaml');
    // The receivers come from the same file as the models (./kubemend.yaml, else ~/.config/kubemend/config.yaml).
    const notify = loadNotifyConfig({ cwd: io.cwd, ...(io.env.HOME ? { home: io.env.HOME } : {}) });
    if (!notify.ok) throw new CliError(notify.error.message, 'fix the notify: section of kubemend.yaml');
    const conn = connect({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      env: io.env,
    });
    if (!conn.ok) throw new CliError(conn.error.message, conn.error.hint);
    const reachable = await probe(conn.value);
    if (!reachable.ok) throw new CliError(reachable.error.message, reachable.error.hint);

    const stateDir = resolveStateDir({ flag: values['state-dir'], env: io.env, cwd: io.cwd });
    mkdirSync(stateDir, { recursive: true });
    const memory = await openMemory({ dir: memoryDir(stateDir) }).catch((err: unknown) => {
      if (err instanceof BitcaskError && err.code === 'LOCKED')
        throw new CliError(
          `${stateDir} is in use by another kubemend run`,
          'one daemon per state dir: stop the other one, or pass a different --state-dir',
        );
      throw err;
    });
    const reporter = new Reporter({ stdout: io.stdout, stderr: io.stderr, format });
    const model = values.model ?? io.env.KUBEMEND_MODEL;
    const runtime = await startRuntime({
      conn: conn.value,
      memory,
      stateDir,
      policy: loaded.config.policy,
      notify: notify.config,
      reporter,
      env: io.env,
      cwd: io.cwd,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(model ? { model } : {}),
    }).catch(async (err: unknown) => {
      await memory.close();
      if (err instanceof TeamSetupError) throw new CliError(err.message, err.hint);
      throw err;
    });
    reporter.emit({
      event: 'started',
      reason: `watching ${values.namespace ?? 'every namespace'} of ${conn.value.context} in ${loaded.config.policy.mode} mode (policy: ${loaded.config.source}, state: ${stateDir}, ${runtime.team ? `agent team: ${runtime.team}` : 'runbooks only, no LLM'})`,
    });
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      const onSignal = (s: NodeJS.Signals) => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(s);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    const why = await Promise.race([signalled, runtime.done().then(() => 'watch ended' as const)]);
    reporter.emit({ event: 'stopping', reason: `${why}: finishing the changes in flight` });
    const left = await runtime.stop();
    reporter.emit({
      event: 'stopped',
      reason:
        left === 'drained'
          ? 'every change settled'
          : 'a change was still being verified: the next start verifies it or rolls it back',
    });
    return 0;
  },
};
