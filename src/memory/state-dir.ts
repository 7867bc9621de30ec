import { join, resolve } from 'node:path';

/** Where kubemend keeps its state when neither --state-dir nor KUBEMEND_STATE_DIR says otherwise (relative to the cwd). */
export const DEFAULT_STATE_DIR = '.kubemend';

/**
 * The state directory `kubemend run` and the inspection commands share: the --state-dir flag, else KUBEMEND_STATE_DIR, else
 * ./.kubemend; relative paths are taken from `cwd`.
 */
export function resolveStateDir(options: { flag?: string; env: NodeJS.ProcessEnv; cwd: string }): string {
  const chosen = options.flag || options.env.KUBEMEND_STATE_DIR || DEFAULT_STATE_DIR;
  return resolve(options.cwd, chosen);
}

/** The memory store's directory inside a state directory. */
export function memoryDir(stateDir: string): string {
  return join(stateDir, 'memory');
}
