import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  type ApprovalAnswer,
  type ApprovalRequest,
  type AuditEntry,
  type ExecutorOptions,
  ToolExecutor,
} from '../../src/tools/executor.js';
import { ToolRegistry } from '../../src/tools/registry.js';
import type { Tool, ToolEffect } from '../../src/tools/tool.js';

const params = z.object({
  name: z.string(),
  namespace: z.string().default('shop'),
  replicas: z.number().int().optional(),
});

/** A tool that records every run, so "nothing ran" is observable. */
function fakeTool(
  name: string,
  effect: ToolEffect,
  runs: string[],
  extra: Partial<Tool<typeof params>> = {},
): Tool<typeof params> {
  return {
    name,
    description: `${name} for tests`,
    parameters: params,
    effect,
    namespaceOf: (a) => a.namespace,
    async run(args, ctx) {
      runs.push(`${name}:${args.name}${ctx.dryRun ? ':dry' : ''}`);
      return { ok: true, content: `${name} done on ${args.name}` };
    },
    ...extra,
  };
}

function scriptedApprover(answers: ApprovalAnswer[]): {
  approver: { ask(r: ApprovalRequest): Promise<ApprovalAnswer> };
  asked: ApprovalRequest[];
} {
  const asked: ApprovalRequest[] = [];
  return {
    asked,
    approver: {
      async ask(r) {
        asked.push(r);
        const a = answers.shift();
        if (!a) throw new Error('asked more often than the test scripted');
        return a;
      },
    },
  };
}

function setup(options: ExecutorOptions = {}, extra: Partial<Tool<typeof params>> = {}) {
  const runs: string[] = [];
  const audit: AuditEntry[] = [];
  const registry = new ToolRegistry([
    fakeTool('get', 'read', runs),
    fakeTool('scale', 'write', runs, extra),
    fakeTool('delete_pod', 'destructive', runs, extra),
    fakeTool('mystery', 'unknown', runs),
  ]);
  const executor = new ToolExecutor(registry, { ...options, audit: (e) => audit.push(e) });
  return { runs, audit, executor };
}

