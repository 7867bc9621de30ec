// Shared by the remedy tests: a fast simulator, a throwaway memory store, and a wait for detection to report.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { analyzeSnapshot, type Incident } from '../../src/detect/index.js';
import { readCluster } from '../../src/kube/cluster-reader.js';
import { type Connection, connect } from '../../src/kube/connect.js';
import { type MemoryManager, openMemory } from '../../src/memory/index.js';
import { AuditLog } from '../../src/remedy/audit.js';
import type { RemedyDeps } from '../../src/remedy/engine.js';
import { resolvePolicy } from '../../src/remedy/policy.js';
import type { PolicyConfig } from '../../src/remedy/types.js';
import { type SimFixture, useSimulator } from '../helpers/sim.js';

export function useRemedySimulator(): SimFixture & { conn: () => Connection } {
  const fx = useSimulator({ speed: 100 });
  return Object.assign(fx, {
    conn: () => {
      const c = connect({ kubeconfig: fx.sim.kubeconfigPath });
      if (!c.ok) throw new Error(c.error.message);
      return c.value;
    },
  });
}

export async function tempMemory(): Promise<MemoryManager> {
  const dir = mkdtempSync(join(tmpdir(), 'kubemend-remedy-'));
  const memory = await openMemory({ dir, sync: 'none' });
  after(async () => {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return memory;
}

export async function depsFor(
  conn: Connection,
  policy: Partial<PolicyConfig> = {},
): Promise<RemedyDeps & { audit: AuditLog }> {
  const memory = await tempMemory();
  return { conn, memory, policy: resolvePolicy({ mode: 'auto', ...policy }), audit: new AuditLog(memory) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls detection (the same path as `kubemend analyze`) until an incident on the workload appears. */
export async function waitForIncident(
  conn: Connection,
  namespace: string,
  want: { kind: string; name: string; failureClass?: string },
  timeoutMs = 60_000,
): Promise<Incident> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const read = await readCluster(conn, { namespace, logs: true });
    if (read.ok) {
      const { incidents } = await analyzeSnapshot(read.snapshot, { namespace, cluster: 'sim' });
      seen = incidents.map((i) => `${i.failureClass} ${i.workload.kind}/${i.workload.name}`);
      const found = incidents.find(
        (i) =>
          i.workload.kind === want.kind &&
          i.workload.name === want.name &&
          (!want.failureClass || i.failureClass === want.failureClass),
      );
      if (found) return found;
    }
    await sleep(300);
  }
  throw new Error(
    `no incident on ${want.kind}/${want.name} in ${namespace} within ${timeoutMs} ms; saw: ${seen.join('; ')}`,
  );
}
