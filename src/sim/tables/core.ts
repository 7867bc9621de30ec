// Printers for core/v1 kinds other than pods (and events.k8s.io/v1 events, printed through the same columns
// after mapping their renamed fields, as kube-apiserver converts them to the one internal Event type).

import type { KubeObject } from '../objects.js';
import { formatAge, formatLabels, listWithMore, quantityCell } from './format.js';
import { AGE_COLUMN, ageOf, column, NAME_COLUMN, nameOf, type Printer, wide } from './printer.js';
import { arr, int, type JsonRecord, rec, str, timeOf } from './read.js';

function externalIP(svc: JsonRecord, status: JsonRecord): string {
  const externalIPs = arr(svc.externalIPs).map(str);
  switch (str(svc.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [
        ...new Set(
          arr(rec(status.loadBalancer).ingress)
            .map(rec)
            .map((i) => str(i.ip) || str(i.hostname))
            .filter((s) => s !== ''),
        ),
      ];
      const all = [...lb, ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(svc.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: JsonRecord): string {
  const ports = arr(svc.ports).map(rec);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const nodePort = int(p.nodePort);
      return nodePort > 0 ? `${int(p.port)}:${nodePort}/${str(p.protocol)}` : `${int(p.port)}/${str(p.protocol)}`;
    })
    .join(',');
}

export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(svc, now) {
    const s = rec(svc.spec);
    // The real API keeps clusterIP and clusterIPs[0] in sync; either one identifies the service IP.
    const clusterIP = str(arr(s.clusterIPs)[0]) || str(s.clusterIP) || '<none>';
    return [
      nameOf(svc),
      str(s.type),
      clusterIP,
      externalIP(s, rec(svc.status)),
      servicePorts(s),
      ageOf(svc, now),
      formatLabels(s.selector),
    ];
  },
};

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(status: JsonRecord, type: string): string {
  const a = arr(status.addresses)
    .map(rec)
    .find((x) => str(x.type) === type);
  return a ? str(a.address) : '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of addresses reachable to the node.'),
    wide('External-IP', 'List of addresses reachable to the node.'),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
    ),
  ],
  cells(node, now) {
    const status = rec(node.status);
    const ready = arr(status.conditions)
      .map(rec)
      .find((c) => str(c.type) === 'Ready');
    const states = [ready === undefined ? 'Unknown' : str(ready.status) === 'True' ? 'Ready' : 'NotReady'];
    if (rec(node.spec).unschedulable === true) states.push('SchedulingDisabled');
    const info = rec(status.nodeInfo);
    return [
      nameOf(node),
      states.join(','),
      nodeRoles(node),
      ageOf(node, now),
      str(info.kubeletVersion),
      nodeAddress(status, 'InternalIP'),
      nodeAddress(status, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [nameOf(ns), str(rec(ns.status).phase), ageOf(ns, now)],
};

/** The fields printEvent reads, from either core/v1 or events.k8s.io/v1 shape. */
interface EventView {
  readonly first: unknown;
  readonly last: unknown;
  readonly eventTime: unknown;
  readonly count: number;
  readonly series: JsonRecord | undefined;
  readonly involved: JsonRecord;
  readonly source: JsonRecord;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly message: string;
}

function eventView(ev: KubeObject): EventView {
  const series = ev.series === undefined ? undefined : rec(ev.series);
  if (ev.apiVersion.startsWith('events.k8s.io/')) {
    return {
      first: ev.deprecatedFirstTimestamp,
      last: ev.deprecatedLastTimestamp,
      eventTime: ev.eventTime,
      count: int(ev.deprecatedCount),
      series,
      involved: rec(ev.regarding),
      source: rec(ev.deprecatedSource),
      reportingController: str(ev.reportingController),
      reportingInstance: str(ev.reportingInstance),
      message: str(ev.note),
    };
  }
  return {
    first: ev.firstTimestamp,
    last: ev.lastTimestamp,
    eventTime: ev.eventTime,
    count: int(ev.count),
    series,
    involved: rec(ev.involvedObject),
    source: rec(ev.source),
    reportingController: str(ev.reportingComponent),
    reportingInstance: str(ev.reportingInstance),
    message: str(ev.message),
  };
}

function since(v: unknown, now: Date): string {
  return timeOf(v) === undefined ? '<unknown>' : formatAge(str(v), now);
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column(
      'Reason',
      'string',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'string', 'The object that this event is about.'),
    wide(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
    ),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    wide('Count', 'The number of times this event has occurred.'),
    { ...wide('Name', 'Name of the event.'), format: 'name' },
  ],
  cells(ev, now) {
    const v = eventView(ev);
    const first = timeOf(v.first) === undefined ? since(v.eventTime, now) : since(v.first, now);
    let last = timeOf(v.last) === undefined ? first : since(v.last, now);
    let count = v.count;
    if (v.series) {
      last = since(v.series.lastObservedTime, now);
      count = int(v.series.count);
    } else if (count === 0) {
      // Events from the new API are singletons without a count.
      count = 1;
    }
    const kind = str(v.involved.kind).toLowerCase();
    const name = str(v.involved.name);
    const component = str(v.source.component) || v.reportingController;
    const host = str(v.source.host) || v.reportingInstance;
    return [
      last,
      str(ev.type),
      str(ev.reason),
      name === '' ? kind : `${kind}/${name}`,
      str(v.involved.fieldPath),
      host === '' ? component : `${component}, ${host}`,
      v.message.trim(),
      first,
      count,
      nameOf(ev),
    ];
  },
};

export const configMapPrinter: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', 'Data contains the configuration data.'), AGE_COLUMN],
  cells: (cm, now) => [
    nameOf(cm),
    Object.keys(rec(cm.data)).length + Object.keys(rec(cm.binaryData)).length,
    ageOf(cm, now),
  ],
};

export const secretPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Data contains the secret data.'),
    AGE_COLUMN,
  ],
  cells: (s, now) => [nameOf(s), str(s.type), Object.keys(rec(s.data)).length, ageOf(s, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    AGE_COLUMN,
  ],
  cells: (sa, now) => [nameOf(sa), arr(sa.secrets).length, ageOf(sa, now)],
};

function endpointsCell(ep: KubeObject): string {
  const subsets = arr(ep.subsets).map(rec);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  for (const ss of subsets) {
    const ips = arr(ss.addresses).map((a) => str(rec(a).ip));
    const ports = arr(ss.ports).map(rec);
    if (ports.length === 0) list.push(...ips);
    // IPv6 addresses are bracketed, as net.JoinHostPort does.
    else for (const p of ports) for (const ip of ips) list.push(`${ip.includes(':') ? `[${ip}]` : ip}:${int(p.port)}`);
  }
  return listWithMore(list, 3, '');
}

export const endpointsPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
    AGE_COLUMN,
  ],
  cells: (ep, now) => [nameOf(ep), endpointsCell(ep), ageOf(ep, now)],
};

function quotaColumn(quota: KubeObject, limits: boolean): string {
  const status = rec(quota.status);
  const hard = rec(status.hard);
  const used = rec(status.used);
  return Object.keys(hard)
    .sort()
    .filter((name) => (name.split('.')[0] === 'limits' && name.includes('.')) === limits)
    .map((name) => `${name}: ${quantityCell(used[name] ?? '0') || '0'}/${quantityCell(hard[name])}`)
    .join(', ');
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells: (q, now) => [nameOf(q), ageOf(q, now), quotaColumn(q, false), quotaColumn(q, true)],
};
