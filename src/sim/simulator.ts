// Assembles the simulated cluster: store + admission + API server (+ controllers and kubelet when they are
// enabled) and the kubeconfig that reaches it. Product code never imports this; only the CLI's `sim` and
// `demo` commands and the tests do.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultObject, invalidMessage, qualifiedKind, validateObject } from './admission/index.js';
import { type ApiServer, startApiServer } from './api/api-server.js';
import { createClock, type SimClock } from './clock.js';
import { type ControllerStats, type RunningControllers, runControllers } from './controllers/controller.js';
import { createEventRecorder } from './controllers/event-recorder.js';
import { installPolicyAdmission, workloadControllers } from './controllers/index.js';
import { writeSimKubeconfig } from './kubeconfig.js';
import { metricsApi, nodeControllers, podMetricsSource } from './kubelet/index.js';
import type { KubeObject } from './objects.js';
import { RESOURCES } from './resources.js';
import { simNode } from './sim-node.js';
import { LogStore } from './store/log-store.js';
import { ObjectStore } from './store/object-store.js';
import { errors } from './store/status-error.js';

export interface SimulatorOptions {
  readonly port?: number;
  /** Where to write the kubeconfig; a temp file when omitted (removed on close). */
  readonly kubeconfigPath?: string;
  /** Simulated clock speed factor (1 = real time). */
  readonly speed?: number;
  /** Watch history window in events (older resourceVersions get 410). */
  readonly historySize?: number;
  /** Number of worker nodes to create. */
  readonly nodes?: number;
  /**
   * Run controllers, scheduler and kubelet (default true). API-server tests turn them off to drive
   * object status themselves.
   */
  readonly controllers?: boolean;
  /** Resources (plurals) every request is denied, as RBAC would (tests of missing permissions). */
  readonly forbidden?: readonly string[];
}

export interface Simulator {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly clock: SimClock;
  requestCount(): number;
  /** Reconcile counters per controller (empty when controllers are off), for benchmarks. */
  controllerStats(): readonly ControllerStats[];
  /** Ends every open watch and log stream (clients reconnect), to test resilience and 410 recovery. */
  dropWatches(): void;
  close(): Promise<void>;
}

const byPlural = (plural: string, group = '') => RESOURCES.find((r) => r.plural === plural && r.group === group)!;

/**
 * The built-in admission chain of a real API server for user writes: defaulting, then validation (422 with
 * kube-apiserver's causes). Exported so in-process test clusters admit exactly what the simulator admits.
 */
export function installCoreAdmission(store: ObjectStore): void {
  store.addAdmission((req) => {
    if (req.operation === 'DELETE') return req.object;
    // Status and binding writes come from controllers and the scheduler; users' spec validation does not apply.
    if (req.subresource) return req.object;
    const obj = defaultObject(req.resource, req.object);
    const causes = validateObject(req.resource, obj, req.old);
    if (causes.length > 0) {
      const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
      throw errors.invalid(
        req.resource.kind,
        req.resource.group,
        name,
        invalidMessage(qualifiedKind(req.resource), name, causes),
        causes,
      );
    }
    return obj;
  });
}

function seed(store: ObjectStore, nodes: number): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    store.create(byPlural('namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    } as KubeObject);
  for (let i = 1; i <= nodes; i++)
    store.create(
      byPlural('nodes'),
      simNode({
        name: `sim-node-${i}`,
        index: i,
        allocatable: { cpu: '3800m', memory: '15Gi' },
        labels: { 'node.kubernetes.io/instance-type': 'sim.large' },
      }),
    );
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = createClock(options.speed ?? 1);
  const store = new ObjectStore({ historySize: options.historySize ?? 10_000, now: () => clock.now() });
  const logs = new LogStore();
  installCoreAdmission(store);
  const withControllers = options.controllers ?? true;
  if (withControllers) installPolicyAdmission(store);
  seed(store, options.nodes ?? 3);
  const api: ApiServer = await startApiServer({
    store,
    logs,
    now: () => clock.now(),
    ...(withControllers ? { extraApis: [metricsApi({ store, clock })] } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.forbidden ? { forbidden: options.forbidden } : {}),
  });
  let controllers: RunningControllers | undefined;
  if (withControllers) {
    const ctx = { store, logs, clock, events: createEventRecorder(store, clock) };
    controllers = runControllers(ctx, [
      ...workloadControllers(ctx, { metrics: podMetricsSource(store) }),
      ...nodeControllers(ctx),
    ]);
  }
  let tempDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (!kubeconfigPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'kubemend-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig.yaml');
  }
  writeSimKubeconfig(kubeconfigPath, api.url);
  return {
    url: api.url,
    kubeconfigPath,
    store,
    logs,
    clock,
    requestCount: () => api.requestCount(),
    controllerStats: () => controllers?.stats() ?? [],
    dropWatches: () => api.dropStreams(),
    async close() {
      controllers?.stop();
      await api.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
