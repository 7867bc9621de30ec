// Scenarios built in code rather than kept in the library: variants the repair tests and benches share.

import { getScenario } from './registry.js';
import type { Scenario } from './scenario.js';

function workerYaml(command: readonly string[]): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: crash-after-rollout }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: crash-after-rollout }
spec:
  replicas: 2
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers:
        - name: worker
          image: busybox:1.36
          command: ${JSON.stringify(command)}
          resources: { limits: { memory: 64Mi } }
`;
}

/** A good busybox Deployment, then an update whose command exits 1: a crash loop that began with a rollout. */
export function crashAfterRollout(): Scenario {
  const base = getScenario('memory-hog');
  if (!base) throw new Error('the scenario library has no memory-hog');
  return {
    ...base,
    name: 'crash-after-rollout',
    title: 'a rollout whose new command exits 1',
    namespace: 'crash-after-rollout',
    manifests: workerYaml(['sh', '-c', 'sleep 100000']),
    stages: [workerYaml(['sh', '-c', 'echo "fatal: cannot parse config" >&2; exit 1'])],
    expect: { failureClass: 'CrashLoopBackOff', workload: { kind: 'Deployment', name: 'worker' } },
  };
}
