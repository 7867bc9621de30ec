// Shared helpers for the program-model tests: start a container from a catalogue image and read its output.

import assert from 'node:assert/strict';
import { type ImageInfo, resolveImage } from '../../../src/sim/kubelet/images.js';
import { startProgram } from '../../../src/sim/kubelet/program/index.js';
import type { ContainerInput, ProgramEvent, RunningProgram } from '../../../src/sim/kubelet/program/types.js';

export const MIB = 1024 * 1024;

export function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) assert.fail(`${ref} should resolve: ${r.message}`);
  return r.image;
}

export function start(ref: string, input: Partial<ContainerInput> = {}): RunningProgram {
  return startProgram({ name: 'app', image: image(ref), env: {}, files: {}, ports: [], ...input });
}

export interface Run {
  readonly program: RunningProgram;
  readonly events: ProgramEvent[];
  readonly stdout: string[];
  readonly stderr: string[];
  /** Both streams in time order. */
  readonly lines: string[];
  readonly exit: Extract<ProgramEvent, { type: 'exit' }> | undefined;
}

export function summarize(program: RunningProgram, events: ProgramEvent[]): Run {
  const logs = events.filter((e): e is Extract<ProgramEvent, { type: 'log' }> => e.type === 'log');
  return {
    program,
    events,
    stdout: logs.filter((e) => e.stream === 'stdout').map((e) => e.line),
    stderr: logs.filter((e) => e.stream === 'stderr').map((e) => e.line),
    lines: logs.map((e) => e.line),
    exit: events.find((e): e is Extract<ProgramEvent, { type: 'exit' }> => e.type === 'exit'),
  };
}

/** Starts a container and advances it to `untilMs`. */
export function run(ref: string, input: Partial<ContainerInput> = {}, untilMs = 10_000): Run {
  const program = start(ref, input);
  return summarize(program, program.advance(untilMs));
}

/** `sh -c SCRIPT` in an image (busybox by default). */
export function sh(script: string, input: Partial<ContainerInput> = {}, ref = 'busybox:1.36', untilMs = 10_000): Run {
  return run(ref, { command: ['sh', '-c', script], ...input }, untilMs);
}
