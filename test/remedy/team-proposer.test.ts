// The agent team in the repair loop, on the simulator: a crash loop no runbook knows (a wrong flag, not after a
// rollout) is fixed by the team's Fix through the engine's review, dry-run, apply and verification, with the model
// as the audited actor and its tokens recorded; a privileged Fix from the team is vetoed and nothing is applied; and
// with the builtin model there is no team at all, so a runbook incident costs no model call.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppsV1Api } from '@kubernetes/client-node';
import { fixedModels } from '../../src/agents/models.js';
import { teamHost } from '../../src/agents/session.js';
import type { Incident } from '../../src/detect/index.js';
import { createScriptedModel, type ScriptTurn } from '../../src/llm/index.js';
import { remediate, type TeamProposer } from '../../src/remedy/engine.js';
import { createTeamProposer, teamFromConfig } from '../../src/remedy/team-proposer.js';
import { applyScenario, getScenario, type Scenario } from '../../src/sim/scenarios/index.js';
import { depsFor, useRemedySimulator, waitForIncident } from './fixture.js';

const fx = useRemedySimulator();

/** A Deployment created broken (no earlier revision to roll back to): `sleep --forever` exits 1 at once. */
function wrongFlag(namespace: string): Scenario {
  const base = getScenario('memory-hog');
  assert.ok(base);
  return {
    ...base,
    name: namespace,
    namespace,
    stages: [],
    manifests: `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: variant, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: variant } }
  template:
    metadata: { labels: { app: variant } }
    spec:
      containers:
        - name: variant
          image: busybox:1.36
          command: ["sleep"]
          args: ["--forever"]
          resources: { limits: { memory: 64Mi } }
`,
    expect: { failureClass: 'CrashLoopBackOff', workload: { kind: 'Deployment', name: 'variant' } },
  };
}

async function crashIncident(s: Scenario): Promise<Incident> {
  await applyScenario(fx.sim.kubeconfigPath, s);
  return waitForIncident(fx.conn(), s.namespace, { ...s.expect.workload, failureClass: s.expect.failureClass });
}

const decide = (next: string, reason = 'next step'): ScriptTurn => ({ text: JSON.stringify({ next, reason }) });

function fixJson(namespace: string, patch: unknown): string {
  return JSON.stringify({
    kind: 'patch',
    target: { kind: 'Deployment', namespace, name: 'variant' },
    patch,
    expected: 'the container sleeps instead of exiting 1, and the pod becomes Ready',
    risk: 'low',
    undo: { description: 'restore the old args' },
  });
}

function proposerFor(script: readonly ScriptTurn[], audit: Parameters<typeof createTeamProposer>[0]['audit']) {
  const model = createScriptedModel(script, { name: 'fake-llm', modelId: 'fake-1' });
  const models = fixedModels(model);
  const team = createTeamProposer({
    models,
    modelName: 'fake-llm',
    host: teamHost(fx.conn(), { kubeconfig: fx.sim.kubeconfigPath }, {}),
    ...(audit ? { audit } : {}),
  });
  return { model, models, team };
}

async function deployment(namespace: string) {
  return fx.conn().kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'variant', namespace });
}

