import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { HOUR, MINUTE, toMs } from './time.js';

/** A container's spec and status side by side, init containers included. */
export interface ContainerView {
  readonly name: string;
  readonly init: boolean;
  readonly spec?: V1Container;
  readonly status: V1ContainerStatus;
}

export function containerViews(pod: V1Pod): ContainerView[] {
  const views: ContainerView[] = [];
  const add = (
    specs: readonly V1Container[] | undefined,
    statuses: readonly V1ContainerStatus[] | undefined,
    init: boolean,
  ) => {
    for (const status of statuses ?? []) {
      const spec = specs?.find((c) => c.name === status.name);
      views.push({ name: status.name, init, status, ...(spec ? { spec } : {}) });
    }
  };
  add(pod.spec?.initContainers, pod.status?.initContainerStatuses, true);
  add(pod.spec?.containers, pod.status?.containerStatuses, false);
  return views;
}

/** When the pod started running (or was created): the base for restart rates. */
function podStartMs(pod: V1Pod): number | undefined {
  return toMs(pod.status?.startTime) ?? toMs(pod.metadata?.creationTimestamp);
}

// A pod minutes old with 2 restarts should not read as "24 restarts an hour": rates use at least this much age.
const MIN_RATE_WINDOW = 15 * MINUTE;

/** Restarts per hour over the pod's life: a count alone cannot tell a crash loop from a month of rare restarts. */
export function restartsPerHour(pod: V1Pod, status: V1ContainerStatus, nowMs: number): number {
  const start = podStartMs(pod);
  const age = start === undefined ? MIN_RATE_WINDOW : Math.max(nowMs - start, MIN_RATE_WINDOW);
  return Math.round((status.restartCount / (age / HOUR)) * 10) / 10;
}

export function containerLabel(view: Pick<ContainerView, 'name' | 'init'>): string {
  return `${view.init ? 'init container' : 'container'} "${view.name}"`;
}

/** The state part of a container status, the bit `kubectl get pod -o yaml` shows a person. */
export function containerStatusExcerpt(status: V1ContainerStatus): Record<string, unknown> {
  return {
    containerStatus: {
      name: status.name,
      image: status.image,
      ready: status.ready,
      restartCount: status.restartCount,
      ...(status.started !== undefined ? { started: status.started } : {}),
      ...(status.state ? { state: status.state } : {}),
      ...(status.lastState && Object.keys(status.lastState).length > 0 ? { lastState: status.lastState } : {}),
    },
  };
}

export function isTerminalPod(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
