// Kaia's interactive troubleshooter (seed 002), with the person in the loop: answers stream, tool calls show as
// one line each, every write is put to the person (y / n / always) through the executor's Approver, and the
// session ends on "Thanks!", "exit" or end of input.

import { createInterface } from 'node:readline';
import type { ChatMessage } from '../llm/chat-model.js';
import type { ApprovalAnswer, Approver } from '../tools/executor.js';
import { type RoleModels, usageLine } from './models.js';
import { showCall } from './session.js';
import { runTeam } from './supervisor.js';
import type { ToolHost } from './tool-host.js';
import { formatTrace } from './trace.js';

export interface ChatIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
}

export interface ChatOptions {
  readonly models: RoleModels;
  /** Builds the tools with this session's approver (the executor applies the policy). */
  readonly hostFor: (approver: Approver) => ToolHost;
  /** Resolves `/model NAME`; an error message when there is no such model. */
  readonly switchModel: (name: string) => RoleModels | string;
  readonly verbose?: boolean;
}

const GOODBYES = new Set(['thanks!', 'exit', 'quit']);

/** Lines on demand, so an approval question can read the next line in the middle of a turn. */
function lineReader(input: NodeJS.ReadableStream): { next(): Promise<string | undefined>; close(): void } {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((l: string | undefined) => void)[] = [];
  let closed = false;
  rl.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return {
    next: () => {
      const l = lines.shift();
      if (l !== undefined || closed) return Promise.resolve(l);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

function answerOf(line: string | undefined): ApprovalAnswer | undefined {
  const a = line?.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return 'yes';
  if (a === 'n' || a === 'no' || a === undefined) return 'no';
  if (a === 'a' || a === 'always') return 'always';
  return undefined;
}

export async function runChat(io: ChatIo, options: ChatOptions): Promise<number> {
  const out = (s: string) => io.stdout.write(s);
  const lines = lineReader(io.stdin);
  const approver: Approver = {
    async ask(req) {
      for (;;) {
        out(`Allow ${req.summary}? (${req.effect}) [y/n/always] `);
        const answer = answerOf(await lines.next());
        if (answer) return answer;
        out('please answer y, n or always\n');
      }
    },
  };
  const host = options.hostFor(approver);
  let models = options.models;
  let history: ChatMessage[] = [];
  let usage = '';
  out(`kubemend chat — model ${models.describe('researcher')}. Ask about your cluster; "Thanks!" ends.\n`);
  for (;;) {
    out('> ');
    const line = await lines.next();
    if (line === undefined) break;
    const text = line.trim();
    if (!text) continue;
    if (GOODBYES.has(text.toLowerCase())) break;
    if (text.startsWith('/')) {
      const [cmd, arg] = text.split(/\s+/, 2);
      if (cmd === '/model' && arg) {
        const next = options.switchModel(arg);
        if (typeof next === 'string') out(`${next}\n`);
        else {
          usage += usageLine(models.ledger);
          models = next;
          out(`model: ${models.describe('researcher')}\n`);
        }
      } else if (cmd === '/tools') for (const t of host.schemas()) out(`${t.name}: ${t.description}\n`);
      else if (cmd === '/reset') {
        history = [];
        out('conversation cleared\n');
      } else out('commands: /model NAME, /tools, /reset; "Thanks!" or exit ends the session\n');
      continue;
    }
    let streamed = '';
    const current = models;
    const r = await runTeam({
      modelFor: (role) => current.modelFor(role),
      contextTokens: (role) => current.contextTokens(role),
      host,
      task: text,
      mode: 'question',
      history,
      onText: (t) => {
        // The tool-call lines interrupt the stream; start the answer on a fresh line.
        streamed += t;
        out(t);
      },
      onToolCall: (c) => out(`${streamed && !streamed.endsWith('\n') ? '\n' : ''}${showCall(c)}\n`),
      onToolResult: (c, res) => {
        if (!res.ok) out(`  ✗ ${c.name}: ${res.message.split('\n', 1)[0]}\n`);
      },
    });
    if (!streamed) out(r.answer);
    out('\n');
    if (r.stopped) out(`(stopped: ${r.stopped})\n`);
    if (options.verbose) out(`${formatTrace(r.trace)}${current.ledger.summary()}\n`);
    history = [...history, { role: 'user', content: text }, { role: 'assistant', content: r.research ?? r.answer }];
  }
  lines.close();
  out(`${usage}${usageLine(models.ledger)}Bye.\n`);
  return 0;
}
