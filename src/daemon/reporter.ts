// What the daemon tells people and log collectors: one JSON object per decision on stderr (for a log pipeline),
// and on a terminal a readable progress view on stdout. Both come from the same events.

export type LogFormat = 'auto' | 'json' | 'text';

export interface DaemonEvent {
  readonly event:
    | 'started'
    | 'stopping'
    | 'stopped'
    | 'incident'
    | 'step'
    | 'outcome'
    | 'recovery'
    | 'approval'
    | 'error';
  readonly level?: 'info' | 'warn' | 'error';
  readonly incidentId?: string;
  /** "ns/kind/name" */
  readonly workload?: string;
  readonly failureClass?: string;
  /** An audit step (proposed, dry-run, applied...) or an incident change (opened, resolved...). */
  readonly step?: string;
  readonly outcome?: string;
  readonly actor?: string;
  readonly reason?: string;
  readonly diff?: string;
}

export interface ReporterOptions {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly format: LogFormat;
  readonly clock?: () => Date;
  /** Keeps only the events it accepts (default: all). */
  readonly only?: (e: DaemonEvent) => boolean;
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export class Reporter {
  private readonly json: boolean;
  private readonly text: boolean;
  private readonly clock: () => Date;

  constructor(private readonly options: ReporterOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.json = options.format !== 'text';
    this.text = options.format === 'text' || (options.format === 'auto' && isTty(options.stdout));
  }

  emit(e: DaemonEvent): void {
    if (this.options.only && !this.options.only(e)) return;
    const time = this.clock().toISOString();
    if (this.json) this.options.stderr.write(`${JSON.stringify({ time, level: e.level ?? 'info', ...e })}\n`);
    if (this.text) this.options.stdout.write(humanLine(time, e));
  }
}

/** One event as a person reads it on a terminal. */
export function humanLine(time: string, e: DaemonEvent): string {
  const head = [
    time.slice(11, 19),
    e.workload ?? '',
    e.failureClass ?? '',
    (e.step ?? e.outcome ?? e.event).toUpperCase(),
  ]
    .filter(Boolean)
    .join('  ');
  const who = e.actor ? ` [${e.actor}]` : '';
  const diff = e.diff
    ? `\n${e.diff
        .trimEnd()
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}`
    : '';
  return `${head}${who}${e.reason ? `: ${e.reason}` : ''}${diff}\n`;
}
