// Changing workloads, each as a typed call rather than a free-form command, and each able to preview itself:
// with ctx.dryRun the API server validates and returns the result (`dryRun: All`) but stores nothing, and the
// tool reports what would change as a diff against the live object.

import * as k8s from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { deploymentRevisions } from './k8s-insight-tools.js';
import {
  clusterFailure,
  fail,
  type K8sToolsOptions,
  kindInfo,
  namespaceParam,
  objectApi,
  ref,
  type WorkloadKind,
  workloadKindParam,
} from './k8s-support.js';
import { redact } from './output.js';
import type { Tool, ToolContext, ToolResult } from './tool.js';

const FIELD_MANAGER = 'kubemend';
type Obj = k8s.KubernetesObject & Record<string, unknown>;

// Fields every write changes that say nothing about the change itself.
const NOISE = /^\/metadata\/(resourceVersion|generation|managedFields|creationTimestamp|uid)|^\/status/;

/** The JSON-patch operations from `before` to `after`, one line each, bookkeeping fields left out. */
export function describeChange(before: unknown, after: unknown): string[] {
  return jsonpatch
    .compare(before as object, after as object)
    .filter((op) => !NOISE.test(op.path))
    .map((op) => {
      const value = 'value' in op ? JSON.stringify(op.value) : '';
      if (op.op === 'remove') return `- ${op.path}`;
      if (op.op === 'add') return `+ ${op.path}: ${value}`;
      return `~ ${op.path}: ${value}`;
    });
}

function outcome(what: string, before: unknown, after: unknown, ctx: ToolContext): ToolResult {
  const diff = describeChange(before, after);
  const head = ctx.dryRun ? `dry run (nothing was changed): the API server accepts ${what}` : `done: ${what}`;
  const body = diff.length
    ? `${ctx.dryRun ? 'would change' : 'changed'}:\n${diff.join('\n')}`
    : 'no change: the object already looks like this';
  return { ok: true, content: redact(`${head}\n${body}`) };
}

const workloadRef = { name: z.string().min(1), namespace: namespaceParam, kind: workloadKindParam };

/** Reads the live workload, lets `change` produce the new one (or a patch), writes it, reports the diff. */
async function patchWorkload(
  o: K8sToolsOptions,
  target: { kind: WorkloadKind; name: string; namespace?: string | undefined },
  ctx: ToolContext,
  what: string,
  change: (live: Obj) => { readonly body: unknown; readonly strategy: 'json' | 'merge' | 'strategic' } | ToolResult,
): Promise<ToolResult> {
  const info = kindInfo(target.kind);
  if (!info) return fail('INVALID_ARGUMENTS', `unknown kind ${target.kind}`);
  const namespace = target.namespace ?? o.conn.namespace;
  const api = objectApi(o.conn);
  const header = ref(info, target.name, namespace);
  const dryRun = ctx.dryRun ? 'All' : undefined;
  const where = { verb: 'patch', resource: `${target.kind.toLowerCase()}/${target.name}`, namespace };
  let live: Obj;
  try {
    live = await api.read<Obj>(header);
  } catch (err) {
    return clusterFailure(err, { ...where, verb: 'get' }, o.conn);
  }
  const c = change(live);
  if ('ok' in c) return c;
  try {
    let after: Obj;
    if (c.strategy === 'json') {
      // JSON patch is applied to the object we read and sent as an update carrying its resourceVersion, so a
      // concurrent change makes the write fail (409) instead of being overwritten.
      const ops = c.body as jsonpatch.Operation[];
      const error = jsonpatch.validate(ops, structuredClone(live));
      if (error) return fail('INVALID_ARGUMENTS', `the JSON patch does not apply: ${error.message}`);
      const next = jsonpatch.applyPatch(structuredClone(live), ops, false, false).newDocument;
      after = await api.replace<Obj>(next, undefined, dryRun, FIELD_MANAGER);
    } else {
      const body = (c.body ?? {}) as Obj;
      after = await api.patch<Obj>(
        { ...body, ...header, metadata: { ...(body.metadata as object), ...header.metadata } },
        undefined,
        dryRun,
        FIELD_MANAGER,
        undefined,
        c.strategy === 'merge' ? k8s.PatchStrategy.MergePatch : k8s.PatchStrategy.StrategicMergePatch,
      );
    }
    return outcome(what, live, after, ctx);
  } catch (err) {
    return clusterFailure(err, where, o.conn);
  }
}

