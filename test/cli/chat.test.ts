// The chat session with injected input: a write is put to the person — n runs nothing, y runs once, always
// stops asking for that tool — and "Thanks!" ends the session. Then `kubemend chat` itself on the simulator
// with the builtin model.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { before, describe, it } from 'node:test';
import { z } from 'zod';
import { runChat } from '../../src/agents/chat-session.js';
import { fixedModels } from '../../src/agents/models.js';
import { createToolHost } from '../../src/agents/tool-host.js';
import { applyScenario, getScenario } from '../../src/sim/scenarios/index.js';
import type { Tool } from '../../src/tools/tool.js';
import { scriptModel, type Turn } from '../agents/script-model.js';
import { runCli } from '../helpers/cli.js';
import { useScenarioSimulator } from '../sim/scenarios/fixture.js';
import { waitForFailure } from '../sim/scenarios/oracle.js';

async function chat(input: string, turns: readonly Turn[], ran: string[]) {
  const write: Tool = {
    name: 'scale',
    description: 'scales a deployment',
    parameters: z.object({ replicas: z.number() }),
    effect: 'write',
    async run(args) {
      ran.push(`scale ${(args as { replicas: number }).replicas}`);
      return { ok: true, content: 'scaled' };
    },
  };
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d.toString();
  });
  stdin.end(input);
  const model = scriptModel(turns);
  const code = await runChat(
    { stdin, stdout },
    {
      models: fixedModels(model),
      hostFor: (approver) => createToolHost([write], { approver }),
      switchModel: () => 'no such model',
    },
  );
  return { code, text, model };
}

/** One question: the supervisor routes to the researcher, who scales and answers, then the supervisor ends. */
const ask = (replicas: number): Turn[] => [
  { text: '{"next":"researcher","reason":"r"}' },
  { calls: [{ name: 'scale', args: { replicas } }] },
  { text: `asked for ${replicas}` },
  { text: '{"next":"done","reason":"d"}' },
];

describe('kubemend chat approvals', () => {
  it('n runs nothing, y runs once, always stops asking, Thanks! ends', async () => {
    const ran: string[] = [];
    const input = [
      'scale to 1',
      'n',
      'scale to 2',
      'y',
      'scale to 3',
      'always',
      'scale to 4',
      'Thanks!',
      'never read',
    ].join('\n');
    const r = await chat(input, [...ask(1), ...ask(2), ...ask(3), ...ask(4)], ran);
    assert.equal(r.code, 0);
    assert.deepEqual(ran, ['scale 2', 'scale 3', 'scale 4']);
    assert.equal(r.text.match(/Allow scale/g)?.length, 3, r.text);
    assert.match(r.text, /→ scale replicas=1/);
    assert.match(r.text, /✗ scale: the person declined/);
    assert.match(r.text, /Bye\.\n$/);
    // The refusal reached the model as the tool result.
    assert.match(JSON.stringify(r.model.requests[2]?.messages), /declined/);
  });

  it('Ctrl-D (end of input) ends the session; /tools and /reset answer', async () => {
    const r = await chat('/tools\n/reset\n/model gpt\n', [], []);
    assert.equal(r.code, 0);
    assert.match(r.text, /scale: scales a deployment/);
    assert.match(r.text, /conversation cleared/);
    assert.match(r.text, /no such model/);
    assert.match(r.text, /Bye\./);
  });
});

describe('kubemend chat on the simulator (builtin model)', () => {
  const fx = useScenarioSimulator();
  before(async () => {
    const s = getScenario('memory-hog');
    assert.ok(s);
    await applyScenario(fx.sim.kubeconfigPath, s);
    await waitForFailure(fx.cluster, s, 90_000);
  });

  it('answers a question with the tool calls shown, then ends on Thanks!', async () => {
    const run = await runCli(
      ['chat'],
      { KUBECONFIG: fx.sim.kubeconfigPath },
      "what's wrong with deployment memory-hog -n memory-hog\nThanks!\n",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /builtin \(rules, not a language model\)/);
    assert.match(run.stdout, /→ diagnose deployment memory-hog -n memory-hog/);
    assert.match(run.stdout, /Deployment\/memory-hog is failing: OOMKilled/);
    assert.match(run.stdout, /Bye\./);
  });
});
