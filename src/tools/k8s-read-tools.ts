// Looking at objects: a compact list, one trimmed object, a describe with the object's own events, and events.

import type * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { describeSummary, oneLine } from './describe-summary.js';
import {
  age,
  capped,
  clusterFailure,
  type K8sToolsOptions,
  type KindInfo,
  kindInfo,
  kindParam,
  namespaceParam,
  objectApi,
  ref,
  unknownKind,
} from './k8s-support.js';
import { redact, table, toYaml, trimObject } from './output.js';
import type { Tool } from './tool.js';

type Obj = k8s.KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, { reason?: string; exitCode?: number; message?: string } | undefined>;
  lastState?: Record<string, { reason?: string; exitCode?: number; finishedAt?: string } | undefined>;
}

function podStatus(pod: Obj): string {
  const status = pod.status as { phase?: string; reason?: string; containerStatuses?: ContainerStatus[] } | undefined;
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  for (const c of status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason;
    if (waiting) return waiting;
    const terminated = c.state?.terminated;
    if (terminated) return terminated.reason ?? `ExitCode:${terminated.exitCode}`;
  }
  return status?.reason ?? status?.phase ?? 'Unknown';
}

/** Per-kind columns, like kubectl's printer; other kinds get NAME and AGE. */
function columns(kind: string): { headers: string[]; row: (o: Obj) => string[] } {
  const num = (v: unknown) => (typeof v === 'number' ? String(v) : '0');
  if (kind === 'Pod')
    return {
      headers: ['READY', 'STATUS', 'RESTARTS', 'NODE'],
      row: (o) => {
        const cs = (o.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
        const total = (o.spec?.containers as unknown[] | undefined)?.length ?? cs.length;
        return [
          `${cs.filter((c) => c.ready).length}/${total}`,
          podStatus(o),
          String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
          String(o.spec?.nodeName ?? '<none>'),
        ];
      },
    };
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet')
    return {
      headers: ['READY', 'UP-TO-DATE', 'AVAILABLE'],
      row: (o) => [
        `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`,
        num(o.status?.updatedReplicas ?? o.status?.fullyLabeledReplicas),
        num(o.status?.availableReplicas),
      ],
    };
  if (kind === 'Node')
    return {
      headers: ['STATUS'],
      row: (o) => {
        const ready = (o.status?.conditions as { type: string; status: string }[] | undefined)?.find(
          (c) => c.type === 'Ready',
        );
        return [
          `${ready?.status === 'True' ? 'Ready' : 'NotReady'}${o.spec?.unschedulable ? ',SchedulingDisabled' : ''}`,
        ];
      },
    };
  if (kind === 'PersistentVolumeClaim')
    return {
      headers: ['STATUS', 'STORAGECLASS'],
      row: (o) => [String(o.status?.phase ?? ''), String(o.spec?.storageClassName ?? '<none>')],
    };
  if (kind === 'Service')
    return {
      headers: ['TYPE', 'CLUSTER-IP', 'SELECTOR'],
      row: (o) => [
        String(o.spec?.type ?? 'ClusterIP'),
        String(o.spec?.clusterIP ?? ''),
        Object.entries((o.spec?.selector as Record<string, string> | undefined) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      ],
    };
  return { headers: [], row: () => [] };
}

function resolve(kind: string, namespace: string | undefined, fallback: string) {
  const info = kindInfo(kind);
  return info ? { info, namespace: namespace ?? fallback } : undefined;
}

const listParams = z.object({
  kind: kindParam,
  namespace: namespaceParam,
  allNamespaces: z.boolean().default(false),
  labelSelector: z.string().optional().describe('e.g. app=web'),
});

export function listTool(o: K8sToolsOptions): Tool<typeof listParams> {
  return {
    name: 'k8s_list',
    description: 'Objects of one kind as a table with status columns.',
    parameters: listParams,
    effect: 'read',
    async run(args) {
      const r = resolve(args.kind, args.namespace, o.conn.namespace);
      if (!r) return unknownKind(args.kind);
      const ns = r.info.namespaced && !args.allNamespaces ? r.namespace : undefined;
      let items: Obj[];
      try {
        const list = await objectApi(o.conn).list<Obj>(
          r.info.apiVersion,
          r.info.kind,
          ns,
          undefined,
          undefined,
          undefined,
          undefined,
          args.labelSelector,
        );
        items = list.items;
      } catch (err) {
        return clusterFailure(err, { verb: 'list', resource: r.info.kind, ...(ns ? { namespace: ns } : {}) }, o.conn);
      }
      if (items.length === 0)
        return {
          ok: true,
          content: `No ${r.info.kind} found${ns ? ` in namespace ${ns}` : ''}${args.labelSelector ? ` matching ${args.labelSelector}` : ''}.`,
        };
      const c = columns(r.info.kind);
      const showNs = r.info.namespaced && ns === undefined;
      const headers = [...(showNs ? ['NAMESPACE'] : []), 'NAME', ...c.headers, 'AGE'];
      const rows = items.map((it) => [
        ...(showNs ? [it.metadata?.namespace ?? ''] : []),
        it.metadata?.name ?? '',
        ...c.row(it),
        age(it.metadata?.creationTimestamp),
      ]);
      return capped(table(headers, rows), o.maxChars, { narrow: 'pass a namespace or a labelSelector' });
    },
  };
}

const getParams = z.object({ kind: kindParam, name: z.string().min(1), namespace: namespaceParam });

async function readObject(o: K8sToolsOptions, info: KindInfo, name: string, namespace: string) {
  return objectApi(o.conn).read<Obj>(ref(info, name, namespace));
}

export function getTool(o: K8sToolsOptions): Tool<typeof getParams> {
  return {
    name: 'k8s_get',
    description: 'One object as YAML, without managedFields, status noise or secret values.',
    parameters: getParams,
    effect: 'read',
    async run(args) {
      const r = resolve(args.kind, args.namespace, o.conn.namespace);
      if (!r) return unknownKind(args.kind);
      try {
        const obj = await readObject(o, r.info, args.name, r.namespace);
        return capped(toYaml(trimObject(obj)), o.maxChars, { narrow: 'use k8s_describe for a summary' });
      } catch (err) {
        return clusterFailure(
          err,
          { verb: 'get', resource: `${r.info.kind}/${args.name}`, namespace: r.namespace },
          o.conn,
        );
      }
    },
  };
}

interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: Date | string;
  eventTime?: Date | string;
  firstTimestamp?: Date | string;
  involvedObject?: { kind?: string; name?: string; uid?: string };
  metadata?: { creationTimestamp?: Date | string };
}

function when(e: EventLike): Date | string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
}

