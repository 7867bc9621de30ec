import * as k8s from '@kubernetes/client-node';
import { IncidentWatcher, type WatcherOptions } from '../detect/watcher.js';
import type { Connection } from '../kube/connect.js';

export interface WatchOptions {
  readonly namespace?: string;
  readonly fullPassMs?: number;
  readonly tracker?: WatcherOptions['tracker'];
  readonly onError?: WatcherOptions['onError'];
}

/** An IncidentWatcher that also reads the failing containers' logs (the evidence of crashes). */
export function incidentWatcher(conn: Connection, options: WatchOptions = {}): IncidentWatcher {
  const core = conn.kc.makeApiClient(k8s.CoreV1Api);
  return new IncidentWatcher({
    kc: conn.kc,
    cluster: conn.context,
    ...options,
    logs: async (namespace, name, container, previous) => {
      try {
        return await core.readNamespacedPodLog({ name, namespace, container, previous, tailLines: 50 });
      } catch {
        return undefined;
      }
    },
  });
}
