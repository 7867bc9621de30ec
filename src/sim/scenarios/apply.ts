// Applies a scenario, or its fix, to any cluster reachable with a kubeconfig, the way a user would: through the
// API with server-side apply (never by reaching into the simulator's store), so it works on a real cluster too.

import { type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { connect, toKubeError } from '../../kube/connect.js';
import { resourceForKind } from '../resources.js';
import type { FixPatch, ObjectName, Scenario } from './scenario.js';
import { type ManifestObject, parseManifests, ScenarioError } from './scenario-file.js';

export const SCENARIO_FIELD_MANAGER = 'kubemend-scenario';

export interface ApplyOptions {
  /** How long to wait, in wall-clock ms, for a stage to roll out before the next one (default 120 s). */
  readonly timeoutMs?: number;
}

const POLL_MS = 100;

function client(kubeconfigPath: string): KubernetesObjectApi {
  const conn = connect({ kubeconfig: kubeconfigPath });
  if (!conn.ok) throw new ScenarioError('ScenarioApplyFailed', conn.error.message);
  return KubernetesObjectApi.makeApiClient(conn.value.kc);
}

function describe(o: KubernetesObject): string {
  return `${o.kind}/${o.metadata?.name ?? ''}`;
}

function failure(err: unknown, verb: string, o: KubernetesObject): ScenarioError {
  const e = toKubeError(err, {
    verb,
    resource: describe(o),
    ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
  });
  return new ScenarioError('ScenarioApplyFailed', e.message);
}

function isNotFound(err: unknown): boolean {
  return toKubeError(err).code === 'NOT_FOUND';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function applyObject(api: KubernetesObjectApi, o: ManifestObject): Promise<void> {
  // A scenario may annotate an existing node (to stop its simulated kubelet); creating a Node that no kubelet
  // runs would only hide a simulator started with too few nodes.
  if (o.kind === 'Node') {
    try {
      await api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name } });
    } catch (err) {
      if (isNotFound(err))
        throw new ScenarioError(
          'ScenarioApplyFailed',
          `node ${o.metadata.name} does not exist: the scenario targets the simulator's nodes (kubemend sim --nodes 3 or more)`,
        );
      throw failure(err, 'get', o);
    }
  }
  try {
    await api.patch(
      o as KubernetesObject,
      undefined,
      undefined,
      SCENARIO_FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  } catch (err) {
    throw failure(err, 'apply', o);
  }
}

/** Namespaces first, then the rest in file order (the order a person wrote them in). */
async function applyAll(api: KubernetesObjectApi, objects: readonly ManifestObject[]): Promise<void> {
  const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
  for (const o of ordered) await applyObject(api, o);
}

interface RolloutStatus {
  readonly replicas?: number;
  readonly updatedReplicas?: number;
  readonly availableReplicas?: number;
  readonly readyReplicas?: number;
  readonly observedGeneration?: number;
  readonly desiredNumberScheduled?: number;
  readonly updatedNumberScheduled?: number;
  readonly numberAvailable?: number;
}

/** kubectl rollout status's notion of "done", for the kinds it knows. */
function rolledOut(o: KubernetesObject & { spec?: { replicas?: number }; status?: RolloutStatus }): boolean {
  const st = o.status ?? {};
  if ((st.observedGeneration ?? 0) < (o.metadata?.generation ?? 0)) return false;
  const want = o.spec?.replicas ?? 1;
  if (o.kind === 'Deployment')
    return (
      (st.updatedReplicas ?? 0) >= want &&
      (st.replicas ?? 0) === (st.updatedReplicas ?? 0) &&
      (st.availableReplicas ?? 0) >= (st.updatedReplicas ?? 0)
    );
  if (o.kind === 'StatefulSet') return (st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? want) >= want;
  if (o.kind === 'DaemonSet')
    return (
      (st.updatedNumberScheduled ?? 0) >= (st.desiredNumberScheduled ?? 0) &&
      (st.numberAvailable ?? 0) >= (st.desiredNumberScheduled ?? 0)
    );
  return true;
}

