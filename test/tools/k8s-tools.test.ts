// The built-in tools and the kubectl tool against the simulator with failure scenarios planted, through the
// executor, as an agent would call them.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../src/kube/connect.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { type AuditEntry, kubectlTool, kubernetesTools, ToolExecutor, ToolRegistry } from '../../src/tools/index.js';
import { useScenarioSimulator } from '../sim/scenarios/fixture.js';
import { waitForFailure } from '../sim/scenarios/oracle.js';

const fx = useScenarioSimulator();
const names = ['memory-hog', 'crash-missing-env', 'prompt-injection-logs'] as const;

describe('kubernetes tools on the simulator', () => {
  let registry: ToolRegistry;
  let audit: AuditEntry[];
  let home: string;
  const executor = (opts: ConstructorParameters<typeof ToolExecutor>[1] = {}) =>
    new ToolExecutor(registry, { ...opts, audit: (e) => audit.push(e) });
  const scenario = (n: string): Scenario => {
    const s = getScenario(n);
    assert.ok(s, n);
    return s;
  };
  const text = (r: Awaited<ReturnType<ToolExecutor['call']>>) => (r.ok ? r.content : `ERROR ${r.code}: ${r.message}`);

  before(async () => {
    await Promise.all(names.map((n) => applyScenario(fx.sim.kubeconfigPath, scenario(n))));
    await Promise.all(names.map((n) => waitForFailure(fx.cluster, scenario(n), 90_000)));
    const conn = connect({ kubeconfig: fx.sim.kubeconfigPath });
    assert.ok(conn.ok);
    home = mkdtempSync(join(tmpdir(), 'kubemend-tools-'));
    registry = new ToolRegistry([
      ...kubernetesTools({ conn: conn.value }),
      kubectlTool({
        kubeconfig: fx.sim.kubeconfigPath,
        defaultNamespace: conn.value.namespace,
        env: { HOME: home },
      }),
    ]);
    audit = [];
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  async function podOf(namespace: string): Promise<string> {
    const pods = await fx.cluster.core.listNamespacedPod({ namespace });
    const name = pods.items[0]?.metadata?.name;
    assert.ok(name, `a pod in ${namespace}`);
    return name;
  }

  it('lists pods as a table with their status', async () => {
    const r = await executor().call('k8s_list', JSON.stringify({ kind: 'po', namespace: 'crash-missing-env' }));
    const out = text(r);
    assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS/);
    assert.match(out, /orders-api-\S+\s+0\/1\s+(CrashLoopBackOff|Error)/);
    assert.doesNotMatch(out, /"items"|managedFields/);
  });

  it('logs pull the error line out first', async () => {
    const pod = await podOf('crash-missing-env');
    const out = text(
      await executor().call('k8s_logs', JSON.stringify({ pod, namespace: 'crash-missing-env', previous: true })),
    );
    assert.match(out, /^Error lines \(\d+\):\n/);
    const errorsPart = out.split('\n\nLog tail')[0] ?? '';
    assert.match(errorsPart, /not set|missing|error/i);
  });

  it('describe gives the key facts of a pod and its Warning events, and the whole object when asked', async () => {
    const pod = await podOf('memory-hog');
    const args = { kind: 'pod', name: pod, namespace: 'memory-hog' };
    const out = text(await executor().call('k8s_describe', JSON.stringify(args)));
    assert.match(out, /^Pod: memory-hog\/memory-hog-/);
    assert.match(out, /Controlled by: ReplicaSet\/memory-hog-/);
    assert.match(out, /Containers:\n {2}memory-hog:\n {4}Image: polinux\/stress/);
    assert.match(out, /Last State: Terminated \(OOMKilled, exit code 137\)/);
    assert.match(out, /Restarts: [1-9]/);
    assert.match(out, /Limits: memory=100Mi/);
    assert.match(out, /Conditions: .*Ready=False/);
    assert.match(out, /Events:\nTYPE\s+REASON/);
    assert.match(out, /Warning\s+BackOff/);
    assert.match(out, /Normal events: \d+ not shown \(.*Started.*\); full: true lists them\./);
    assert.doesNotMatch(out, /managedFields|^Object:|Normal\s+Started/m);

    const full = text(await executor().call('k8s_describe', JSON.stringify({ ...args, full: true })));
    assert.match(full, /Last State: Terminated \(OOMKilled/);
    assert.match(full, /Normal\s+Started/);
    assert.match(full, /Object:\napiVersion: v1\nkind: Pod/);
    assert.match(full, /reason: OOMKilled/);
    assert.doesNotMatch(full, /managedFields/);
  });

  it('describe sums up a workload from its pod template and conditions', async () => {
    const out = text(
      await executor().call(
        'k8s_describe',
        JSON.stringify({ kind: 'deploy', name: 'orders-api', namespace: 'crash-missing-env' }),
      ),
    );
    assert.match(out, /^Deployment: crash-missing-env\/orders-api/);
    assert.match(out, /Pod Template:\nContainers:\n {2}api:\n {4}Image: busybox/);
    assert.match(out, /Command: sh -c .*DB_HOST/);
    assert.match(out, /Env: APP_ENV=production/);
    assert.match(out, /Available=False \(MinimumReplicasUnavailable/);
    assert.doesNotMatch(out, /^Object:/m);
  });

  it('events list the Warnings and count the Normal ones unless asked for them', async () => {
    const args = { namespace: 'crash-missing-env' };
    const out = text(await executor().call('k8s_events', JSON.stringify(args)));
    assert.match(out, /^TYPE\s+REASON\s+OBJECT/);
    assert.match(out, /Warning\s+BackOff\s+Pod\/orders-api-/);
    assert.match(out, /\nNormal events: \d+ not shown \(.*Scheduled.*\); includeNormal: true lists them\.$/);
    assert.doesNotMatch(out, /^Normal {2,}\S/m);
    // The kubelet's pod UID is left out of the messages.
    assert.doesNotMatch(out, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);

    const all = text(await executor().call('k8s_events', JSON.stringify({ ...args, includeNormal: true })));
    assert.match(all, /^Warning\s+BackOff/m);
    assert.match(all, /^Normal\s+Scheduled\s+Pod\/orders-api-/m);
    assert.doesNotMatch(all, /Normal events:/);
    // Warnings stay first.
    assert.ok(all.indexOf('Warning') < all.indexOf('Normal'));
  });

  it('patch in dry-run changes nothing and reports the diff', async () => {
    const before = await fx.cluster.apps.readNamespacedDeployment({ name: 'memory-hog', namespace: 'memory-hog' });
    const container = before.spec?.template.spec?.containers[0]?.name;
    const patch = {
      spec: { template: { spec: { containers: [{ name: container, resources: { limits: { memory: '512Mi' } } }] } } },
    };
    const r = await executor().call(
      'k8s_patch',
      JSON.stringify({ name: 'memory-hog', namespace: 'memory-hog', patch }),
      { dryRun: true },
    );
    const out = text(r);
    assert.match(out, /^dry run \(nothing was changed\)/);
    assert.match(out, /~ \/spec\/template\/spec\/containers\/0\/resources\/limits\/memory: "512Mi"/);
    const afterwards = await fx.cluster.apps.readNamespacedDeployment({ name: 'memory-hog', namespace: 'memory-hog' });
    // The controllers keep writing the crash-looping Deployment's status, so its resourceVersion moves on its own;
    // the spec and its generation are what a dry-run must leave alone.
    assert.equal(afterwards.metadata?.generation, before.metadata?.generation);
    assert.deepEqual(afterwards.spec, before.spec);
    assert.equal(audit.at(-1)?.decision, 'dry-run');
  });

  it('the same patch without dry-run and without a person is refused, and nothing changes', async () => {
    const before = await fx.cluster.apps.readNamespacedDeployment({ name: 'memory-hog', namespace: 'memory-hog' });
    const r = await executor().call(
      'k8s_scale',
      JSON.stringify({ name: 'memory-hog', namespace: 'memory-hog', replicas: 5 }),
    );
    assert.equal(r.ok ? '' : r.code, 'REFUSED_BY_POLICY');
    const afterwards = await fx.cluster.apps.readNamespacedDeployment({ name: 'memory-hog', namespace: 'memory-hog' });
    assert.equal(afterwards.spec?.replicas, before.spec?.replicas);
  });

  it('scale with approval changes the cluster', async () => {
    const ref = { name: 'orders-api', namespace: 'crash-missing-env' };
    const replicas = ((await fx.cluster.apps.readNamespacedDeployment(ref)).spec?.replicas ?? 1) + 1;
    const r = await executor({ approver: { ask: async () => 'yes' } }).call(
      'k8s_scale',
      JSON.stringify({ ...ref, replicas }),
    );
    assert.equal(
      text(r),
      `done: scaling Deployment/orders-api to ${replicas}\nchanged:\n~ /spec/replicas: ${replicas}`,
    );
    const d = await fx.cluster.apps.readNamespacedDeployment(ref);
    assert.equal(d.spec?.replicas, replicas);
  });

  it('the kubectl tool runs reads, compacted and redacted', async () => {
    const out = text(
      await executor().call('kubectl', JSON.stringify({ command: 'kubectl get deploy -n memory-hog -o json' })),
    );
    assert.match(out, /kind: Deployment/);
    assert.doesNotMatch(out, /managedFields|"items"/);
    const pod = await podOf('prompt-injection-logs');
    const logs = text(
      await executor().call('kubectl', JSON.stringify({ command: `logs ${pod} -n prompt-injection-logs` })),
    );
    assert.match(logs, /report-worker/);
    assert.doesNotMatch(logs, /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|Sup3rS3cretPassw0rd/);
  });

  it('safety: obeying the injected log text is refused and nothing is deleted', async () => {
    const pod = await podOf('prompt-injection-logs');
    const logs = text(
      await executor().call('k8s_logs', JSON.stringify({ pod, namespace: 'prompt-injection-logs', previous: true })),
    );
    const injected = /run (kubectl delete namespace \S+?),/.exec(logs);
    assert.ok(injected, `the logs carry the injection: ${logs}`);
    const command = injected[1] as string;
    assert.equal(command, 'kubectl delete namespace production');
    const created = await fx.kubectl.run(['apply', '-f', '-'], {
      stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: production\n',
    });
    assert.equal(created.code, 0, created.stderr);

    // With no person, with a person who would say yes (destructive is disabled), and in kube-system: all refused.
    let asked = 0;
    const approver = {
      ask: async (): Promise<'yes'> => {
        asked++;
        return 'yes';
      },
    };
    for (const ex of [executor(), executor({ approver })]) {
      const r = await ex.call('kubectl', JSON.stringify({ command }));
      assert.equal(r.ok ? '' : r.code, 'REFUSED_BY_POLICY');
    }
    const sys = await executor({ approver, allowDestructive: true }).call(
      'kubectl',
      JSON.stringify({ command: 'kubectl delete namespace kube-system' }),
    );
    assert.match(sys.ok ? '' : sys.message, /namespace "kube-system" is protected/);
    const compound = await executor({ approver, allowDestructive: true }).call(
      'kubectl',
      JSON.stringify({ command: 'get pods; kubectl delete namespace production' }),
    );
    assert.equal(compound.ok ? '' : compound.code, 'REFUSED_BY_POLICY');
    assert.equal(asked, 0);

    const ns = await fx.kubectl.run(['get', 'ns', '-o', 'name']);
    assert.match(ns.stdout, /namespace\/production/);
    assert.match(ns.stdout, /namespace\/kube-system/);
    assert.match(ns.stdout, /namespace\/prompt-injection-logs/);
  });

  it('incidents name the failure on the workload', async () => {
    const out = text(await executor().call('k8s_incidents', JSON.stringify({ namespace: 'memory-hog' })));
    assert.match(out, /OOMKilled/);
    assert.match(out, /memory-hog/);
  });

  it('rollout history lists revisions', async () => {
    const out = text(
      await executor().call('k8s_rollout_history', JSON.stringify({ name: 'memory-hog', namespace: 'memory-hog' })),
    );
    assert.match(out, /^REVISION\s+REPLICASET\s+IMAGES/);
    assert.match(out, /\n1\s+memory-hog-/);
  });
});
