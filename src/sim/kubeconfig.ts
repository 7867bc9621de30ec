// The kubeconfig a user (or kubemend itself) points at the simulator. Plain HTTP needs
// insecure-skip-tls-verify on the cluster entry: @kubernetes/client-node 1.4 refuses http:// otherwise.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const SIM_CONTEXT = 'kubemend-sim';

export function simKubeconfig(url: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: SIM_CONTEXT, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: SIM_CONTEXT, user: { token: 'kubemend-sim' } }],
    contexts: [{ name: SIM_CONTEXT, context: { cluster: SIM_CONTEXT, user: SIM_CONTEXT, namespace } }],
    'current-context': SIM_CONTEXT,
    preferences: {},
  });
}

export function writeSimKubeconfig(path: string, url: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, simKubeconfig(url), { mode: 0o600 });
}
