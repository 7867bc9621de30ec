// One simulator per test file, fast enough that back-offs and rollouts take seconds, plus client-node access.

import { type SimFixture, useSimulator } from '../../helpers/sim.js';
import { type Cluster, clusterFor } from './oracle.js';

/** Simulated seconds per wall-clock second: kubelet's 5-minute back-off cap is 3 s, a 10-minute deadline 6 s. */
export const SPEED = 100;

export interface ScenarioFixture extends SimFixture {
  readonly cluster: Cluster;
}

export function useScenarioSimulator(): ScenarioFixture {
  const fx = useSimulator({ speed: SPEED });
  let cluster: Cluster | undefined;
  return Object.defineProperties(fx, {
    cluster: { get: () => (cluster ??= clusterFor(fx.sim.kubeconfigPath)) },
  }) as ScenarioFixture;
}
