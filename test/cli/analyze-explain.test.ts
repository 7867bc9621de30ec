// `kubemend analyze --explain` on the simulator: offline, each incident gets its failure class's runbook, labelled as
// rules and not a language model; with an OpenAI-compatible model (a local fake server) all incidents go in one
// call, and explaining them again with the same model makes no call at all (memory store, or this process).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RULES_LABEL } from '../../src/agents/explain.js';
import { readRunbook } from '../../src/agents/runbooks.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { runCli } from '../helpers/cli.js';
import { type FakeOpenAI, reply, startFakeOpenAI } from '../helpers/fake-openai.js';
import { eventually } from '../helpers/kubectl.js';
import { useScenarioSimulator } from '../sim/scenarios/fixture.js';
import { waitForFailure } from '../sim/scenarios/oracle.js';

const fx = useScenarioSimulator();
const NAMES = ['crash-missing-env', 'missing-secret', 'node-selector-mismatch'] as const;

interface Item {
  readonly fingerprint: string;
  readonly failureClass: string;
  readonly workload: { readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly explanation?: { readonly text: string; readonly by: string; readonly cached: boolean };
}

const itemsOf = (stdout: string): Item[] => (JSON.parse(stdout) as { items: Item[] }).items;

/** The runbook without its title: what the builtin model explains a failure class with. */
const runbookBody = (failureClass: string): string => {
  const text = readRunbook(failureClass);
  assert.ok(text, `no runbook for ${failureClass}`);
  return text.replace(/^# .*\n/, '').trim();
};

describe('kubemend analyze --explain', () => {
  const scenarios: Scenario[] = NAMES.map((n) => {
    const s = getScenario(n);
    assert.ok(s, n);
    return s;
  });
  let dir: string;
  let server: FakeOpenAI;
  let kubeconfig: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemend-explain-'));
    server = await startFakeOpenAI();
    kubeconfig = fx.sim.kubeconfigPath;
    await Promise.all(scenarios.map((s) => applyScenario(kubeconfig, s)));
    await Promise.all(scenarios.map((s) => waitForFailure(fx.cluster, s, 90_000)));
    // Wait until every incident has settled on its documented class (a crash is ContainerError at its first exit).
    await eventually(
      async () => {
        const items = itemsOf((await runCli(['analyze', '--kubeconfig', kubeconfig, '-A', '-o', 'json'])).stdout);
        return scenarios.every((s) =>
          items.some((i) => i.workload.name === s.expect.workload.name && i.failureClass === s.expect.failureClass),
        );
      },
      60_000,
      'the incidents to reach their documented classes',
    );
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builtin: every incident row is followed by its runbook, labelled as rules, at zero tokens', async () => {
    // A crash is reported as ContainerError at its first exit and as CrashLoopBackOff once kubelet backs off:
    // the runbook to expect is the one for the class the incident has when it is read.
    const classes = new Map(
      itemsOf((await runCli(['analyze', '--kubeconfig', kubeconfig, '-A', '-o', 'json'])).stdout).map((i) => [
        i.workload.name,
        i.failureClass,
      ]),
    );
    const run = await runCli(['analyze', '--kubeconfig', kubeconfig, '-A', '--explain']);
    assert.equal(run.code, 0, run.stderr);
    for (const s of scenarios) {
      const row = new RegExp(
        `^${s.namespace}\\s+${s.expect.workload.kind}\\s+${s.expect.workload.name}\\s.*\\n {4}explanation \\(builtin rules \\(no LLM\\)\\):\\n {6}(.*)$`,
        'm',
      );
      const m = row.exec(run.stdout);
      assert.ok(m, `no explanation under ${s.expect.workload.name}:\n${run.stdout}`);
      assert.equal(m[1], runbookBody(classes.get(s.expect.workload.name) ?? s.expect.failureClass).split('\n')[0]);
    }
    assert.doesNotMatch(run.stderr, /tokens:/, 'the rules model makes no model call worth counting');

    const json = await runCli(['analyze', '--kubeconfig', kubeconfig, '-A', '--explain', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const items = itemsOf(json.stdout);
    assert.equal(items.length, scenarios.length);
    for (const i of items) {
      assert.equal(i.explanation?.by, RULES_LABEL);
      assert.equal(i.explanation?.text, runbookBody(i.failureClass));
    }
  });

  it('an LLM explains all incidents in one call; the same incidents and model again make no call', async () => {
    const plain = await runCli(['analyze', '--kubeconfig', kubeconfig, '-A', '-o', 'json']);
    const n = itemsOf(plain.stdout).length;
    assert.equal(n, scenarios.length);
    const answer = (model: string) =>
      reply.text(
        `Here you go.\n${Array.from({ length: n }, (_, k) => `## incident ${k + 1}\n${model} explains number ${k + 1}.`).join('\n\n')}`,
      );
    server.push(answer('fake-1'));
    const env = {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: 'x',
      OPENAI_MODEL: 'fake-1',
      KUBEMEND_MODEL: 'openai',
    };
    const argv = ['analyze', '--kubeconfig', kubeconfig, '-A', '--explain', '-o', 'json'];
    const stateDir = join(dir, 'state');

    const first = await runCli([...argv, '--state-dir', stateDir], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(server.requests.length, 1, `${n} incidents, one batched request`);
    const sent = JSON.stringify(server.requests[0]?.body?.messages);
    for (const s of scenarios) assert.ok(sent.includes(s.expect.workload.name), `${s.expect.workload.name} was sent`);
    const explained = itemsOf(first.stdout);
    assert.deepEqual(
      explained.map((i) => i.explanation?.text).sort(),
      Array.from({ length: n }, (_, k) => `fake-1 explains number ${k + 1}.`).sort(),
    );
    for (const i of explained)
      assert.deepEqual({ ...i.explanation, text: '' }, { text: '', by: 'openai (fake-1)', cached: false });
    assert.match(first.stderr, /tokens: 1 model call\(s\), 11 prompt \+ 7 completion/);

    const again = await runCli([...argv, '--state-dir', stateDir], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, 1, 'the second run is answered from the memory store');
    for (const i of itemsOf(again.stdout)) {
      const before = explained.find((e) => e.fingerprint === i.fingerprint);
      assert.equal(i.explanation?.text, before?.explanation?.text);
      assert.equal(i.explanation?.cached, true);
    }
    assert.doesNotMatch(again.stderr, /tokens:/);

    // Another model id is another explanation; without a state directory the answer is kept by this process.
    server.push(answer('fake-2'));
    const other = { ...env, OPENAI_MODEL: 'fake-2' };
    const third = await runCli(argv, other);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(server.requests.length, 2, 'a different model is asked');
    assert.ok(itemsOf(third.stdout).every((i) => i.explanation?.text.startsWith('fake-2 explains')));
    const fourth = await runCli(argv, other);
    assert.equal(server.requests.length, 2, 'the same process remembers');
    assert.ok(itemsOf(fourth.stdout).every((i) => i.explanation?.cached === true));
  });

  it('--model and --state-dir need --explain; an unknown model fails before the cluster is read', async () => {
    const stray = await runCli(['analyze', '--kubeconfig', kubeconfig, '--model', 'builtin']);
    assert.equal(stray.code, 1);
    assert.match(stray.stderr, /--model and --state-dir only apply with --explain/);
    const unknown = await runCli(['analyze', '--kubeconfig', join(dir, 'none.yaml'), '--explain', '--model', 'gpt']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no model named "gpt" is configured/);
  });
});
