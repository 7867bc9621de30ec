// Reading a kubectl command the way kubectl's flag parser would, to decide what it does before it runs:
// the verb (and sub-verb) gives the effect, -n/--namespace/-A gives the namespace for the deny-list, and
// flags that would re-point kubectl at another cluster or identity are refused (the tool pins those itself).

import { splitShellWords } from './shell-words.js';
import type { ToolEffect } from './tool.js';

export type KubectlCommand =
  | {
      readonly ok: true;
      /** The arguments after `kubectl`, unchanged. */
      readonly args: readonly string[];
      readonly verb: string;
      /** `rollout status`, `config view`, `auth can-i`: the sub-verb when the verb has them. */
      readonly subVerb?: string;
      readonly effect: ToolEffect;
      /** `-n X` / `--namespace=X`; '*' for -A; for writes to a Namespace object, that namespace's name. */
      readonly namespace?: string;
      /** The verb accepts --dry-run, so the tool can make a write preview-only. */
      readonly dryRunnable: boolean;
    }
  | { readonly ok: false; readonly code: 'REFUSED' | 'INVALID'; readonly message: string };

const READ = new Set([
  'get',
  'describe',
  'logs',
  'top',
  'explain',
  'api-resources',
  'api-versions',
  'version',
  'events',
]);
const WRITE = new Set(['apply', 'patch', 'scale', 'set', 'label', 'annotate', 'create', 'run', 'expose', 'autoscale']);
const DESTRUCTIVE = new Set([
  'delete',
  'drain',
  'cordon',
  'uncordon',
  'taint',
  'exec',
  'replace',
  'cp',
  'debug',
  'port-forward',
  'edit',
  'attach',
]);
const INTERACTIVE = new Set(['edit', 'port-forward', 'attach']);
const ROLLOUT_READ = new Set(['status', 'history']);
const ROLLOUT_WRITE = new Set(['restart', 'undo', 'pause', 'resume']);
// From `kubectl <verb> --help` (v1.32): rollout pause/resume, exec, cp, debug and the read verbs have no --dry-run.
const DRY_RUNNABLE = new Set([
  'apply',
  'patch',
  'scale',
  'set',
  'label',
  'annotate',
  'create',
  'run',
  'expose',
  'autoscale',
  'delete',
  'drain',
  'cordon',
  'uncordon',
  'taint',
  'replace',
  'rollout restart',
  'rollout undo',
]);

// Flags that choose the cluster, the identity or local files kubectl writes: the tool decides those, not the model.
const PINNED = new Set([
  '--kubeconfig',
  '--context',
  '--cluster',
  '--server',
  '--token',
  '--user',
  '--username',
  '--password',
  '--as',
  '--as-group',
  '--as-uid',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
  '--insecure-skip-tls-verify',
  '--tls-server-name',
  '--cache-dir',
  '--kuberc',
  '--log-file',
  '--log-dir',
]);
// Long flags that always take a value, so `--grace-period 0` does not make "0" look like a resource or name.
const LONG_WITH_VALUE = new Set([
  '--namespace',
  '--request-timeout',
  '--v',
  '--vmodule',
  '--profile',
  '--profile-output',
  '--selector',
  '--field-selector',
  '--output',
  '--filename',
  '--kustomize',
  '--type',
  '--patch',
  '--patch-file',
  '--replicas',
  '--tail',
  '--since',
  '--since-time',
  '--container',
  '--grace-period',
  '--timeout',
  '--field-manager',
  '--sort-by',
  '--template',
  '--image',
  '--to-revision',
  '--revision',
  '--cascade',
  '--limits',
  '--requests',
  '--subresource',
  '--label-columns',
  '--raw',
]);
// Short flags that take a value (the rest of a `-xVALUE` cluster is that value); others are booleans.
const SHORT_WITH_VALUE = new Set(['n', 's', 'o', 'l', 'c', 'f', 'k', 'L', 'v', 'p']);

/** `-o go-template-file=PATH` and friends make kubectl read a local file into its output. */
function readsTemplateFile(format: string): boolean {
  return (format.split('=')[0] as string).endsWith('-file');
}

type FlagScan =
  | { readonly ok: true; readonly namespace?: string; readonly allNamespaces: boolean; readonly positionals: string[] }
  | { readonly ok: false; readonly message: string };

function pinnedMessage(flag: string): string {
  return `the flag ${flag} is not allowed: the kubectl tool already uses the configured kubeconfig, context and identity`;
}

/** Walks the arguments as pflag would; positionals[0] is the verb. */
function scanFlags(args: readonly string[], verbIsLogs: boolean): FlagScan {
  let namespace: string | undefined;
  let allNamespaces = false;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (PINNED.has(name)) return { ok: false, message: pinnedMessage(name) };
      const value = eq < 0 ? undefined : a.slice(eq + 1);
      if (name === '--all-namespaces') allNamespaces = value === undefined || value === 'true';
      else if (name === '--output' && readsTemplateFile(value ?? args[i + 1] ?? ''))
        return { ok: false, message: 'output formats that read a template file from disk are not allowed' };
      if (name === '--namespace' || (eq < 0 && LONG_WITH_VALUE.has(name))) {
        const v = value ?? args[++i];
        if (name === '--namespace') namespace = v;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        if (c === 's') return { ok: false, message: pinnedMessage('-s (--server)') };
        if (c === 'A') {
          allNamespaces = true;
          continue;
        }
        // `kubectl logs -p` is --previous (a boolean); everywhere else -p is --patch and takes the patch.
        if (!SHORT_WITH_VALUE.has(c) || (c === 'p' && verbIsLogs)) continue;
        let value = a.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        if (value === '') value = args[++i] ?? '';
        if (c === 'n') namespace = value;
        if (c === 'o' && readsTemplateFile(value))
          return { ok: false, message: 'output formats that read a template file from disk are not allowed' };
        break;
      }
      continue;
    }
    positionals.push(a);
  }
  return { ok: true, ...(namespace !== undefined ? { namespace } : {}), allNamespaces, positionals };
}