async function waitForRollout(
  api: KubernetesObjectApi,
  objects: readonly ManifestObject[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const o of objects.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind))) {
    for (;;) {
      let live: KubernetesObject;
      try {
        live = await api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata });
      } catch (err) {
        throw failure(err, 'get', o);
      }
      if (rolledOut(live)) break;
      if (Date.now() > deadline)
        throw new ScenarioError(
          'ScenarioApplyFailed',
          `${describe(o)} did not finish rolling out within ${timeoutMs} ms`,
        );
      await sleep(POLL_MS);
    }
  }
}

export async function applyScenario(kubeconfigPath: string, s: Scenario, opts: ApplyOptions = {}): Promise<void> {
  const api = client(kubeconfigPath);
  const stages = [s.manifests, ...(s.stages ?? [])].map((text) => parseManifests(text, s.name));
  for (const [i, objects] of stages.entries()) {
    await applyAll(api, objects);
    if (i < stages.length - 1) await waitForRollout(api, objects, opts.timeoutMs ?? 120_000);
  }
}

function header(s: Scenario, ref: ObjectName & { apiVersion: string; namespace?: string }): KubernetesObject {
  const namespaced = resourceForKind(ref.apiVersion, ref.kind)?.namespaced ?? true;
  const namespace = ref.namespace ?? (namespaced ? s.namespace : undefined);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(namespace ? { namespace } : {}) },
  };
}

/** The apiVersion of an object the scenario creates, to address it by kind and name. */
function apiVersionOf(s: Scenario, ref: ObjectName): string {
  const all = [s.manifests, ...(s.stages ?? [])].flatMap((text) => parseManifests(text, s.name));
  const found = all.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
  if (!found)
    throw new ScenarioError(
      'ScenarioInvalid',
      `${s.name}: fix deletes ${ref.kind}/${ref.name}, which the scenario does not create`,
    );
  return found.apiVersion;
}

async function deleteAndWait(api: KubernetesObjectApi, target: KubernetesObject, timeoutMs: number): Promise<void> {
  try {
    await api.delete(target, undefined, undefined, undefined, undefined, 'Background');
  } catch (err) {
    if (!isNotFound(err)) throw failure(err, 'delete', target);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await api.read(target as KubernetesObject & { metadata: { name: string } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw failure(err, 'get', target);
    }
    if (Date.now() > deadline)
      throw new ScenarioError('ScenarioApplyFailed', `${describe(target)} was not deleted within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

async function applyFixPatch(api: KubernetesObjectApi, s: Scenario, patch: FixPatch): Promise<void> {
  const target = header(s, patch);
  try {
    if (patch.type === 'json') {
      // KubernetesObjectApi addresses an object by the body it sends, which a JSON patch (an array) cannot
      // carry: apply it to the live object and replace, guarded by its resourceVersion.
      const live = await api.read(target as KubernetesObject & { metadata: { name: string } });
      const next = jsonpatch.applyPatch(structuredClone(live), patch.body as Operation[], true, false).newDocument;
      await api.replace(next);
      return;
    }
    const body = (patch.body ?? {}) as { metadata?: Record<string, unknown> };
    const strategy = patch.type === 'merge' ? PatchStrategy.MergePatch : PatchStrategy.StrategicMergePatch;
    await api.patch(
      { ...body, ...target, metadata: { ...body.metadata, ...target.metadata } },
      undefined,
      undefined,
      SCENARIO_FIELD_MANAGER,
      undefined,
      strategy,
    );
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw failure(err, 'patch', target);
  }
}

export async function applyFix(kubeconfigPath: string, s: Scenario, opts: ApplyOptions = {}): Promise<void> {
  const api = client(kubeconfigPath);
  for (const ref of s.fix.deleteFirst ?? [])
    await deleteAndWait(api, header(s, { ...ref, apiVersion: apiVersionOf(s, ref) }), opts.timeoutMs ?? 120_000);
  if (s.fix.manifests !== undefined) await applyAll(api, parseManifests(s.fix.manifests, `${s.name} fix`));
  if (s.fix.patch !== undefined) await applyFixPatch(api, s, s.fix.patch);
}
