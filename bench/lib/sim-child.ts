// Runs a simulator in its own process for benchmarks, so the clients' work and the server's are measured
// apart (and the server's peak RSS is its own). Prints one JSON line with url + kubeconfig, then serves.
// On SIGUSR2 it prints one more line, `{"stats":…}`, with the controllers' reconcile counters and the
// request count, so a bench can take deltas without sharing the process it measures.

import { startSimulator } from '../../src/sim/simulator.js';

const controllers = process.env.SIM_CONTROLLERS === '1';
const sim = await startSimulator({
  controllers,
  historySize: 200_000,
  speed: Number(process.env.SIM_SPEED ?? 1),
  ...(process.env.SIM_NODES ? { nodes: Number(process.env.SIM_NODES) } : {}),
});
process.on('SIGUSR2', () => {
  process.stdout.write(
    `${JSON.stringify({ stats: { controllers: sim.controllerStats(), requests: sim.requestCount() } })}\n`,
  );
});
process.stdout.write(`${JSON.stringify({ url: sim.url, kubeconfig: sim.kubeconfigPath, pid: process.pid })}\n`);
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