describe('tool executor policy', () => {
  it('runs reads without asking', async () => {
    const { approver, asked } = scriptedApprover([]);
    const { executor, runs } = setup({ approver });
    const r = await executor.call('get', '{"name":"web"}');
    assert.deepEqual(r, { ok: true, content: 'get done on web' });
    assert.deepEqual(runs, ['get:web']);
    assert.equal(asked.length, 0);
  });

  it('"n" runs nothing and the refusal reaches the result', async () => {
    const { approver, asked } = scriptedApprover(['no']);
    const { executor, runs, audit } = setup({ approver });
    const r = await executor.call('scale', '{"name":"web","replicas":3}');
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.code, 'DENIED_BY_USER');
    assert.deepEqual(runs, []);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.effect, 'write');
    assert.match(asked[0]?.summary ?? '', /scale .*"replicas":3.*namespace shop/);
    assert.equal(audit.at(-1)?.decision, 'denied-by-user');
  });

  it('"y" runs once, and the next write is asked again', async () => {
    const { approver, asked } = scriptedApprover(['yes', 'no']);
    const { executor, runs } = setup({ approver });
    assert.equal((await executor.call('scale', '{"name":"web","replicas":3}')).ok, true);
    assert.equal((await executor.call('scale', '{"name":"api","replicas":3}')).ok, false);
    assert.deepEqual(runs, ['scale:web']);
    assert.equal(asked.length, 2);
  });

  it('"always" stops asking for that tool, but not for others', async () => {
    const { approver, asked } = scriptedApprover(['always', 'no']);
    const { executor, runs } = setup({ approver, allowDestructive: true });
    await executor.call('scale', '{"name":"a"}');
    await executor.call('scale', '{"name":"b"}');
    await executor.call('scale', '{"name":"c"}');
    await executor.call('delete_pod', '{"name":"x"}');
    assert.deepEqual(runs, ['scale:a', 'scale:b', 'scale:c']);
    assert.deepEqual(
      asked.map((a) => a.tool),
      ['scale', 'delete_pod'],
    );
  });

  it('refuses writes when there is no person to ask', async () => {
    const { executor, runs, audit } = setup();
    const r = await executor.call('scale', '{"name":"web"}');
    assert.equal(r.ok ? '' : r.code, 'REFUSED_BY_POLICY');
    assert.match(r.ok ? '' : r.message, /writes need a person's approval; run `kubemend chat` to approve/);
    assert.deepEqual(runs, []);
    assert.equal(audit[0]?.decision, 'refused');
  });

  it('refuses destructive calls unless enabled, and asks even when enabled', async () => {
    const off = scriptedApprover([]);
    const a = setup({ approver: off.approver });
    const r = await a.executor.call('delete_pod', '{"name":"web-1"}');
    assert.equal(r.ok ? '' : r.code, 'REFUSED_BY_POLICY');
    assert.equal(off.asked.length, 0);
    assert.deepEqual(a.runs, []);

    const on = scriptedApprover(['no', 'yes']);
    const b = setup({ approver: on.approver, allowDestructive: true });
    assert.equal((await b.executor.call('delete_pod', '{"name":"web-1"}')).ok, false);
    assert.equal((await b.executor.call('delete_pod', '{"name":"web-2"}')).ok, true);
    assert.deepEqual(b.runs, ['delete_pod:web-2']);
  });

  it('treats unknown like destructive', async () => {
    const { approver, asked } = scriptedApprover([]);
    const { executor, runs } = setup({ approver });
    const r = await executor.call('mystery', '{"name":"x"}');
    assert.match(r.ok ? '' : r.message, /cannot tell what this mystery call would change/);
    assert.deepEqual(runs, []);
    assert.equal(asked.length, 0);
  });

  it('refuses writes to kube-system without asking, and honours a configured deny-list', async () => {
    const { approver, asked } = scriptedApprover(['yes']);
    const { executor, runs } = setup({ approver });
    const r = await executor.call('scale', '{"name":"coredns","namespace":"kube-system"}');
    assert.match(r.ok ? '' : r.message, /namespace "kube-system" is protected/);
    assert.equal(asked.length, 0);
    assert.equal((await executor.call('get', '{"name":"coredns","namespace":"kube-system"}')).ok, true);
    assert.deepEqual(runs, ['get:coredns']);

    const custom = setup({ approver: scriptedApprover([]).approver, deniedNamespaces: ['payments'] });
    const p = await custom.executor.call('scale', '{"name":"x","namespace":"payments"}');
    assert.equal(p.ok ? '' : p.code, 'REFUSED_BY_POLICY');
    const all = await custom.executor.call('scale', '{"name":"x","namespace":"*"}');
    assert.match(all.ok ? '' : all.message, /across all namespaces/);
  });

  it('refuses an identical repeated call (keys in any order), unless turned off', async () => {
    const { executor, runs, audit } = setup();
    await executor.call('get', '{"name":"web","namespace":"a"}');
    const again = await executor.call('get', '{"namespace":"a", "name":"web"}');
    assert.equal(again.ok ? '' : again.code, 'DUPLICATE_CALL');
    assert.equal((await executor.call('get', '{"name":"web","namespace":"b"}')).ok, true);
    assert.deepEqual(runs, ['get:web', 'get:web']);
    assert.equal(audit[1]?.decision, 'duplicate');
    executor.resetRun();
    assert.equal((await executor.call('get', '{"name":"web","namespace":"a"}')).ok, true);

    const lax = setup({ refuseDuplicates: false });
    await lax.executor.call('get', '{"name":"web"}');
    await lax.executor.call('get', '{"name":"web"}');
    assert.equal(lax.runs.length, 2);
  });

  it('returns malformed JSON raw with the parse error', async () => {
    const { executor, runs } = setup();
    const raw = '{"name": "web",';
    const r = await executor.call('get', raw);
    assert.equal(r.ok ? '' : r.code, 'INVALID_ARGUMENTS');
    assert.ok(!r.ok && r.message.includes(raw));
    assert.match(r.ok ? '' : r.message, /not valid JSON \(.+\)/);
    assert.deepEqual(runs, []);
  });

  it('lists schema issues for well-formed but wrong arguments', async () => {
    const { executor } = setup();
    const r = await executor.call('get', '{"replicas":"three"}');
    assert.equal(r.ok ? '' : r.code, 'INVALID_ARGUMENTS');
    assert.match(r.ok ? '' : r.message, /- name: /);
    assert.match(r.ok ? '' : r.message, /- replicas: /);
  });

  it('names the available tools when asked for one that does not exist', async () => {
    const { executor } = setup();
    const r = await executor.call('rm', '{}');
    assert.equal(r.ok ? '' : r.code, 'NOT_FOUND');
    assert.match(r.ok ? '' : r.message, /get, scale, delete_pod, mystery/);
  });

  it('lets a dry-run-safe tool preview a write without asking, but not an unsafe one', async () => {
    const safe = setup({}, { dryRunSafe: true });
    assert.equal((await safe.executor.call('scale', '{"name":"web"}', { dryRun: true })).ok, true);
    assert.deepEqual(safe.runs, ['scale:web:dry']);
    assert.equal(safe.audit[0]?.decision, 'dry-run');
    const protectedNs = await safe.executor.call('scale', '{"name":"dns","namespace":"kube-system"}', { dryRun: true });
    assert.equal(protectedNs.ok, false);

    const unsafe = setup();
    assert.equal((await unsafe.executor.call('scale', '{"name":"web"}', { dryRun: true })).ok, false);
    assert.deepEqual(unsafe.runs, []);
  });

  it('turns a tool that throws into an error result', async () => {
    const registry = new ToolRegistry([
      {
        name: 'boom',
        description: 'throws',
        parameters: z.object({}),
        effect: 'read',
        async run() {
          throw new Error('kaput');
        },
      },
    ]);
    const r = await new ToolExecutor(registry).call('boom', '');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /kaput/);
  });
});

describe('tool registry', () => {
  it('gives JSON Schemas from zod, filtered by name and effect', () => {
    const runs: string[] = [];
    const registry = new ToolRegistry([fakeTool('get', 'read', runs), fakeTool('scale', 'write', runs)]);
    const [schema] = registry.schemas({ effects: ['read'] });
    assert.equal(registry.schemas().length, 2);
    assert.equal(schema?.name, 'get');
    assert.equal(schema?.parameters.type, 'object');
    assert.deepEqual(schema?.parameters.required, ['name']);
    assert.deepEqual(
      registry.list({ names: ['scale'] }).map((t) => t.name),
      ['scale'],
    );
    assert.throws(() => registry.register(fakeTool('get', 'read', runs)), /already registered/);
  });
});
