// The scenario library shipped in the package's `scenarios/` folder. Found from this module's own location so
// it works from src/ (tsx) and from dist/src/ (built) alike.

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from './scenario.js';
import { loadScenarioDir } from './scenario-file.js';

/** The nearest ancestor holding package.json: the package root, whether running from src/ or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const SCENARIOS_DIR = join(packageRoot(), 'scenarios');

/** Every scenario under `root`, sorted by name. */
export function loadScenarioLibrary(root: string = SCENARIOS_DIR): Scenario[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => loadScenarioDir(join(root, name)));
}

let library: readonly Scenario[] | undefined;

export function listScenarios(): Scenario[] {
  library ??= loadScenarioLibrary();
  return [...library];
}

export function getScenario(name: string): Scenario | undefined {
  return listScenarios().find((s) => s.name === name);
}