interface Container {
  name: string;
  image?: string;
  resources?: Record<string, unknown>;
}

function containersOf(live: Obj): Container[] {
  const spec = live.spec as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

function pickContainer(live: Obj, name: string | undefined): Container | ToolResult {
  const containers = containersOf(live);
  const found = name ? containers.find((c) => c.name === name) : containers.length === 1 ? containers[0] : undefined;
  if (found) return found;
  return fail(
    'INVALID_ARGUMENTS',
    name
      ? `no container "${name}"; containers: ${containers.map((c) => c.name).join(', ')}`
      : `the workload has ${containers.length} containers (${containers.map((c) => c.name).join(', ')}); name one`,
  );
}

const patchParams = z.object({
  ...workloadRef,
  type: z.enum(['strategic', 'merge', 'json']).default('strategic'),
  patch: z
    .union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))])
    .describe('A strategic/merge patch object, or a JSON patch array of {op, path, value}'),
});

export function patchTool(o: K8sToolsOptions): Tool<typeof patchParams> {
  return {
    name: 'k8s_patch',
    description:
      'Patch a Deployment, StatefulSet or DaemonSet (strategic merge, merge or JSON patch); reports the resulting diff.',
    parameters: patchParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    run: (a, ctx) =>
      patchWorkload(o, a, ctx, `the ${a.type} patch of ${a.kind}/${a.name}`, () => {
        if ((a.type === 'json') !== Array.isArray(a.patch))
          return fail(
            'INVALID_ARGUMENTS',
            a.type === 'json' ? 'a JSON patch is an array of operations' : 'a merge patch is an object',
          );
        return { body: a.patch, strategy: a.type };
      }),
  };
}

const scaleParams = z.object({ ...workloadRef, replicas: z.number().int().min(0).max(1000) });

export function scaleTool(o: K8sToolsOptions): Tool<typeof scaleParams> {
  return {
    name: 'k8s_scale',
    description: 'Set the replica count of a Deployment or StatefulSet.',
    parameters: scaleParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    run: (a, ctx) =>
      patchWorkload(o, a, ctx, `scaling ${a.kind}/${a.name} to ${a.replicas}`, () =>
        a.kind === 'DaemonSet'
          ? fail('INVALID_ARGUMENTS', 'a DaemonSet runs one pod per node and cannot be scaled')
          : { body: { spec: { replicas: a.replicas } }, strategy: 'merge' },
      ),
  };
}

const setImageParams = z.object({ ...workloadRef, container: z.string().optional(), image: z.string().min(1) });

export function setImageTool(o: K8sToolsOptions): Tool<typeof setImageParams> {
  return {
    name: 'k8s_set_image',
    description: "Change one container's image in a workload's pod template (starts a rollout).",
    parameters: setImageParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    run: (a, ctx) =>
      patchWorkload(o, a, ctx, `image ${a.image} on ${a.kind}/${a.name}`, (live) => {
        const c = pickContainer(live, a.container);
        if ('ok' in c) return c;
        return {
          body: { spec: { template: { spec: { containers: [{ name: c.name, image: a.image }] } } } },
          strategy: 'strategic',
        };
      }),
  };
}

const quantities = z.object({ cpu: z.string().optional(), memory: z.string().optional() }).optional();
const setResourcesParams = z.object({
  ...workloadRef,
  container: z.string().optional(),
  requests: quantities,
  limits: quantities,
});

