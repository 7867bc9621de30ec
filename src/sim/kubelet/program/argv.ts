// What the runtime executes: image ENTRYPOINT/CMD merged with the container's command/args the way Kubernetes
// does it, after kubelet's `$(VAR)` expansion.

import type { ImageInfo } from '../images.js';
import { own } from './own.js';

/** kubelet's expansion of `$(VAR)` in command/args: unknown references stay as written, `$$` escapes a `$`. */
export function expandKubeVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (m, name: string | undefined) => {
    if (name === undefined) return '$';
    return own(env, name) ?? m;
  });
}

/**
 * `command` replaces ENTRYPOINT (and drops CMD); `args` replaces CMD. With neither, the image's own pair runs.
 * See https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
 */
export function containerArgv(
  image: ImageInfo,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
  env: Readonly<Record<string, string>>,
): string[] {
  const hasCommand = command !== undefined && command.length > 0;
  const hasArgs = args !== undefined && args.length > 0;
  const entry = hasCommand ? command.map((c) => expandKubeVars(c, env)) : [...image.entrypoint];
  const rest = hasArgs ? args.map((a) => expandKubeVars(a, env)) : hasCommand ? [] : [...image.cmd];
  return [...entry, ...rest];
}
