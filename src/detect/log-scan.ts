// Reads the tail of a container log: which lines look like errors, and whether it is one of the failures a
// log line names exactly (a database image started without its password).

const LOG_TAIL_LINES = 100;
const EXCERPT_LINES = 20;
const MAX_ERROR_LINES = 10;

const ERROR_LINE =
  /\b(?:error|err|exception|fatal|panic|fail(?:ed|ure)?|traceback|segmentation fault|denied|refused|cannot|can't|unable to|not found|no such file|invalid|unhandled|critical|missing|not set|is required|undefined|unknown|unexpected|timed? ?out)\b|^E\d{4} /i;

export interface MissingPasswordHint {
  readonly database: 'postgres' | 'mysql' | 'mariadb';
  /** Environment variables the image accepts; setting one of them fixes it. */
  readonly variables: readonly string[];
}

export interface LogScan {
  /** The last lines (at most 20), for a person to read. */
  readonly lines: readonly string[];
  /** Lines among the last 100 that look like errors (at most 10, newest last). */
  readonly errorLines: readonly string[];
  readonly missingPassword?: MissingPasswordHint;
}

function missingPassword(text: string): MissingPasswordHint | undefined {
  if (/superuser password is not specified/i.test(text))
    return { database: 'postgres', variables: ['POSTGRES_PASSWORD'] };
  if (/Database is uninitialized and password option is not specified/i.test(text)) {
    return /MARIADB_/.test(text)
      ? {
          database: 'mariadb',
          variables: ['MARIADB_ROOT_PASSWORD', 'MARIADB_ALLOW_EMPTY_ROOT_PASSWORD', 'MARIADB_RANDOM_ROOT_PASSWORD'],
        }
      : {
          database: 'mysql',
          variables: ['MYSQL_ROOT_PASSWORD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD'],
        };
  }
  return undefined;
}

export function scanLog(text: string): LogScan {
  const all = text.split(/\r?\n/);
  while (all.length > 0 && all[all.length - 1]?.trim() === '') all.pop();
  const tail = all.slice(-LOG_TAIL_LINES);
  const errorLines = tail.filter((l) => ERROR_LINE.test(l)).slice(-MAX_ERROR_LINES);
  const hint = missingPassword(tail.join('\n'));
  return { lines: tail.slice(-EXCERPT_LINES), errorLines, ...(hint ? { missingPassword: hint } : {}) };
}
