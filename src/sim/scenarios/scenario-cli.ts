// What `kubemend sim --scenario NAME` and `--list-scenarios` need, kept here so the command file stays thin.

import { applyScenario } from './apply.js';
import { getScenario, listScenarios } from './registry.js';
import type { Scenario } from './scenario.js';
import { ScenarioError } from './scenario-file.js';

/** Applies the named scenarios (each in its own namespace, so in parallel); unknown names fail before anything is applied. */
export async function loadScenariosInto(kubeconfigPath: string, names: readonly string[]): Promise<void> {
  const unknown = names.filter((n) => getScenario(n) === undefined);
  if (unknown.length > 0)
    throw new ScenarioError(
      'ScenarioNotFound',
      `unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; \`kubemend sim --list-scenarios\` shows the library`,
    );
  const chosen = [...new Set(names)].map((n) => getScenario(n)).filter((s): s is Scenario => s !== undefined);
  await Promise.all(chosen.map((s) => applyScenario(kubeconfigPath, s)));
}

/** An aligned NAME / TITLE table, like kubectl's. */
export function formatScenarioList(scenarios: readonly Scenario[] = listScenarios()): string {
  const width = Math.max('NAME'.length, ...scenarios.map((s) => s.name.length)) + 3;
  return (
    [`${'NAME'.padEnd(width)}TITLE`, ...scenarios.map((s) => `${s.name.padEnd(width)}${s.title}`)].join('\n') + '\n'
  );
}
