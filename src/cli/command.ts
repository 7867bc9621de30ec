// The seam between the CLI dispatcher and each command: one file per command under src/cli/commands/,
// each exporting a `Command`. Commands parse their own flags (util.parseArgs) and return an exit code;
// user mistakes are reported as a `CliError` (message + hint), never as a stack trace.

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `kubemend --help`. */
  readonly summary: string;
  /** Full usage text for `kubemend <name> --help`. */
  readonly usage: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** An error the user can act on: printed as `error: <message>` plus `hint: <hint>`, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