export function setResourcesTool(o: K8sToolsOptions): Tool<typeof setResourcesParams> {
  return {
    name: 'k8s_set_resources',
    description: "Set a container's CPU/memory requests and limits (e.g. raise a memory limit after OOMKilled).",
    parameters: setResourcesParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    run: (a, ctx) =>
      patchWorkload(o, a, ctx, `new resources for ${a.kind}/${a.name}`, (live) => {
        const c = pickContainer(live, a.container);
        if ('ok' in c) return c;
        if (!a.requests && !a.limits) return fail('INVALID_ARGUMENTS', 'give requests and/or limits');
        const resources = {
          ...(a.requests ? { requests: a.requests } : {}),
          ...(a.limits ? { limits: a.limits } : {}),
        };
        return {
          body: { spec: { template: { spec: { containers: [{ name: c.name, resources }] } } } },
          strategy: 'strategic',
        };
      }),
  };
}

export function rolloutRestartTool(o: K8sToolsOptions): Tool<z.ZodObject<typeof workloadRef>> {
  return {
    name: 'k8s_rollout_restart',
    description: "Restart a workload's pods gradually (what `kubectl rollout restart` does).",
    parameters: z.object(workloadRef),
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    run: (a, ctx) =>
      patchWorkload(o, a, ctx, `a rolling restart of ${a.kind}/${a.name}`, () => ({
        body: {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } },
          },
        },
        strategy: 'strategic',
      })),
  };
}

const undoParams = z.object({
  name: z.string().min(1),
  namespace: namespaceParam,
  toRevision: z.number().int().min(1).optional().describe('Default: the revision before the current one'),
});

export function rolloutUndoTool(o: K8sToolsOptions): Tool<typeof undoParams> {
  return {
    name: 'k8s_rollout_undo',
    description: "Roll a Deployment back to an earlier revision's pod template.",
    parameters: undoParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    async run(a, ctx) {
      const namespace = a.namespace ?? o.conn.namespace;
      let revisions: Awaited<ReturnType<typeof deploymentRevisions>>;
      try {
        revisions = await deploymentRevisions(o, a.name, namespace);
      } catch (err) {
        return clusterFailure(err, { verb: 'get', resource: `deployment/${a.name}`, namespace }, o.conn);
      }
      const rev = (rs: (typeof revisions)[number]) =>
        Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const target = a.toRevision !== undefined ? revisions.find((rs) => rev(rs) === a.toRevision) : revisions.at(-2);
      if (!target?.spec?.template)
        return fail(
          'NOT_FOUND',
          `no revision ${a.toRevision ?? 'before the current one'}; revisions: ${revisions.map(rev).join(', ') || 'none'}`,
        );
      // The ReplicaSet's template carries its pod-template-hash label, which the Deployment controller adds itself.
      const template = structuredClone(target.spec.template) as { metadata?: { labels?: Record<string, string> } };
      delete template.metadata?.labels?.['pod-template-hash'];
      return patchWorkload(
        o,
        { kind: 'Deployment', name: a.name, namespace },
        ctx,
        `rolling ${a.name} back to revision ${rev(target)}`,
        () => ({
          body: [{ op: 'replace', path: '/spec/template', value: template }],
          strategy: 'json',
        }),
      );
    },
  };
}

const applyParams = z.object({
  manifest: z.string().min(1).describe('YAML of one or more objects; each needs apiVersion, kind, metadata.name'),
  namespace: namespaceParam.describe('For objects whose manifest names no namespace'),
});

