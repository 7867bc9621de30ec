// The builtin Fixer's runbook fixes: from `diagnose` evidence to a typed Fix, for the classes where the right
// change can be read off the evidence. Anything else gets no Fix (and an escalation), never a guess.

import { formatQuantity, parseQuantity } from '../kube/quantity.js';
import type { Fix } from './fix.js';

interface ContainerView {
  readonly name: string;
  readonly image?: string;
  readonly resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  readonly livenessProbe?: ProbeView;
  readonly readinessProbe?: ProbeView;
  readonly ports?: readonly number[];
}

interface ProbeView {
  readonly httpGet?: { path?: string; port?: number | string };
  readonly tcpSocket?: { port?: number | string };
}

interface IncidentView {
  readonly failureClass: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly events?: readonly string[];
  readonly logs?: { errorLines?: readonly string[]; lastLines?: readonly string[] };
}

export interface DiagnoseView {
  readonly incidents?: readonly IncidentView[];
  readonly workload?: {
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly resourceVersion?: string;
    readonly generation?: number;
    readonly containers?: readonly ContainerView[];
    readonly revisions?: readonly { revision: number; images: readonly string[]; ready: number }[];
  };
}

export type FixProposal = { readonly ok: true; readonly fix: Fix } | { readonly ok: false; readonly reason: string };

const MAX_MEMORY = 4 * 1024 ** 3;

type Workload = NonNullable<DiagnoseView['workload']>;

function target(w: Workload): Fix['target'] {
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}),
    ...(w.generation !== undefined ? { generation: w.generation } : {}),
  };
}

function containerPatch(name: string, change: Record<string, unknown>): unknown {
  return { spec: { template: { spec: { containers: [{ name, ...change }] } } } };
}

function pick(w: Workload, incident: IncidentView): ContainerView | undefined {
  const named = incident.details?.container;
  return w.containers?.find((c) => c.name === named) ?? w.containers?.[0];
}

function oomFix(w: Workload, incident: IncidentView): FixProposal {
  const c = pick(w, incident);
  const current = c?.resources?.limits?.memory;
  const bytes = parseQuantity(current);
  if (!c || !current || bytes === undefined) return { ok: false, reason: 'the container has no memory limit to raise' };
  if (bytes >= MAX_MEMORY)
    return { ok: false, reason: `the limit is already ${current}; more memory needs a person's decision` };
  const next = formatQuantity(Math.min(bytes * 2, MAX_MEMORY), 'BinarySI');
  return {
    ok: true,
    fix: {
      kind: 'patch',
      target: target(w),
      patch: { type: 'strategic', body: containerPatch(c.name, { resources: { limits: { memory: next } } }) },
      expected: `container ${c.name} runs under a ${next} memory limit (was ${current}) without being OOMKilled`,
      risk: 'low',
      undo: {
        description: `set the memory limit of ${c.name} back to ${current}`,
        patch: { type: 'strategic', body: containerPatch(c.name, { resources: { limits: { memory: current } } }) },
      },
    },
  };
}

function imageFix(w: Workload): FixProposal {
  const [current, ...older] = w.revisions ?? [];
  const previous = older.find((r) => r.images.join() !== current?.images.join());
  if (w.kind !== 'Deployment' || !current || !previous)
    return { ok: false, reason: 'no earlier revision with a different image to roll back to' };
  const containers = (w.containers ?? []).map((c, i) => ({ name: c.name, image: previous.images[i] ?? c.image }));
  return {
    ok: true,
    fix: {
      kind: 'rollout-undo',
      target: target(w),
      toRevision: previous.revision,
      patch: { type: 'strategic', body: { spec: { template: { spec: { containers } } } } },
      expected: `the Deployment runs revision ${previous.revision}'s image (${previous.images.join(', ')}) again and its pods become Ready`,
      risk: 'low',
      undo: {
        description: `roll forward to ${current.images.join(', ')} once the tag exists`,
        patch: {
          type: 'strategic',
          body: {
            spec: {
              template: { spec: { containers: (w.containers ?? []).map((c) => ({ name: c.name, image: c.image })) } },
            },
          },
        },
      },
    },
  };
}

/** A path the server answered with 2xx in its access log, else `/` for servers that serve it by default. */
function servedPath(lines: readonly string[], image: string | undefined): string | undefined {
  for (const l of lines) {
    const m = /"GET (\S+) HTTP\/[\d.]+" 2\d\d/.exec(l);
    if (m?.[1]) return m[1];
  }
  return image && /(^|\/)(nginx|httpd)(:|$)/.test(image) ? '/' : undefined;
}

function probeFix(w: Workload, incident: IncidentView): FixProposal {
  const c = pick(w, incident);
  if (!c) return { ok: false, reason: 'no container to change' };
  const text = (incident.events ?? []).join('\n');
  const which = /readiness/i.test(text) || (!c.livenessProbe && c.readinessProbe) ? 'readinessProbe' : 'livenessProbe';
  const probe = c[which];
  if (!probe?.httpGet) return { ok: false, reason: `the ${which} is not an HTTP probe kubemend knows how to correct` };
  const port = probe.httpGet.port;
  const ports = c.ports ?? [];
  const logLines = [...(incident.logs?.lastLines ?? []), ...(incident.logs?.errorLines ?? [])];
  const change: { path?: string; port?: number } = {};
  if (typeof port === 'number' && ports.length > 0 && !ports.includes(port)) change.port = ports[0];
  else {
    const path = servedPath(logLines, c.image);
    if (path && path !== probe.httpGet.path) change.path = path;
  }
  if (change.path === undefined && change.port === undefined)
    return { ok: false, reason: `no served path or declared port to point the ${which} at` };
  const what =
    change.port !== undefined ? `port ${change.port} (was ${port})` : `path ${change.path} (was ${probe.httpGet.path})`;
  return {
    ok: true,
    fix: {
      kind: 'patch',
      target: target(w),
      patch: { type: 'strategic', body: containerPatch(c.name, { [which]: { httpGet: change } }) },
      expected: `the ${which} of ${c.name} checks ${what} and passes`,
      risk: 'low',
      undo: {
        description: `restore the ${which}'s ${change.port !== undefined ? 'port' : 'path'}`,
        patch: {
          type: 'strategic',
          body: containerPatch(c.name, {
            [which]: { httpGet: change.port !== undefined ? { port } : { path: probe.httpGet.path } },
          }),
        },
      },
    },
  };
}

export function proposeFix(view: DiagnoseView): FixProposal {
  const incident = view.incidents?.[0];
  const w = view.workload;
  if (!incident) return { ok: false, reason: 'nothing is wrong, so there is nothing to fix' };
  if (!w) return { ok: false, reason: `${incident.failureClass} is not on a workload kubemend can patch` };
  switch (incident.failureClass) {
    case 'OOMKilled':
      return oomFix(w, incident);
    case 'ImagePullBackOff':
      return imageFix(w);
    case 'ProbeFailure':
      return probeFix(w, incident);
    default:
      return { ok: false, reason: `no runbook fix for ${incident.failureClass}: it needs a person's decision` };
  }
}
