// `kubemend ask` offline with the builtin rules model against the simulator: for each failure scenario the
// answer names the documented failure class and shows evidence a cluster really has; a healthy pod is called
// healthy in plain words; a write the question might tempt is never run.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyScenario, getScenario as findScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { runCli } from '../helpers/cli.js';
import { useScenarioSimulator } from '../sim/scenarios/fixture.js';
import { waitForFailure } from '../sim/scenarios/oracle.js';

const fx = useScenarioSimulator();

function getScenario(name: string): Scenario {
  const s = findScenario(name);
  assert.ok(s, `no scenario ${name}`);
  return s;
}

/** The question a user would type, by scenario: pods by their workload's name, workloads by kind. */
const CASES: readonly { scenario: string; question: (s: Scenario) => string }[] = [
  { scenario: 'memory-hog', question: (s) => `what's wrong with pod memory-hog in namespace ${s.namespace}` },
  { scenario: 'bad-image-tag-after-rollout', question: () => 'why is deployment web failing?' },
  { scenario: 'crash-missing-env', question: (s) => `what's wrong with ${s.expect.workload.name} -n ${s.namespace}` },
  { scenario: 'missing-configmap-key', question: (s) => `why is deployment ${s.expect.workload.name} failing` },
  { scenario: 'missing-secret', question: (s) => `what's wrong with the ${s.expect.workload.name} pod` },
  { scenario: 'unschedulable-cpu', question: (s) => `why is deployment/${s.expect.workload.name} not running` },
  { scenario: 'node-selector-mismatch', question: (s) => `what's wrong with deployment ${s.expect.workload.name}` },
  { scenario: 'liveness-probe-bad-path', question: () => 'what is wrong with deploy storefront' },
  { scenario: 'readiness-probe-wrong-port', question: (s) => `why is deployment ${s.expect.workload.name} failing` },
  { scenario: 'pvc-missing-storageclass', question: (s) => `what's wrong with pvc ${s.expect.workload.name}` },
  { scenario: 'mysql-no-root-password', question: () => "what's wrong with deployment mysql" },
  { scenario: 'job-backoff-limit', question: (s) => `why did job ${s.expect.workload.name} fail` },
];

function evidenceOf(s: Scenario): string[] {
  return [
    s.expect.reason,
    s.expect.exitCode?.toString(),
    ...(s.expect.eventReasons ?? []),
    ...(s.expect.logIncludes ?? []),
  ].filter((x): x is string => Boolean(x));
}

describe('kubemend ask with the builtin model', () => {
  const scenarios = CASES.map((c) => getScenario(c.scenario));
  const healthy = getScenario('healthy-mixed-namespace');
  let env: NodeJS.ProcessEnv;

  before(async () => {
    env = { KUBECONFIG: fx.sim.kubeconfigPath };
    await Promise.all([...scenarios, healthy].map((s) => applyScenario(fx.sim.kubeconfigPath, s)));
    await Promise.all(scenarios.map((s) => waitForFailure(fx.cluster, s, 90_000)));
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.scenario}: names the cause and its evidence`, async () => {
      const s = scenarios[i];
      assert.ok(s);
      const run = await runCli(['ask', c.question(s)], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`\\b${s.expect.failureClass}\\b`), run.stdout);
      assert.match(run.stdout, new RegExp(`${s.expect.workload.kind}/${s.expect.workload.name}`), run.stdout);
      const present = evidenceOf(s).filter((e) => run.stdout.includes(e));
      assert.ok(present.length > 0, `no documented evidence (${evidenceOf(s).join(' | ')}) in:\n${run.stdout}`);
      assert.match(run.stdout, /not a language model/);
    });
  }

  it('says plainly that a healthy pod has nothing wrong', async () => {
    const run = await runCli(['ask', `what's wrong with pod web`, '-n', healthy.namespace], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Nothing is wrong with Pod\/web-[a-z0-9-]+: it is Running and Ready/m);
  });

  it('--verbose shows the tool calls and the trace; an unknown model is a clear error', async () => {
    const run = await runCli(['ask', 'what is wrong with deployment web', '-n', healthy.namespace, '--verbose'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /→ diagnose deployment web -n healthy-mixed-namespace/);
    assert.match(run.stderr, /\[researcher #0 builtin 0\+0 tok/);
    assert.match(run.stdout, /Nothing is wrong with Deployment\/web/);
    const bad = await runCli(['ask', 'hi', '--model', 'nope'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no model named "nope"/);
  });
});

describe('kubemend ask: choosing a model', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubemend-ask-models-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const fails = async (argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> => {
    const run = await runCli(['ask', 'what is wrong', ...argv], env);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /^hint: .*kubemend\.yaml/m, 'every model error says where models are configured');
    return run.stderr;
  };

  it('an unknown name, from --model or KUBEMEND_MODEL, lists the configured ones', async () => {
    assert.match(await fails(['--model', 'gpt'], {}), /no model named "gpt" is configured \(known: builtin\)/);
    assert.match(await fails([], { KUBEMEND_MODEL: 'gpt' }), /env KUBEMEND_MODEL: no model named "gpt"/);
  });

  it('a model without an id says which variable or field to set; kubemend does not guess one', async () => {
    const err = await fails([], { OPENAI_API_KEY: 'x', KUBEMEND_MODEL: 'openai' });
    assert.match(
      err,
      /model "openai" has no model id: set OPENAI_MODEL or set models\.openai\.model in kubemend\.yaml/,
    );
  });

  it('a key variable that is not set is named', async () => {
    const file = join(dir, 'kubemend.yaml');
    writeFileSync(
      file,
      'models:\n  ds:\n    baseURL: https://api.deepseek.com\n    apiKeyEnv: MY_DS_KEY\n    model: deepseek-chat\n',
    );
    assert.match(
      await fails(['--model', 'ds'], { KUBEMEND_CONFIG: file }),
      /model "ds" needs MY_DS_KEY in the environment/,
    );
  });
});
