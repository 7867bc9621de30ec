import { CliError, type Command, type CommandIo } from './command.js';
import { COMMANDS } from './commands/index.js';

export function defaultIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `kubemend — keeps Kubernetes workloads healthy: detect, diagnose, repair safely, verify, remember.

Usage: kubemend <command> [flags]

Commands:
${rows}

Run 'kubemend <command> --help' for a command's flags.
`;
}

/** CLI entry: returns the process exit code. Known user errors print a message and a hint, not a stack. */
export async function main(argv: readonly string[], io: CommandIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help(COMMANDS));
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('kubemend 0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`error: unknown command "${name}"\nhint: run 'kubemend --help' to list the commands\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}

export function reportError(err: unknown, io: CommandIo): number {
  if (err instanceof CliError) {
    io.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    return err.exitCode;
  }
  // parseArgs throws TypeErrors with a code for unknown or malformed flags: a user mistake, not a bug.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`error: ${(err as Error).message}\nhint: run the command with --help for its flags\n`);
    return 2;
  }
  io.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 70;
}
