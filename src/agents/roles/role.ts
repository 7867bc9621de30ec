// A role: its prompt, the tools it may call and how many steps it gets. The first line of every prompt names
// the role, so the builtin rules model (which reads only messages, like any model) knows which job it is doing.

export const ROLE_NAMES = ['supervisor', 'researcher', 'fixer', 'humanhelp'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface RoleSpec {
  readonly name: RoleName;
  readonly prompt: string;
  readonly tools: readonly string[];
  readonly maxSteps: number;
}

const HEADER = 'kubemend-role: ';

export function rolePrompt(name: RoleName, body: string): string {
  return `${HEADER}${name}\n${body.trim()}`;
}

export function roleOf(system: string | undefined): RoleName | undefined {
  const first = system?.split('\n', 1)[0] ?? '';
  const name = first.startsWith(HEADER) ? first.slice(HEADER.length).trim() : '';
  return (ROLE_NAMES as readonly string[]).includes(name) ? (name as RoleName) : undefined;
}
