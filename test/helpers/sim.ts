// Starts a simulator for a test file and a kubectl bound to it; both are torn down in after().

import { after, before } from 'node:test';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/sim/simulator.js';
import { type Kubectl, kubectlFor } from './kubectl.js';

export interface SimFixture {
  sim: Simulator;
  kubectl: Kubectl;
}

/** Registers before/after hooks and returns a fixture whose fields are set once `before` has run. */
export function useSimulator(options: SimulatorOptions = {}): SimFixture {
  const fixture = {} as SimFixture;
  before(async () => {
    fixture.sim = await startSimulator(options);
    fixture.kubectl = kubectlFor(fixture.sim.kubeconfigPath);
  });
  after(async () => {
    fixture.kubectl?.cleanup();
    await fixture.sim?.close();
  });
  return fixture;
}