/** Warnings first, newest first within each type. */
export function eventTable(events: readonly EventLike[], withObject: boolean): string {
  const sorted = [...events].sort((a, b) => {
    const w = Number(b.type === 'Warning') - Number(a.type === 'Warning');
    return w !== 0 ? w : new Date(when(b) ?? 0).getTime() - new Date(when(a) ?? 0).getTime();
  });
  const rows = sorted.map((e) => [
    e.type ?? '',
    e.reason ?? '',
    ...(withObject ? [`${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`] : []),
    e.count && e.count > 1 ? `${age(when(e))} (x${e.count})` : age(when(e)),
    oneLine(e.message ?? ''),
  ]);
  return table(['TYPE', 'REASON', ...(withObject ? ['OBJECT'] : []), 'LAST SEEN', 'MESSAGE'], rows);
}

/**
 * Every event when asked; otherwise the Warnings and one line counting the Normal ones by reason. Normal events
 * (Scheduled, Pulled, Created, Started...) are most of a namespace's events and rarely the cause, but their
 * reasons stay visible (a Killing or a ScalingReplicaSet) so the model knows when to ask for them.
 */
export function eventsSection(
  events: readonly EventLike[],
  options: { readonly withObject: boolean; readonly includeNormal: boolean; readonly askWith: string },
): string {
  if (options.includeNormal) return eventTable(events, options.withObject);
  const warnings = events.filter((e) => e.type !== 'Normal');
  const normal = events.filter((e) => e.type === 'Normal');
  const byReason = new Map<string, number>();
  for (const e of normal) byReason.set(e.reason ?? '?', (byReason.get(e.reason ?? '?') ?? 0) + (e.count ?? 1));
  const counts = [...byReason].map(([reason, n]) => (n > 1 ? `${reason} x${n}` : reason)).join(', ');
  const summary = normal.length
    ? `Normal events: ${normal.length} not shown (${counts}); ${options.askWith} lists them.`
    : 'Normal events: none.';
  return warnings.length ? `${eventTable(warnings, options.withObject)}\n${summary}` : `No Warning events. ${summary}`;
}