/** The last `--dry-run=…` wins, as in pflag; only the explicit server/client forms count as a preview. */
function explicitDryRun(args: readonly string[]): boolean {
  let mode: string | undefined;
  for (const a of args) {
    if (a === '--') break;
    if (a === '--dry-run') mode = 'unchanged';
    else if (a.startsWith('--dry-run=')) mode = a.slice('--dry-run='.length);
  }
  return mode === 'server' || mode === 'client';
}

function effectOfVerb(verb: string, sub: string | undefined): ToolEffect {
  if (READ.has(verb)) return 'read';
  if (verb === 'rollout') {
    if (sub && ROLLOUT_READ.has(sub)) return 'read';
    return sub && ROLLOUT_WRITE.has(sub) ? 'write' : 'unknown';
  }
  if (verb === 'config') return sub === 'view' ? 'read' : 'unknown';
  if (verb === 'auth') return sub === 'can-i' || sub === 'whoami' ? 'read' : 'unknown';
  // `cluster-info dump` can write a directory of files; plain cluster-info only prints addresses.
  if (verb === 'cluster-info') return sub === undefined ? 'read' : 'unknown';
  // apply's sub-commands edit or rewrite the last-applied annotation; --prune deletes what the file omits.
  if (verb === 'apply') return sub === undefined || sub === 'view-last-applied' ? 'write' : 'unknown';
  if (WRITE.has(verb)) return 'write';
  if (DESTRUCTIVE.has(verb)) return 'destructive';
  return 'unknown';
}

const HAS_SUB_VERBS = new Set(['rollout', 'config', 'auth', 'cluster-info', 'apply']);
const NAMESPACE_RESOURCES = new Set(['namespace', 'namespaces', 'ns']);

/** The Namespace objects a command names (`ns a`, `namespace/a`, `ns,deploy a`); '*' for several or --all. */
function namespaceObjectsNamed(positionals: readonly string[], args: readonly string[]): string | undefined {
  const isNs = (p: string) => (p.split('/')[0] as string).split(',').some((t) => NAMESPACE_RESOURCES.has(t));
  const at = positionals.findIndex(isNs);
  if (at < 0) return undefined;
  const spec = positionals[at] as string;
  const names = spec.includes('/') ? positionals.slice(at).map((p) => p.split('/')[1] ?? p) : positionals.slice(at + 1);
  if (names.length === 1 && !args.includes('--all')) return names[0];
  return '*';
}

/** Parses a kubectl command line (the leading `kubectl` is optional) and classifies what it would do. */
export function parseKubectlCommand(command: string): KubectlCommand {
  const split = splitShellWords(command.trim());
  if (!split.ok) return { ok: false, code: 'REFUSED', message: split.message };
  const args = split.argv[0] === 'kubectl' ? split.argv.slice(1) : [...split.argv];
  if (args.length === 0)
    return { ok: false, code: 'INVALID', message: 'empty command: give a kubectl verb, e.g. `get pods -n default`' };
  const first = scanFlags(args, false);
  if (!first.ok) return { ok: false, code: 'REFUSED', message: first.message };
  const verb = first.positionals[0];
  if (verb === undefined) return { ok: false, code: 'INVALID', message: 'no kubectl verb in the command' };
  const scan = verb === 'logs' ? scanFlags(args, true) : first;
  if (!scan.ok) return { ok: false, code: 'REFUSED', message: scan.message };
  if (INTERACTIVE.has(verb))
    return {
      ok: false,
      code: 'REFUSED',
      message: `kubectl ${verb} is interactive and cannot run here; use get/patch/apply (or logs/describe) instead`,
    };
  if (verb === 'apply' && args.some((a) => a === '--prune' || a.startsWith('--prune=')))
    return {
      ok: false,
      code: 'REFUSED',
      message: 'kubectl apply --prune deletes objects the manifest omits; apply without --prune',
    };
  const candidate = HAS_SUB_VERBS.has(verb) ? scan.positionals[1] : undefined;
  const subVerb =
    verb === 'apply' &&
    candidate !== 'view-last-applied' &&
    candidate !== 'edit-last-applied' &&
    candidate !== 'set-last-applied'
      ? undefined
      : candidate;
  let effect = effectOfVerb(verb, subVerb);
  const dryRunnable = DRY_RUNNABLE.has(subVerb && verb === 'rollout' ? `rollout ${subVerb}` : verb);
  if (verb === 'apply' && subVerb === 'view-last-applied') effect = 'read';
  // A server or client dry-run changes nothing, whatever the verb would otherwise do.
  if ((effect === 'write' || effect === 'destructive') && dryRunnable && explicitDryRun(args)) effect = 'read';
  let namespace = scan.allNamespaces ? '*' : scan.namespace;
  // Deleting or labelling a Namespace object touches that namespace, whatever -n says.
  if (effect !== 'read') {
    const touched = namespaceObjectsNamed(scan.positionals.slice(1), args);
    if (touched !== undefined) namespace = touched;
  }
  return {
    ok: true,
    args,
    verb,
    ...(subVerb !== undefined ? { subVerb } : {}),
    effect,
    ...(namespace !== undefined ? { namespace } : {}),
    dryRunnable,
  };
}