describe('the agent team in the repair loop', { concurrency: true }, () => {
  it('a crash loop no runbook knows: the team fixes the args, dry-run, applied, verified, resolved', async () => {
    const ns = 'team-wrong-flag';
    const incident = await crashIncident(wrongFlag(ns));
    const deps = await depsFor(fx.conn());
    const fix = fixJson(ns, {
      type: 'strategic',
      body: { spec: { template: { spec: { containers: [{ name: 'variant', args: ['infinity'] }] } } } },
    });
    const { model, models, team } = proposerFor(
      [
        decide('researcher', 'find the cause first'),
        { toolCalls: [{ name: 'diagnose', arguments: { kind: 'deployment', name: 'variant', namespace: ns } }] },
        { text: "The container runs `sleep --forever`: sleep rejects the flag ('invalid number') and exits 1." },
        decide('fixer', 'the cause is known'),
        { toolCalls: [{ name: 'validate_fix', arguments: { fix: JSON.parse(fix) } }] },
        { text: `Pass a duration sleep accepts.\n\`\`\`json\n${fix}\n\`\`\`` },
        decide('security', 'every Fix is reviewed'),
        decide('done', 'approved'),
      ],
      deps.audit,
    );
    const result = await remediate(incident, { ...deps, team }, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assert.equal(result.actor, 'model:fake-llm');
    assert.equal(model.remaining, 0, 'the whole script was played');
    assert.match(JSON.stringify(model.requests[1]?.messages), /--forever/, 'the team was told the evidence');
    const validated = JSON.stringify(model.requests[5]?.messages.at(-1));
    assert.match(validated, /dry-run: the API server accepts/);

    const entries = deps.audit.list({ incident: incident.id });
    const steps = entries.map((e) => e.step);
    for (const step of ['proposed', 'review', 'dry-run', 'policy', 'applied', 'verify', 'resolved'] as const)
      assert.ok(steps.includes(step), `${step} missing from ${steps.join(',')}`);
    assert.equal(steps.at(-1), 'resolved');
    assert.equal(entries.find((e) => e.step === 'applied')?.actor, 'model:fake-llm');
    const spent = entries.find((e) => e.actor === 'model:fake-llm' && e.step === 'proposed' && e.data);
    const tokens = (spent?.data as { tokens?: number } | undefined)?.tokens ?? 0;
    const ledger = models.ledger.totals();
    assert.ok(tokens > 0, 'the audit records the tokens the team used');
    assert.equal(tokens, ledger.promptTokens + ledger.completionTokens);
    assert.deepEqual([...models.ledger.by('incident').keys()], [incident.id]);

    const d = await deployment(ns);
    assert.deepEqual(d.spec?.template.spec?.containers[0]?.args, ['infinity']);
    assert.equal(d.status?.readyReplicas, 1, JSON.stringify(d.status));
  });

  it('a privileged Fix from the team is vetoed by Security, escalated, and nothing is applied', async () => {
    const ns = 'team-privileged';
    const incident = await crashIncident(wrongFlag(ns));
    const deps = await depsFor(fx.conn());
    const beforeFix = await deployment(ns);
    const fix = fixJson(ns, {
      type: 'strategic',
      body: {
        spec: {
          template: { spec: { containers: [{ name: 'variant', securityContext: { privileged: true } }] } },
        },
      },
    });
    const { model, team } = proposerFor(
      [
        decide('fixer'),
        { text: `Root will fix it.\n\`\`\`json\n${fix}\n\`\`\`` },
        decide('security'),
        decide('humanhelp', 'the Fix was vetoed'),
        { text: 'The proposed Fix was vetoed. What you need to decide: how sleep should be started.' },
        decide('done'),
      ],
      deps.audit,
    );
    const result = await remediate(incident, { ...deps, team }, { pollMs: 100 });
    assert.equal(result.outcome, 'refused', result.reason);
    assert.match(result.reason, /Security vetoed the fix: no-privileged/);
    assert.equal(model.remaining, 0);
    const entries = deps.audit.list({ incident: incident.id });
    const steps = entries.map((e) => e.step);
    assert.ok(entries.some((e) => e.step === 'review' && e.actor === 'security' && /vetoed/.test(e.reason)));
    assert.equal(steps.at(-1), 'escalated');
    assert.ok(!steps.includes('dry-run') && !steps.includes('applied'), steps.join(','));
    const afterFix = await deployment(ns);
    assert.equal(afterFix.metadata?.generation, beforeFix.metadata?.generation);
    assert.equal(afterFix.spec?.template.spec?.containers[0]?.securityContext, undefined);
  });

  it('with the builtin model there is no team: a runbook incident is repaired without any model call', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kubemend-team-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    const builtin = teamFromConfig({ conn: fx.conn(), env: { HOME: home }, cwd: home, model: 'builtin' });
    assert.ok(builtin.ok);
    assert.equal(builtin.team, undefined);

    let calls = 0;
    const spy: TeamProposer = async () => {
      calls++;
      return undefined;
    };
    const s = getScenario('liveness-probe-bad-path');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    const incident = await waitForIncident(fx.conn(), s.namespace, {
      ...s.expect.workload,
      failureClass: s.expect.failureClass,
    });
    const deps = await depsFor(fx.conn());
    const result = await remediate(incident, { ...deps, team: spy }, { pollMs: 100 });
    assert.equal(result.outcome, 'resolved', result.reason);
    assert.equal(result.actor, 'runbook:probe');
    assert.equal(calls, 0, 'the team is not asked about what a runbook knows');
    assert.ok(deps.audit.list({ incident: incident.id }).every((e) => !e.actor.startsWith('model:')));
  });

  it('a configured language model gives a team whose actor is the fixer model; an unknown one is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubemend-team-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'turns.yaml'), '- text: "{}"\n');
    writeFileSync(
      join(dir, 'kubemend.yaml'),
      `models:\n  fake:\n    provider: scripted\n    model: fake-1\n    script: ${join(dir, 'turns.yaml')}\n`,
    );
    const env = { HOME: dir };
    const fake = teamFromConfig({ conn: fx.conn(), env, cwd: dir, model: 'fake' });
    assert.ok(fake.ok);
    assert.equal(typeof fake.team, 'function');
    assert.equal(fake.models.nameFor('fixer'), 'fake');
    const unknown = teamFromConfig({ conn: fx.conn(), env, cwd: dir, model: 'nope' });
    assert.ok(!unknown.ok);
    assert.match(unknown.error.message, /no model named "nope"/);
  });
});
