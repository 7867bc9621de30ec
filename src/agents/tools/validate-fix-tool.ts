// `validate_fix`: sends a proposed Fix to the API server as a server-side dry-run (dryRun=All), so admission,
// validation and the resourceVersion check all run and nothing is changed. It can only ever dry-run, which is
// why it is a read as far as the policy is concerned.

import { type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import { z } from 'zod';
import type { Connection } from '../../kube/connect.js';
import type { Tool, ToolResult } from '../../tools/tool.js';
import { type Fix, FixSchema } from '../fix.js';

const Args = z.object({ fix: FixSchema });

const API_VERSIONS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Pod: 'v1',
  Service: 'v1',
};

function changeOf(fix: Fix): { type: 'strategic' | 'merge' | 'json'; body: unknown } | undefined {
  switch (fix.kind) {
    case 'patch':
    case 'rollout-undo':
      return fix.patch;
    case 'scale':
      return { type: 'merge', body: { spec: { replicas: fix.replicas } } };
    case 'rollout-restart':
      return {
        type: 'strategic',
        body: {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } },
          },
        },
      };
    case 'delete-pod':
      return undefined;
  }
}

function fail(message: string): ToolResult {
  return { ok: false, isError: true, code: 'CLUSTER_ERROR', message };
}

export function validateFixTool(conn: Connection): Tool<typeof Args> {
  const api = KubernetesObjectApi.makeApiClient(conn.kc);
  return {
    name: 'validate_fix',
    description:
      'Validates a proposed Fix with a server-side dry-run (nothing is changed): reports whether the API server accepts it and whether the object changed since it was read.',
    parameters: Args,
    effect: 'read',
    async run({ fix }): Promise<ToolResult> {
      const apiVersion = API_VERSIONS[fix.target.kind];
      if (!apiVersion) return fail(`kubemend does not fix ${fix.target.kind} objects`);
      const ref = {
        apiVersion,
        kind: fix.target.kind,
        metadata: { name: fix.target.name, namespace: fix.target.namespace },
      };
      let live: KubernetesObject;
      try {
        live = await api.read(ref);
      } catch (err) {
        return fail(`cannot read ${fix.target.kind}/${fix.target.name}: ${(err as Error).message}`);
      }
      const specChanged = fix.target.generation === undefined || live.metadata?.generation !== fix.target.generation;
      if (fix.target.resourceVersion && live.metadata?.resourceVersion !== fix.target.resourceVersion && specChanged)
        return fail(
          `${fix.target.kind}/${fix.target.name} changed since it was read (resourceVersion ${fix.target.resourceVersion} → ${live.metadata?.resourceVersion}); read it again`,
        );
      try {
        if (fix.kind === 'delete-pod') {
          await api.delete(ref, undefined, 'All');
          return { ok: true, content: `dry-run: deleting pod ${fix.target.name} is accepted` };
        }
        const change = changeOf(fix);
        if (!change) return fail(`a ${fix.kind} Fix needs a patch`);
        if (change.type === 'json') {
          const next = jsonpatch.applyPatch(
            structuredClone(live),
            change.body as jsonpatch.Operation[],
            true,
            false,
          ).newDocument;
          await api.replace(next, undefined, 'All');
        } else {
          const body = (change.body ?? {}) as { metadata?: Record<string, unknown> };
          await api.patch(
            { ...body, ...ref, metadata: { ...body.metadata, ...ref.metadata } },
            undefined,
            'All',
            'kubemend',
            undefined,
            change.type === 'merge' ? PatchStrategy.MergePatch : PatchStrategy.StrategicMergePatch,
          );
        }
        return {
          ok: true,
          content: `dry-run: the API server accepts the ${fix.kind} of ${fix.target.kind}/${fix.target.name}`,
        };
      } catch (err) {
        const body = (err as { body?: unknown }).body;
        return fail(`dry-run rejected: ${typeof body === 'string' ? body : (err as Error).message}`);
      }
    },
  };
}
