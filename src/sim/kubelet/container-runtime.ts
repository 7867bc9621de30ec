// The seam between the kubelet (time, restarts, probes, status) and what a container does: pulling an image
// from the catalogue and starting the program model. Tests substitute a small fake; the simulator uses
// the image catalogue and program model.

import type { PullResult } from './images.js';
import type { ContainerInput, RunningProgram } from './program/types.js';

export interface ContainerRuntime {
  /** Resolves and "pulls" an image reference as containerd would, with the pod's imagePullSecrets names. */
  pull(image: string, pullSecrets: readonly string[]): PullResult;
  start(input: ContainerInput): RunningProgram;
}
