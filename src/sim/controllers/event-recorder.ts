// Events as Kubernetes components record them: involvedObject with uid, source component, first/last
// timestamps, and repeats folded into one event whose count rises (what `kubectl describe` shows as
// "x5 over 2m").

import type { SimClock } from '../clock.js';
import type { KubeObject } from '../objects.js';
import { RESOURCES } from '../resources.js';
import type { ObjectStore } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';

const EVENTS = RESOURCES.find((r) => r.plural === 'events' && r.group === '')!;

export interface EventInput {
  readonly object: KubeObject;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** e.g. 'kubelet', 'default-scheduler', 'deployment-controller'. */
  readonly component: string;
  /** For kubelet events: the node name. */
  readonly host?: string;
  /** e.g. 'spec.containers{app}'. */
  readonly fieldPath?: string;
}

export interface EventRecorder {
  record(e: EventInput): void;
}

export function createEventRecorder(store: ObjectStore, clock: SimClock): EventRecorder {
  // key of an event series -> name of the stored Event, so repeats bump the count.
  const series = new Map<string, string>();
  return {
    record(e) {
      const meta = e.object.metadata;
      const namespace = meta.namespace ?? 'default';
      const key = [namespace, meta.uid, e.reason, e.message, e.fieldPath ?? '', e.component].join('\u0000');
      const now = isoSeconds(clock.now());
      const existing = series.get(key);
      if (existing) {
        const updated = store.modify(EVENTS, namespace, existing, (ev) => {
          ev.count = (typeof ev.count === 'number' ? ev.count : 1) + 1;
          ev.lastTimestamp = now;
        });
        if (updated) return;
      }
      const name = `${meta.name}.${(clock.now().getTime() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      try {
        store.create(EVENTS, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            kind: e.object.kind,
            namespace: meta.namespace,
            name: meta.name,
            uid: meta.uid,
            apiVersion: e.object.apiVersion,
            resourceVersion: meta.resourceVersion,
            ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
          },
          reason: e.reason,
          message: e.message,
          source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          type: e.type,
          eventTime: null,
          reportingComponent: e.component,
          reportingInstance: e.host ?? '',
        } as unknown as KubeObject);
        series.set(key, name);
      } catch {
        // Events are best effort, as in Kubernetes: a namespace being deleted refuses them.
      }
    },
  };
}
