// The typed change the Fixer proposes. Agents only propose: applying it is the repair loop's job; here it is
// validated with a server-side dry-run and reviewed by Security.

import { z } from 'zod';

export const FIX_KINDS = ['patch', 'scale', 'rollout-undo', 'rollout-restart', 'delete-pod'] as const;

export const PatchSchema = z.object({
  type: z.enum(['strategic', 'json', 'merge']),
  body: z.unknown(),
});
export type FixPatch = z.infer<typeof PatchSchema>;

export const FixSchema = z.object({
  kind: z.enum(FIX_KINDS),
  target: z.object({
    kind: z.string().min(1),
    namespace: z.string().min(1),
    name: z.string().min(1),
    resourceVersion: z.string().optional(),
    /** Spec generation when read: a newer resourceVersion with the same generation is only a status update. */
    generation: z.number().int().optional(),
  }),
  /** For `patch`; for `rollout-undo` the template change the undo amounts to, so it can be dry-run and reviewed. */
  patch: PatchSchema.optional(),
  replicas: z.number().int().min(0).optional(),
  toRevision: z.number().int().min(1).optional(),
  expected: z.string().min(1),
  risk: z.enum(['low', 'medium', 'high']),
  undo: z.object({ description: z.string().min(1), patch: PatchSchema.optional() }),
});
export type Fix = z.infer<typeof FixSchema>;

export type FixParse = { readonly ok: true; readonly fix: Fix } | { readonly ok: false; readonly message: string };

/** The Fix in an agent's answer: the last ```json block (or the whole text) that validates. */
export function parseFix(text: string): FixParse {
  const blocks = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const candidates = blocks.length ? blocks.reverse() : [text];
  let message = 'no JSON Fix found in the answer';
  for (const c of candidates) {
    let json: unknown;
    try {
      json = JSON.parse(c);
    } catch (err) {
      message = `the Fix is not valid JSON: ${(err as Error).message}`;
      continue;
    }
    const parsed = FixSchema.safeParse(json);
    if (parsed.success) return { ok: true, fix: parsed.data };
    message = `the Fix does not match the schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  }
  return { ok: false, message };
}

export function describeFix(fix: Fix): string {
  const t = `${fix.target.kind}/${fix.target.name} -n ${fix.target.namespace}`;
  switch (fix.kind) {
    case 'patch':
      return `patch ${t} (${fix.patch?.type ?? 'strategic'}): ${JSON.stringify(fix.patch?.body)}`;
    case 'scale':
      return `scale ${t} to ${fix.replicas ?? '?'} replicas`;
    case 'rollout-undo':
      return `rollout undo ${t}${fix.toRevision ? ` --to-revision=${fix.toRevision}` : ''}`;
    case 'rollout-restart':
      return `rollout restart ${t}`;
    case 'delete-pod':
      return `delete pod ${fix.target.name} -n ${fix.target.namespace}`;
  }
}
