// Runs a simulator in its own process for benchmarks, so the clients' work and the server's are measured
// apart (and the server's peak RSS is its own). Prints one JSON line with url + kubeconfig, then serves.
// A line "requests" on stdin is answered with one JSON line {"requests": N}: the API calls served so far,
// so a bench can count what a client costs the server. A line "stats" is answered with {"stats": [...], "eventLoop":
// {idle, active}}: the controllers' reconcile counters and the event loop's idle and busy ms since start, so a
// bench can take per-controller rates and the loop's utilisation without sharing this process.

import { createInterface } from 'node:readline';
import { startSimulator } from '../../src/sim/simulator.js';

const controllers = process.env.SIM_CONTROLLERS === '1';
const sim = await startSimulator({
  controllers,
  historySize: 200_000,
  speed: Number(process.env.SIM_SPEED ?? 1),
  nodes: Number(process.env.SIM_NODES ?? 3),
});
process.stdout.write(`${JSON.stringify({ url: sim.url, kubeconfig: sim.kubeconfigPath, pid: process.pid })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'requests') process.stdout.write(`${JSON.stringify({ requests: sim.requestCount() })}\n`);
  if (line.trim() === 'stats') {
    const { idle, active } = performance.eventLoopUtilization();
    process.stdout.write(`${JSON.stringify({ stats: sim.controllerStats(), eventLoop: { idle, active } })}\n`);
  }
});
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
