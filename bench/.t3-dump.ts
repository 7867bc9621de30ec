import * as k8s from '@kubernetes/client-node';
import { connect } from '../src/kube/connect.js';
import { estimateTokens } from '../src/llm/index.js';
import { applyScenario, getScenario } from '../src/sim/scenarios/index.js';
import { startSimulator } from '../src/sim/simulator.js';
import { kubernetesTools, toolSchema } from '../src/tools/index.js';

const TOOLS = ['k8s_list', 'k8s_events', 'k8s_describe', 'k8s_logs'];
const names = (process.argv[2] ?? 'crash-missing-env,memory-hog').split(',');
const sim = await startSimulator({ speed: 100 });
try {
  const conn = connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  if (!conn.ok) throw new Error(conn.error.message);
  const tools = kubernetesTools({ conn: conn.value }).filter((t) => TOOLS.includes(t.name));
  for (const t of tools) console.log(t.name, 'schema tokens', estimateTokens(JSON.stringify(toolSchema(t))), JSON.stringify(toolSchema(t)));
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const n of names) {
    const s = getScenario(n)!;
    await applyScenario(sim.kubeconfigPath, s);
    await new Promise((r) => setTimeout(r, 4000));
    const pods = await core.listNamespacedPod({ namespace: s.namespace });
    const pod = pods.items.find((p) => p.metadata?.name?.startsWith(`${s.expect.workload.name}-`))!;
    const ns = s.namespace;
    const calls: [string, unknown][] = [
      ['k8s_list', { kind: 'pods', namespace: ns }],
      ['k8s_events', { namespace: ns }],
      ['k8s_describe', { kind: 'pod', name: pod.metadata!.name, namespace: ns }],
      ['k8s_logs', { pod: pod.metadata!.name, namespace: ns, previous: true }],
    ];
    for (const [name, a] of calls) {
      const t = tools.find((x) => x.name === name)!;
      const r = await t.run(t.parameters.parse(a), {});
      const c = r.ok ? r.content : r.message;
      console.log(`\n===== ${n} ${name} (${estimateTokens(c)} tokens)\n${c}`);
    }
  }
} finally {
  await sim.close();
}