function manifestObjects(text: string, fallback: string): Obj[] | ToolResult {
  const docs = parseAllDocuments(text);
  const objs: Obj[] = [];
  for (const doc of docs) {
    if (doc.errors.length)
      return fail('INVALID_ARGUMENTS', `the manifest is not valid YAML: ${doc.errors[0]?.message}`);
    const obj = doc.toJS() as Obj | null;
    if (obj === null) continue;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name)
      return fail('INVALID_ARGUMENTS', 'every object needs apiVersion, kind and metadata.name');
    const info = kindInfo(obj.kind);
    if (info?.namespaced !== false && !obj.metadata.namespace) obj.metadata = { ...obj.metadata, namespace: fallback };
    objs.push(obj);
  }
  return objs.length ? objs : fail('INVALID_ARGUMENTS', 'the manifest has no objects');
}

function applyNamespaces(a: z.infer<typeof applyParams>, fallback: string): string {
  const objs = manifestObjects(a.manifest, a.namespace ?? fallback);
  if ('ok' in objs) return a.namespace ?? fallback;
  const namespaces = new Set(
    objs.map((x) => (x.kind === 'Namespace' ? x.metadata?.name : x.metadata?.namespace) ?? fallback),
  );
  return namespaces.size === 1 ? ([...namespaces][0] as string) : '*';
}

export function applyTool(o: K8sToolsOptions): Tool<typeof applyParams> {
  return {
    name: 'k8s_apply',
    description: 'Server-side apply a YAML manifest (creates or updates; never deletes).',
    parameters: applyParams,
    effect: 'write',
    dryRunSafe: true,
    namespaceOf: (a) => applyNamespaces(a, o.conn.namespace),
    async run(a, ctx) {
      const objs = manifestObjects(a.manifest, a.namespace ?? o.conn.namespace);
      if ('ok' in objs) return objs;
      const api = objectApi(o.conn);
      const lines: string[] = [];
      for (const obj of objs) {
        const name = `${obj.kind}/${obj.metadata?.name}`;
        let before: Obj = {};
        try {
          before = await api.read<Obj>({
            apiVersion: obj.apiVersion as string,
            kind: obj.kind as string,
            metadata: {
              name: obj.metadata?.name ?? '',
              ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
            },
          });
        } catch {
          // Not there yet: the apply creates it and the whole object is the change.
        }
        try {
          const after = await api.patch<Obj>(
            obj,
            undefined,
            ctx.dryRun ? 'All' : undefined,
            FIELD_MANAGER,
            true,
            k8s.PatchStrategy.ServerSideApply,
          );
          const r = outcome(name, before, after, ctx);
          lines.push(r.ok ? r.content : '');
        } catch (err) {
          const f = clusterFailure(
            err,
            {
              verb: 'apply',
              resource: name,
              ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
            },
            o.conn,
          );
          return lines.length && !f.ok
            ? fail(f.code ?? 'CLUSTER_ERROR', `${lines.join('\n\n')}\n\nthen failed: ${f.message}`)
            : f;
        }
      }
      return { ok: true, content: lines.join('\n\n') };
    },
  };
}

const deletePodParams = z.object({ name: z.string().min(1), namespace: namespaceParam });

export function deletePodTool(o: K8sToolsOptions): Tool<typeof deletePodParams> {
  return {
    name: 'k8s_delete_pod',
    description: 'Delete one pod (its controller starts a replacement). Destructive: needs explicit permission.',
    parameters: deletePodParams,
    effect: 'destructive',
    dryRunSafe: true,
    namespaceOf: (a) => a.namespace ?? o.conn.namespace,
    async run(a, ctx) {
      const namespace = a.namespace ?? o.conn.namespace;
      try {
        await o.conn.kc
          .makeApiClient(k8s.CoreV1Api)
          .deleteNamespacedPod({ name: a.name, namespace, ...(ctx.dryRun ? { dryRun: 'All' } : {}) });
        return {
          ok: true,
          content: ctx.dryRun ? `dry run (nothing was changed): pod ${a.name} can be deleted` : `deleted pod ${a.name}`,
        };
      } catch (err) {
        return clusterFailure(err, { verb: 'delete', resource: `pod/${a.name}`, namespace }, o.conn);
      }
    },
  };
}
