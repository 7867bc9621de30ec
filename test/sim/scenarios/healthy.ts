// "Healthy again", checked the way an SRE verifies a fix: kubectl rollout status / wait, endpoints present,
// claims bound, and no container restarting over a few simulated minutes.

import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/sim/scenarios/index.js';
import { type ManifestObject, parseManifests } from '../../../src/sim/scenarios/scenario-file.js';
import { eventually, type Kubectl } from '../../helpers/kubectl.js';
import type { Cluster } from './oracle.js';

/** The objects a scenario leaves behind once its fix is applied (the fix's version of each object wins). */
export function finalObjects(s: Scenario): ManifestObject[] {
  const byKey = new Map<string, ManifestObject>();
  for (const text of [s.manifests, ...(s.stages ?? []), s.fix.manifests ?? ''])
    for (const o of parseManifests(text, s.name)) byKey.set(`${o.kind}/${o.metadata.name}`, o);
  return [...byKey.values()];
}

async function ok(k: Kubectl, args: string[], expect?: RegExp): Promise<string> {
  const r = await k.run(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  if (expect) assert.match(r.stdout, expect);
  return r.stdout;
}

interface PodRestarts {
  readonly restarts: ReadonlyMap<string, number>;
  readonly notReady: readonly string[];
}

async function podRestarts(c: Cluster, namespace: string): Promise<PodRestarts> {
  // Job pods are meant to finish and be cleaned up; only long-running pods must stay put.
  const pods = (await c.core.listNamespacedPod({ namespace })).items.filter(
    (p) => !(p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job'),
  );
  const restarts = new Map<string, number>();
  const notReady: string[] = [];
  for (const p of pods) {
    const name = p.metadata?.name ?? '';
    restarts.set(
      name,
      (p.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0),
    );
    if (p.status?.conditions?.find((x) => x.type === 'Ready')?.status !== 'True') notReady.push(name);
  }
  return { restarts, notReady };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asserts the namespace's workloads are healthy and stay so for `stableSimMs` of simulated time: every pod
 * that is there at the start is still there, Ready, with the same restart count.
 */
export async function assertHealthy(
  k: Kubectl,
  c: Cluster,
  s: Scenario,
  speed: number,
  stableSimMs = 6 * 60_000,
): Promise<void> {
  const ns = ['-n', s.namespace];
  for (const o of finalObjects(s)) {
    const name = o.metadata.name;
    if (o.kind === 'Deployment') {
      await ok(k, ['rollout', 'status', `deployment/${name}`, ...ns, '--timeout=90s'], /successfully rolled out/);
      await ok(k, ['wait', '--for=condition=Available', `deployment/${name}`, ...ns, '--timeout=30s']);
    } else if (o.kind === 'StatefulSet' || o.kind === 'DaemonSet')
      await ok(
        k,
        ['rollout', 'status', `${o.kind.toLowerCase()}/${name}`, ...ns, '--timeout=90s'],
        /roll(ed)? out|complete/,
      );
    else if (o.kind === 'Job') await ok(k, ['wait', '--for=condition=Complete', `job/${name}`, ...ns, '--timeout=90s']);
    else if (o.kind === 'PersistentVolumeClaim')
      await ok(k, ['wait', '--for=jsonpath={.status.phase}=Bound', `pvc/${name}`, ...ns, '--timeout=60s']);
    else if (o.kind === 'Node') await ok(k, ['wait', '--for=condition=Ready', `node/${name}`, '--timeout=60s']);
    else if (o.kind === 'Service' && (o.spec as { selector?: unknown } | undefined)?.selector !== undefined) {
      await eventually(
        async () => {
          const ep = await c.core.readNamespacedEndpoints({ namespace: s.namespace, name }).catch(() => undefined);
          return (ep?.subsets ?? []).some((x) => (x.addresses?.length ?? 0) > 0);
        },
        60_000,
        `endpoints of service ${s.namespace}/${name}`,
      );
    }
  }
  const before = await podRestarts(c, s.namespace);
  await sleep(stableSimMs / speed);
  const afterwards = await podRestarts(c, s.namespace);
  assert.deepEqual(before.notReady, [], `${s.namespace}: pods not Ready after the fix`);
  for (const [pod, restarts] of before.restarts)
    assert.equal(
      afterwards.restarts.get(pod),
      restarts,
      `${s.namespace}: pod ${pod} restarted or went away after the fix`,
    );
  assert.deepEqual(
    afterwards.notReady,
    [],
    `${s.namespace}: pods not Ready ${stableSimMs / 60_000} simulated minutes after the fix`,
  );
}
