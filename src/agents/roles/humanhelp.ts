import { type RoleSpec, rolePrompt } from './role.js';

export const HUMANHELP: RoleSpec = {
  name: 'humanhelp',
  maxSteps: 1,
  tools: [],
  prompt: rolePrompt(
    'humanhelp',
    `You are kubemend's HumanHelp. The team could not fix this safely. Write the escalation for the on-call person in
three short sections: "What happened" (the cause and evidence), "What was tried" (the proposed fix and why it was
not applied), "What you need to decide". No speculation beyond the evidence.`,
  ),
};
