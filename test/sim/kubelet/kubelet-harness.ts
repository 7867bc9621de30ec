// An in-process simulated cluster for scheduler/kubelet tests: store, fast clock, event recorder and the node
// controllers, with nodes seeded like the simulator's, plus small helpers to create objects and wait.

import { createClock, type SimClock } from '../../../src/sim/clock.js';
import { type RunningControllers, runControllers } from '../../../src/sim/controllers/controller.js';
import { createEventRecorder } from '../../../src/sim/controllers/event-recorder.js';
import type { ContainerRuntime } from '../../../src/sim/kubelet/container-runtime.js';
import { createNodeControllers } from '../../../src/sim/kubelet/node-agents.js';
import type { KubeObject } from '../../../src/sim/objects.js';
import { RESOURCES } from '../../../src/sim/resources.js';
import { simNode } from '../../../src/sim/sim-node.js';
import { LogStore } from '../../../src/sim/store/log-store.js';
import { ObjectStore } from '../../../src/sim/store/object-store.js';

export const byPlural = (plural: string, group = '') =>
  RESOURCES.find((r) => r.plural === plural && r.group === group)!;
export const PODS = byPlural('pods');
export const NODES = byPlural('nodes');
export const EVENTS = byPlural('events');

export interface Cluster {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly clock: SimClock;
  readonly controllers: RunningControllers;
  create(plural: string, obj: Record<string, unknown>, group?: string): KubeObject;
  pod(name: string, namespace?: string): KubeObject | undefined;
  events(
    name: string,
    namespace?: string,
  ): { reason: string; message: string; type: string; count: number; source: string }[];
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): void;
}

export interface NodeSeed {
  readonly name: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  readonly labels?: Record<string, string>;
  readonly taints?: { key: string; value?: string; effect: string }[];
}

export function nodeObject(seed: NodeSeed, i: number): Record<string, unknown> {
  return simNode({
    name: seed.name,
    index: i,
    ...(seed.cpu ? { cpu: seed.cpu } : {}),
    ...(seed.memory ? { memory: seed.memory } : {}),
    ...(seed.pods ? { pods: seed.pods } : {}),
    ...(seed.labels ? { labels: seed.labels } : {}),
    ...(seed.taints ? { taints: seed.taints } : {}),
  });
}

export function startCluster(opts: {
  runtime: ContainerRuntime;
  speed?: number;
  nodes?: readonly NodeSeed[];
}): Cluster {
  const clock = createClock(opts.speed ?? 100);
  const store = new ObjectStore({ now: () => clock.now() });
  const logs = new LogStore();
  for (const name of ['default', 'kube-system', 'kube-node-lease'])
    store.create(byPlural('namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    });
  const seeds = opts.nodes ?? [1, 2, 3].map((i) => ({ name: `sim-node-${i}` }));
  for (const [i, s] of seeds.entries()) store.create(NODES, nodeObject(s, i + 1) as unknown as KubeObject);
  const events = createEventRecorder(store, clock);
  const ctx = { store, logs, clock, events };
  const controllers = runControllers(ctx, createNodeControllers(ctx, opts.runtime));
  return {
    store,
    logs,
    clock,
    controllers,
    create(plural, obj, group = '') {
      const meta = (obj.metadata ?? {}) as Record<string, unknown>;
      const r = byPlural(plural, group);
      const withNs = r.namespaced ? { ...obj, metadata: { namespace: 'default', ...meta } } : obj;
      return store.create(r, withNs as unknown as KubeObject);
    },
    pod: (name, namespace = 'default') => store.get(PODS, namespace, name),
    events(name, namespace = 'default') {
      return store
        .all(EVENTS, namespace)
        .filter((e) => (e.involvedObject as { name?: string }).name === name)
        .map((e) => ({
          reason: String(e.reason),
          message: String(e.message),
          type: String(e.type),
          count: Number(e.count),
          source: String((e.source as { component?: string }).component),
        }));
    },
    async waitFor(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = check();
        if (v !== undefined && v !== false) return v as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    stop: () => controllers.stop(),
  };
}

/** A bare pod manifest with one container. */
export function podManifest(
  name: string,
  container: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'app', ...container }], ...spec },
  };
}

type ContainerStatus = {
  name: string;
  ready: boolean;
  restartCount: number;
  state: {
    waiting?: { reason: string; message?: string };
    running?: object;
    terminated?: { reason: string; exitCode: number };
  };
  lastState: { terminated?: { reason: string; exitCode: number; startedAt: string; finishedAt: string } };
};

export function containerStatus(pod: KubeObject | undefined, name = 'app', init = false): ContainerStatus | undefined {
  const list = (pod?.status as Record<string, ContainerStatus[]> | undefined)?.[
    init ? 'initContainerStatuses' : 'containerStatuses'
  ];
  return list?.find((c) => c.name === name);
}

export function condition(
  pod: KubeObject | undefined,
  type: string,
): { status: string; reason?: string; message?: string } | undefined {
  return (
    pod?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined
  )?.conditions?.find((c) => c.type === type);
}

export function nodeName(pod: KubeObject | undefined): string | undefined {
  return (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
}

export function phase(pod: KubeObject | undefined): string | undefined {
  return (pod?.status as { phase?: string } | undefined)?.phase;
}
