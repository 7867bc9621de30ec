import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
// The one place outside tests (with `demo`) allowed to import the simulator: it *is* the simulator's front door.
import { formatScenarioList, loadScenariosInto, ScenarioError } from '../../sim/scenarios/index.js';
import { startSimulator } from '../../sim/simulator.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend sim [--port N] [--kubeconfig PATH] [--speed X] [--nodes N] [--scenario NAME ...]
       kubemend sim --list-scenarios

Starts the built-in Kubernetes cluster simulator in the foreground on 127.0.0.1 and writes a kubeconfig
(context "kubemend-sim") once it accepts connections. Point kubectl or kubemend at it:

  kubemend sim --kubeconfig /tmp/k.yaml
  kubectl --kubeconfig /tmp/k.yaml get ns

Flags:
  --port N          port to listen on (default 0: pick a free one)
  --kubeconfig PATH where to write the kubeconfig (default ./kubemend-sim.kubeconfig)
  --speed X         simulated clock speed factor (default 10; 1 = real time)
  --nodes N         number of simulated nodes (default 3)
  --scenario NAME   apply a fault scenario from the library once the simulator is up (repeatable)
  --list-scenarios  list the scenario library and exit

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.`;

function positiveNumber(flag: string, v: string | undefined, fallback: number, integer: boolean): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new CliError(
      `${flag} must be a ${integer ? 'whole number' : 'number'} >= 0, got "${v}"`,
      `e.g. ${flag} ${fallback}`,
    );
  return n;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'run the built-in Kubernetes cluster simulator (kubectl and kubemend can talk to it)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        speed: { type: 'string' },
        nodes: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        'list-scenarios': { type: 'boolean' },
      },
      allowPositionals: false,
    });
    if (values['list-scenarios']) {
      io.stdout.write(formatScenarioList());
      return 0;
    }
    const port = positiveNumber('--port', values.port, 0, true);
    if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
    const speed = positiveNumber('--speed', values.speed, 10, false);
    if (speed === 0) throw new CliError('--speed must be greater than 0');
    const nodes = positiveNumber('--nodes', values.nodes, 3, true);
    const kubeconfigPath = resolve(io.cwd, values.kubeconfig ?? 'kubemend-sim.kubeconfig');
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    try {
      sim = await startSimulator({ port, kubeconfigPath, speed, nodes });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EADDRINUSE')
        throw new CliError(`port ${port} is already in use`, 'pick another --port, or --port 0 for a free one');
      if (code === 'EACCES' || code === 'ENOENT' || code === 'EROFS')
        throw new CliError(
          `cannot write the kubeconfig to ${kubeconfigPath}: ${(err as Error).message}`,
          'choose a writable --kubeconfig path',
        );
      throw err;
    }
    if (values.scenario?.length) {
      try {
        await loadScenariosInto(sim.kubeconfigPath, values.scenario);
      } catch (err) {
        await sim.close();
        if (err instanceof ScenarioError)
          throw new CliError(err.message, 'kubemend sim --list-scenarios shows the library');
        throw err;
      }
      io.stdout.write(`applied scenario${values.scenario.length > 1 ? 's' : ''}: ${values.scenario.join(', ')}\n`);
    }
    io.stdout.write(
      `kubemend simulator listening on ${sim.url}\nkubeconfig written to ${sim.kubeconfigPath} (context kubemend-sim)\n` +
        `try: kubectl --kubeconfig ${sim.kubeconfigPath} get nodes\nPress Ctrl-C to stop.\n`,
    );
    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    void signal;
    await sim.close();
    io.stdout.write('kubemend simulator stopped\n');
    return 0;
  },
};
