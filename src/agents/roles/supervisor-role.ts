import { z } from 'zod';
import { type RoleSpec, rolePrompt } from './role.js';

export const NEXT_STEPS = ['researcher', 'fixer', 'security', 'humanhelp', 'done'] as const;

export const DecisionSchema = z.object({
  next: z.enum(NEXT_STEPS),
  reason: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const SUPERVISOR: RoleSpec = {
  name: 'supervisor',
  maxSteps: 1,
  tools: [],
  prompt: rolePrompt(
    'supervisor',
    `You are kubemend's Supervisor. You route work; you do not investigate. Given the task and the team's state, choose
who acts next: researcher (gather evidence), fixer (propose a Fix; only after research), security (review the
proposed Fix; always before done when there is a Fix), humanhelp (escalate when no safe Fix exists or Security
vetoed), or done. Reply with JSON only: {"next": "...", "reason": "..."}.`,
  ),
};
