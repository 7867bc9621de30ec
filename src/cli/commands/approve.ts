// `kubemend approve` and `kubemend reject`: one implementation, two verbs. The daemon owns the memory store's
// write lock, so the decision is checked against a read-only view of the daemon's journal and then dropped
// into the state dir's inbox (see src/daemon/inbox.ts), which the daemon reads every second.

import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { dropDecision } from '../../daemon/inbox.js';
import { Journal, type JournalEntry } from '../../daemon/journal.js';
import { memoryDir, openMemory, resolveStateDir } from '../../memory/index.js';
import { CliError, type Command, type CommandIo } from '../command.js';

type Verb = 'approve' | 'reject';

async function waitingFor(stateDir: string): Promise<JournalEntry[]> {
  const dir = memoryDir(stateDir);
  if (!existsSync(dir))
    throw new CliError(`no kubemend state at ${stateDir}`, 'pass the --state-dir that `kubemend run` uses');
  const memory = await openMemory({ dir, readOnly: true });
  try {
    return new Journal(memory).awaitingApproval();
  } finally {
    await memory.close();
  }
}

function pick(entries: readonly JournalEntry[], id: string): JournalEntry {
  const matches = entries.filter((e) => e.incidentId === id || e.incidentId.startsWith(id));
  const exact = matches.find((e) => e.incidentId === id);
  if (exact) return exact;
  if (matches.length === 1 && matches[0]) return matches[0];
  const list = entries.map((e) => `  ${e.incidentId}  ${e.workload} ${e.incident.failureClass}`).join('\n');
  if (matches.length > 1)
    throw new CliError(`"${id}" matches ${matches.length} incidents`, `give more of the id:\n${list}`);
  throw new CliError(
    `no change of incident "${id}" is waiting for approval`,
    entries.length ? `waiting:\n${list}` : 'nothing is waiting; see what happened with: kubemend audit',
  );
}

/** The shared body of approve and reject (reject.ts builds its command from this). */
export function decisionCommand(verb: Verb): Command {
  const usage = `Usage: kubemend ${verb} INCIDENT [--state-dir DIR] [--by NAME]${verb === 'reject' ? ' [--reason TEXT]' : ''}

${
  verb === 'approve'
    ? 'Approves the change kubemend proposed for INCIDENT (approve mode): the running daemon dry-runs it again,\napplies it, verifies it and rolls it back if it does not help.'
    : 'Rejects the change kubemend proposed for INCIDENT: nothing is applied, and the incident is escalated.'
} INCIDENT is the id (or a unique prefix)
shown in the approval request and in 'kubemend audit'. Works while 'kubemend run' holds the state dir.

Flags:
  --state-dir DIR  the state directory 'kubemend run' uses (default $KUBEMEND_STATE_DIR or ./.kubemend)
  --by NAME        who decides, for the audit log (default: your login name)${verb === 'reject' ? '\n  --reason TEXT    why, for the audit log' : ''}`;
  return {
    name: verb,
    summary:
      verb === 'approve'
        ? 'approve a change kubemend is waiting on (approve mode)'
        : 'reject a change kubemend is waiting on',
    usage,
    async run(argv: readonly string[], io: CommandIo) {
      const { values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          'state-dir': { type: 'string' },
          by: { type: 'string' },
          reason: { type: 'string' },
        },
      });
      const [id, ...extra] = positionals;
      if (!id || extra.length) throw new CliError(`${verb} takes one incident id`, `kubemend ${verb} INCIDENT`);
      if (verb === 'approve' && values.reason !== undefined) throw new CliError('--reason is for reject');
      const stateDir = resolveStateDir({ flag: values['state-dir'], env: io.env, cwd: io.cwd });
      const entry = pick(await waitingFor(stateDir), id);
      const by = values.by ?? io.env.USER ?? userInfo().username;
      dropDecision(stateDir, {
        incidentId: entry.incidentId,
        decision: verb,
        by,
        ...(values.reason ? { reason: values.reason } : {}),
        time: new Date().toISOString(),
      });
      io.stdout.write(
        `${verb === 'approve' ? 'approved' : 'rejected'}: ${entry.workload} ${entry.incident.failureClass} (incident ${entry.incidentId}) by ${by}\n` +
          'the running daemon picks it up within a second (or at its next start); follow it with: kubemend audit --incident ' +
          `${entry.incidentId}\n`,
      );
      return 0;
    },
  };
}

export const approveCommand = decisionCommand('approve');
