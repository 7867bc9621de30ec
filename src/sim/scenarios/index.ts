// The scenario library's public API: the CLI's `sim --scenario`, the demo and the tests use only this.

export { type ApplyOptions, applyFix, applyScenario, SCENARIO_FIELD_MANAGER } from './apply.js';
export { getScenario, listScenarios, SCENARIOS_DIR } from './registry.js';
export type { ExpectedClass, FixPatch, ObjectName, Scenario, ScenarioExpectation, ScenarioFix } from './scenario.js';
export { formatScenarioList, loadScenariosInto } from './scenario-cli.js';
export { ScenarioError } from './scenario-file.js';
