import type { CoreV1Event } from '@kubernetes/client-node';
import { toMs } from './time.js';

/** When the event last happened: series, then lastTimestamp, then eventTime (events.k8s.io), then creation. */
export function eventLastSeen(e: CoreV1Event): number | undefined {
  return (
    toMs(e.series?.lastObservedTime) ??
    toMs(e.lastTimestamp) ??
    toMs(e.eventTime) ??
    toMs(e.metadata?.creationTimestamp)
  );
}

export function eventFirstSeen(e: CoreV1Event): number | undefined {
  return toMs(e.firstTimestamp) ?? toMs(e.eventTime) ?? toMs(e.metadata?.creationTimestamp) ?? eventLastSeen(e);
}

export function eventCount(e: CoreV1Event): number {
  return e.series?.count ?? e.count ?? 1;
}

/** The container an event is about, from `involvedObject.fieldPath` such as `spec.containers{app}`. */
export function eventContainer(e: CoreV1Event): string | undefined {
  const m = /\{([^}]+)\}/.exec(e.involvedObject?.fieldPath ?? '');
  return m?.[1];
}

export function isWarning(e: CoreV1Event): boolean {
  return e.type === 'Warning';
}
