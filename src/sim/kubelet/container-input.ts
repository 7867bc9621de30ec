// What kubelet hands the container runtime for one start, in the program model's terms: the resolved env,
// mounted files, resources in bytes and millicores, and the pod's identity and network.

import type { KubeObject } from '../objects.js';
import { quantityValue } from '../scheduler/pod-requests.js';
import type { Container } from '../scheduler/pod-shape.js';
import type { ImageInfo } from './images.js';
import { containerFiles, type VolumeFiles } from './pod-volumes.js';
import type { ContainerInput, ContainerNetwork } from './program/types.js';

export interface StartContext {
  readonly pod: KubeObject;
  readonly spec: Container;
  readonly image: ImageInfo;
  readonly env: Record<string, string>;
  readonly volumes: ReadonlyMap<string, VolumeFiles>;
  readonly podIP: string;
  readonly network: ContainerNetwork | undefined;
  readonly nowMs: number;
}

export function containerInput(c: StartContext): ContainerInput {
  const { spec, pod } = c;
  const files = containerFiles(pod, spec, c.volumes);
  const limits = spec.resources?.limits ?? {};
  const requests = spec.resources?.requests ?? {};
  // Like the API server's defaulting, a limit without a request is the request.
  const memoryRequest = requests.memory ?? limits.memory;
  const cpuRequest = requests.cpu ?? limits.cpu;
  return {
    name: spec.name,
    image: c.image,
    // The program model merges these with the image's ENTRYPOINT/CMD and expands `$(VAR)` itself.
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    env: c.env,
    files: files.files,
    fileModes: files.fileModes,
    mounts: files.mounts,
    ...(limits.memory !== undefined ? { memoryLimitBytes: quantityValue('memory', limits.memory) } : {}),
    ...(memoryRequest !== undefined ? { memoryRequestBytes: quantityValue('memory', memoryRequest) } : {}),
    ...(cpuRequest !== undefined ? { cpuRequestMillis: quantityValue('cpu', cpuRequest) } : {}),
    ...(limits.cpu !== undefined ? { cpuLimitMillis: quantityValue('cpu', limits.cpu) } : {}),
    annotations: pod.metadata.annotations ?? {},
    ports: (spec.ports ?? []).map((p) => p.containerPort),
    startedAtMs: c.nowMs,
    hostname: pod.metadata.name ?? spec.name,
    podIp: c.podIP,
    ...(c.network ? { network: c.network } : {}),
  };
}
