import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { memoryDir, openMemory, resolveStateDir } from '../../memory/index.js';
import { AuditLog } from '../../remedy/audit.js';
import type { AuditEntry } from '../../remedy/types.js';
import { CliError, type Command } from '../command.js';

const USAGE = `Usage: kubemend audit [--state-dir DIR] [--incident ID] [--workload NS/KIND/NAME] [-o table|json]

Every remediation step kubemend took, oldest first: what it proposed (with the diff), what policy and the
Security review decided, the dry-run, the apply, the verification, rollbacks, approvals and escalations, each
with its actor (runbook, model, person) and reason. Append-only; readable while 'kubemend run' is running.

Flags:
  --state-dir DIR        the state directory 'kubemend run' uses (default $KUBEMEND_STATE_DIR or ./.kubemend)
  --incident ID          one incident's steps (the id or a unique prefix)
  --workload NS/KIND/NAME  one workload's steps
  -o, --output FMT       table (default) or json (one array of entries)`;

function table(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no audit entries\n';
  const lines: string[] = [];
  let incident = '';
  for (const e of entries) {
    if (e.incidentId !== incident) {
      incident = e.incidentId;
      lines.push(`incident ${e.incidentId}  ${e.workload}`);
    }
    lines.push(`  ${e.time.replace('T', ' ').slice(0, 19)}  ${e.step.padEnd(18)} ${e.actor.padEnd(16)} ${e.reason}`);
    if (e.diff)
      lines.push(
        ...e.diff
          .trimEnd()
          .split('\n')
          .map((l) => `      ${l}`),
      );
  }
  return `${lines.join('\n')}\n`;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'show every repair step kubemend took, with diffs, actors and reasons',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        'state-dir': { type: 'string' },
        incident: { type: 'string' },
        workload: { type: 'string' },
        output: { type: 'string', short: 'o', default: 'table' },
      },
    });
    if (values.output !== 'table' && values.output !== 'json')
      throw new CliError(`unknown output format "${values.output}"`, 'use -o table or -o json');
    const stateDir = resolveStateDir({ flag: values['state-dir'], env: io.env, cwd: io.cwd });
    const dir = memoryDir(stateDir);
    if (!existsSync(dir))
      throw new CliError(`no kubemend state at ${stateDir}`, 'pass the --state-dir that `kubemend run` uses');
    const memory = await openMemory({ dir, readOnly: true });
    let entries: AuditEntry[];
    try {
      entries = new AuditLog(memory).list(values.workload ? { workload: values.workload } : {});
    } finally {
      await memory.close();
    }
    const id = values.incident;
    if (id) {
      const exact = entries.filter((e) => e.incidentId === id);
      const ids = new Set(entries.filter((e) => e.incidentId.startsWith(id)).map((e) => e.incidentId));
      if (exact.length) entries = exact;
      else if (ids.size === 1) entries = entries.filter((e) => e.incidentId.startsWith(id));
      else if (ids.size > 1) throw new CliError(`"${id}" matches ${ids.size} incidents`, 'give more of the id');
      else throw new CliError(`no audit entries for incident "${id}"`, 'list every incident with: kubemend audit');
    }
    io.stdout.write(values.output === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : table(entries));
    return 0;
  },
};
