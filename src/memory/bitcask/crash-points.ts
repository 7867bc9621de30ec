/**
 * Test hook for crash-consistency tests: when the environment variable KUBEMEND_BITCASK_CRASH_AT names one of these
 * points, the process SIGKILLs itself on reaching it, leaving the directory exactly as a real crash would. The merge
 * stages, in order:
 * - merge:mid-output         some output written, more input files still to copy
 * - merge:before-output-sync output written but not yet fdatasync'd
 * - merge:after-output       output and hint files durable, commit marker not yet written
 * - merge:after-commit       commit marker (MERGEFIN) durable, output not yet renamed into place
 * - merge:after-rename       output renamed into place, merged input files not yet deleted
 * - merge:after-delete       inputs deleted, marker not yet removed
 */
export type CrashPoint =
  | 'merge:mid-output'
  | 'merge:before-output-sync'
  | 'merge:after-output'
  | 'merge:after-commit'
  | 'merge:after-rename'
  | 'merge:after-delete';

export const CRASH_POINTS: readonly CrashPoint[] = [
  'merge:mid-output',
  'merge:before-output-sync',
  'merge:after-output',
  'merge:after-commit',
  'merge:after-rename',
  'merge:after-delete',
];

export const CRASH_ENV = 'KUBEMEND_BITCASK_CRASH_AT';

export function crashPoint(point: CrashPoint): void {
  if (process.env[CRASH_ENV] === point) process.kill(process.pid, 'SIGKILL');
}
