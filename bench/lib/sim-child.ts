// Runs a simulator in its own process for benchmarks, so the clients' work and the server's are measured
// apart (and the server's peak RSS is its own). Prints one JSON line with url + kubeconfig, then serves.

import { startSimulator } from '../../src/sim/simulator.js';

const controllers = process.env.SIM_CONTROLLERS === '1';
const sim = await startSimulator({ controllers, historySize: 200_000, speed: Number(process.env.SIM_SPEED ?? 1) });
process.stdout.write(`${JSON.stringify({ url: sim.url, kubeconfig: sim.kubeconfigPath, pid: process.pid })}\n`);
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
