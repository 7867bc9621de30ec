// Programs the model cannot see into: an unknown image's app (runs forever, serves its declared ports with
// 200, uses about its memory request), the pause container, and tools that exist but are not modelled.

import type { Proc } from '../proc.js';
import { flat, oneShot, TimelineProc } from '../timeline-proc.js';
import { MIB, type ProgramEnv } from './program.js';

const DEFAULT_MEMORY = 24 * MIB;

/** About what the container asked for: 90% of the memory request (so limit == request does not OOM). */
export function genericMemory(env: ProgramEnv): number {
  const { memoryRequestBytes: request, memoryLimitBytes: limit } = env.ctx.host;
  if (request !== undefined && request > 0) return Math.round(request * 0.9);
  if (limit !== undefined && limit > 0) return Math.min(DEFAULT_MEMORY, Math.round(limit * 0.5));
  return DEFAULT_MEMORY;
}

/** Half the CPU request (50% utilisation: neither idle nor a reason for an HPA to scale). */
export function genericCpu(env: ProgramEnv): number {
  const request = env.ctx.host.cpuRequestMillis;
  return request !== undefined && request > 0 ? Math.round(request / 2) : 5;
}

export function startGenericApp(env: ProgramEnv): Proc {
  return new TimelineProc(
    {
      lines: [],
      memory: flat(genericMemory(env)),
      cpu: flat(genericCpu(env)),
      server: { ports: env.ctx.host.declaredPorts, readyAtMs: 0, handle: () => ({ status: 200, body: 'OK\n' }) },
    },
    env.io,
  );
}

export function startPause(env: ProgramEnv): Proc {
  return new TimelineProc({ lines: [], memory: flat(0.3 * MIB), cpu: flat(0) }, env.io);
}

/** A tool the image has but the model does not implement (`apk`, `sed`, `pip`): succeeds quietly. */
export function startInert(env: ProgramEnv): Proc {
  return oneShot(env.io, 0, []);
}

/** A shell or REPL reading a standard input that stays open (`stdin: true`): it waits forever. */
export function waitingOnStdin(env: ProgramEnv, memoryMb: number): Proc {
  return new TimelineProc({ lines: [], memory: flat(memoryMb * MIB), cpu: flat(0) }, env.io);
}