async function listEvents(o: K8sToolsOptions, namespace: string | undefined, fieldSelector?: string) {
  const list = await objectApi(o.conn).list<EventLike & Obj>(
    'v1',
    'Event',
    namespace,
    undefined,
    undefined,
    undefined,
    fieldSelector,
  );
  return list.items;
}

const describeParams = getParams.extend({
  full: z.boolean().default(false).describe('Add the YAML and Normal events'),
});

export function describeTool(o: K8sToolsOptions): Tool<typeof describeParams> {
  return {
    name: 'k8s_describe',
    description: 'Key facts of one object, like kubectl describe, and its Warning events.',
    parameters: describeParams,
    effect: 'read',
    async run(args) {
      const r = resolve(args.kind, args.namespace, o.conn.namespace);
      if (!r) return unknownKind(args.kind);
      let obj: Obj;
      try {
        obj = await readObject(o, r.info, args.name, r.namespace);
      } catch (err) {
        return clusterFailure(
          err,
          { verb: 'get', resource: `${r.info.kind}/${args.name}`, namespace: r.namespace },
          o.conn,
        );
      }
      const summary = describeSummary(obj);
      const parts = summary ? [redact(summary)] : [];
      // Events by uid: a same-named object deleted and recreated does not lend its old events to the new one.
      let events: EventLike[] = [];
      try {
        const uid = obj.metadata?.uid;
        events = await listEvents(
          o,
          r.info.namespaced ? r.namespace : 'default',
          uid ? `involvedObject.uid=${uid}` : `involvedObject.name=${args.name}`,
        );
        if (uid) events = events.filter((e) => e.involvedObject?.uid === undefined || e.involvedObject.uid === uid);
      } catch (err) {
        parts.push(`Events: unavailable (${(err as Error).message})`);
      }
      parts.push(
        events.length
          ? `Events:\n${redact(eventsSection(events, { withObject: false, includeNormal: args.full, askWith: 'full: true' }))}`
          : 'Events: <none>',
      );
      // Kinds without a summary (a Service, a ConfigMap) are short enough to show whole.
      if (args.full || !summary) parts.push(`Object:\n${toYaml(trimObject(obj))}`);
      return capped(parts.join('\n\n'), o.maxChars, { narrow: 'use k8s_events or k8s_get for one part' });
    },
  };
}

const eventsParams = z.object({
  namespace: namespaceParam,
  kind: kindParam.optional(),
  name: z.string().optional().describe('Only events about this object'),
  includeNormal: z.boolean().default(false).describe('List Normal events too'),
});

export function eventsTool(o: K8sToolsOptions): Tool<typeof eventsParams> {
  return {
    name: 'k8s_events',
    description: 'Warning events in a namespace or about one object; Normal ones counted.',
    parameters: eventsParams,
    effect: 'read',
    async run(args) {
      const namespace = args.namespace ?? o.conn.namespace;
      const selectors: string[] = [];
      if (args.kind) {
        const info = kindInfo(args.kind);
        if (!info) return unknownKind(args.kind);
        selectors.push(`involvedObject.kind=${info.kind}`);
      }
      if (args.name) selectors.push(`involvedObject.name=${args.name}`);
      try {
        const events = await listEvents(o, namespace, selectors.join(',') || undefined);
        if (events.length === 0)
          return { ok: true, content: `No events in namespace ${namespace}${args.name ? ` about ${args.name}` : ''}.` };
        const text = eventsSection(events, {
          withObject: true,
          includeNormal: args.includeNormal,
          askWith: 'includeNormal: true',
        });
        return capped(redact(text), o.maxChars, { narrow: 'pass kind and name' });
      } catch (err) {
        return clusterFailure(err, { verb: 'list', resource: 'events', namespace }, o.conn);
      }
    },
  };
}
