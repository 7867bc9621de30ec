// The daemon's part of kubemend.yaml: `remedy:` (the policy) and `notify:` (receivers, read by src/notify).
// Flags override the file; the file overrides the defaults.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FIX_KINDS } from '../agents/fix.js';
import { resolvePolicy } from '../remedy/policy.js';
import type { PolicyConfig, RemedyMode } from '../remedy/types.js';

export const REMEDY_MODES = ['off', 'suggest', 'approve', 'auto'] as const;
const mode = z.enum(REMEDY_MODES);

const remedySchema = z.strictObject({
  mode: mode.optional(),
  namespaces: z.record(z.string(), mode).optional(),
  workloads: z.record(z.string(), mode).optional(),
  allowedActions: z.array(z.enum(FIX_KINDS)).optional(),
  deniedNamespaces: z.array(z.string()).optional(),
  maxMemoryFactor: z.number().min(1).optional(),
  memoryCeiling: z.string().optional(),
  maxCpuFactor: z.number().min(1).optional(),
  cpuCeiling: z.string().optional(),
  replicas: z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }).optional(),
  maxChangesPerWorkloadPerHour: z.number().int().min(0).optional(),
  verifyWindowSeconds: z.number().positive().optional(),
  verifyTimeoutSeconds: z.number().positive().optional(),
  approvalTimeoutSeconds: z.number().positive().optional(),
});

export interface RunConfig {
  readonly policy: PolicyConfig;
  /** The raw `notify:` section, for src/notify. */
  readonly notify?: unknown;
  /** Where it came from, for the start-up line. */
  readonly source: string;
}

export type RunConfigResult = { ok: true; config: RunConfig } | { ok: false; message: string };

export function loadRunConfig(cwd: string, overrides: { mode?: RemedyMode } = {}): RunConfigResult {
  const path = join(cwd, 'kubemend.yaml');
  let doc: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      const parsed = parseYaml(readFileSync(path, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
    } catch (err) {
      return { ok: false, message: `${path}: ${(err as Error).message}` };
    }
  }
  const remedy = remedySchema.safeParse(doc.remedy ?? {});
  if (!remedy.success) {
    const issue = remedy.error.issues[0];
    return { ok: false, message: `${path}: remedy.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const given = Object.fromEntries(Object.entries(remedy.data).filter(([, v]) => v !== undefined));
  const policy = resolvePolicy({
    ...(given as Partial<PolicyConfig>),
    ...(overrides.mode ? { mode: overrides.mode } : {}),
  });
  return {
    ok: true,
    config: {
      policy,
      ...(doc.notify === undefined ? {} : { notify: doc.notify }),
      source: existsSync(path) ? path : 'defaults',
    },
  };
}
