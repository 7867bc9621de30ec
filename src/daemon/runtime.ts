// Everything `kubemend run` (and the demo, in-process) starts, wired once: the incident watcher, the remedy
// engine with its audit log and notifiers, the journal, and the daemon loop over them.

import type { Incident } from '../detect/incident.js';
import type { IncidentWatcher } from '../detect/watcher.js';
import type { Connection } from '../kube/connect.js';
import { ServerClock } from '../kube/server-clock.js';
import type { MemoryManager } from '../memory/index.js';
import { createNotifiers, type DeliveryEvent, NotifyDispatcher, parseNotifyConfig } from '../notify/index.js';
import { ApprovalStore } from '../remedy/approvals.js';
import { AuditLog } from '../remedy/audit.js';
import {
  applyApproved,
  expireApproval,
  type RemedyDeps,
  rejectPending,
  remediate,
  type TeamProposer,
} from '../remedy/engine.js';
import { teamFromConfig } from '../remedy/team-proposer.js';
import type { AuditEntry, Notification, PolicyConfig } from '../remedy/types.js';
import { Daemon, type DaemonRemedy, type IncidentSource } from './daemon.js';
import { Journal } from './journal.js';
import { capture, recoverInFlight } from './recover.js';
import type { Reporter } from './reporter.js';
import { incidentWatcher, type WatchOptions } from './watch.js';

export interface RuntimeOptions {
  readonly conn: Connection;
  /** Opened writable; closed by `stop`. */
  readonly memory: MemoryManager;
  readonly stateDir: string;
  readonly policy: PolicyConfig;
  readonly reporter: Reporter;
  readonly env: NodeJS.ProcessEnv;
  /** The `notify:` section of kubemend.yaml (raw or as loadNotifyConfig parsed it): no receivers when absent. */
  readonly notify?: unknown;
  readonly namespace?: string;
  readonly watch?: WatchOptions;
  /**
   * The agent team's model (--model): it proposes fixes for what neither experience nor a runbook knows. Resolved
   * like `ask` resolves it (kubemend.yaml from `cwd`, the environment); the builtin rules model means no team.
   */
  readonly model?: string;
  /** Where kubemend.yaml is looked for when resolving `model` (default: the process's working directory). */
  readonly cwd?: string;
  /** For the team's kubectl tool (default $KUBECONFIG). */
  readonly kubeconfig?: string;
  /** A team to use as is (an embedding program's own, a test's scripted one); wins over `model`. */
  readonly team?: TeamProposer;
  /** Leave the per-step lines to `onAudit` (the demo prints its own). */
  readonly quiet?: boolean;
  readonly onIncident?: (incident: Incident) => void;
  readonly onAudit?: (entry: AuditEntry) => void;
}

export interface Runtime {
  readonly daemon: Daemon;
  readonly watcher: IncidentWatcher;
  readonly audit: AuditLog;
  /** How the team's model is shown ("openai (gpt-x)"), when a team is in the loop. */
  readonly team?: string;
  /** Resolves when the watch loop ends. */
  done(): Promise<void>;
  /** Graceful: running changes get `graceMs` to settle; after that the journal carries them to the next start. */
  stop(graceMs?: number): Promise<'drained' | 'left-in-flight'>;
}

interface Notifications {
  readonly dispatcher: NotifyDispatcher;
  /** Resolves once every 'notified' audit entry written so far is stored (before the store closes). */
  flush(): Promise<void>;
}

function workloadOf(n: Notification): string {
  const w = n.incident.workload;
  return `${w.namespace ?? ''}/${w.kind}/${w.name}`;
}

/**
 * The configured receivers behind one dispatcher. Each final delivery outcome becomes a 'notified' audit entry
 * (who was told what, or that telling them failed); retries are a log line each, never a wait for the loop.
 */
function notificationsFrom(options: RuntimeOptions, audit: AuditLog): Notifications | undefined {
  if (options.notify === undefined) return undefined;
  const parsed = parseNotifyConfig(options.notify);
  if (!parsed.ok) {
    options.reporter.emit({ event: 'error', level: 'warn', reason: `notifications off: ${parsed.error.message}` });
    return undefined;
  }
  const created = createNotifiers(parsed.config, options.env);
  for (const w of created.warnings) options.reporter.emit({ event: 'error', level: 'warn', reason: w });
  if (created.notifiers.length === 0) return undefined;
  const writes = new Set<Promise<unknown>>();
  const record = (e: DeliveryEvent, reason: string): void => {
    const write = audit
      .append({
        incidentId: e.n.incident.id,
        fingerprint: e.n.incident.fingerprint,
        workload: workloadOf(e.n),
        step: 'notified',
        actor: 'kubemend',
        reason,
        data: { receiver: e.receiver, kind: e.n.kind, outcome: e.type },
      })
      .catch((err: unknown) =>
        options.reporter.emit({ event: 'error', level: 'warn', reason: `audit of a notification: ${String(err)}` }),
      )
      .finally(() => writes.delete(write));
    writes.add(write);
  };
  const dispatcher = new NotifyDispatcher(created.notifiers, {
    known: created.secrets,
    onEvent: (e) => {
      const what = `${e.n.kind} notification to ${e.receiver}`;
      switch (e.type) {
        case 'delivered':
          record(e, `${what} delivered (attempt ${e.attempts})`);
          return;
        case 'retrying':
          options.reporter.emit({
            event: 'error',
            level: 'warn',
            incidentId: e.n.incident.id,
            reason: `${what}: attempt ${e.attempt} failed (${e.error}), retrying in ${(e.delayMs / 1000).toFixed(1)}s`,
          });
          return;
        case 'failed':
          record(e, `${what} failed after ${e.attempts} attempts: ${e.error}`);
          options.reporter.emit({
            event: 'error',
            level: 'warn',
            incidentId: e.n.incident.id,
            reason: `${what} failed: ${e.error}`,
          });
          return;
        case 'dropped':
        case 'cancelled':
          record(e, `${what} ${e.type === 'dropped' ? 'dropped (queue full)' : 'cancelled at shutdown'}`);
          options.reporter.emit({
            event: 'error',
            level: 'warn',
            incidentId: e.n.incident.id,
            reason: `${what} ${e.type}`,
          });
          return;
      }
    },
  });
  return { dispatcher, flush: async () => void (await Promise.all([...writes])) };
}

/** The model named for the team cannot be used (unknown name, missing key): reported before anything starts. */
export class TeamSetupError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TeamSetupError';
  }
}

/** The configured model's team, or none: a model that cannot be set up is an error before anything starts. */
function teamOf(options: RuntimeOptions, audit: AuditLog): { proposer?: TeamProposer; description?: string } {
  if (options.team) return { proposer: options.team, description: 'an embedded team' };
  if (options.model === undefined) return {};
  const resolved = teamFromConfig({
    conn: options.conn,
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    model: options.model,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    audit,
  });
  if (!resolved.ok) throw new TeamSetupError(resolved.error.message, resolved.error.hint);
  return resolved.team ? { proposer: resolved.team, description: resolved.description } : {};
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { conn, memory, policy, reporter } = options;
  const clock = new ServerClock();
  await clock.sync(conn.kc);
  const audit = new AuditLog(memory, () => clock.now());
  audit.onEntry((e) => {
    if (!options.quiet)
      reporter.emit({
        event: 'step',
        incidentId: e.incidentId,
        workload: e.workload,
        step: e.step,
        actor: e.actor,
        reason: e.reason,
        ...(e.diff ? { diff: e.diff } : {}),
      });
    options.onAudit?.(e);
  });
  const team = teamOf(options, audit);
  const notifications = notificationsFrom(options, audit);
  // On the cluster's clock, like the deadlines the engine sets.
  const approvals = new ApprovalStore(memory, { clock: () => clock.now().getTime() });
  const deps: RemedyDeps = {
    conn,
    memory,
    policy,
    clock,
    audit,
    approvals,
    ...(team.proposer ? { team: team.proposer } : {}),
    ...(notifications ? { notifiers: [notifications.dispatcher] } : {}),
  };
  const remedy: DaemonRemedy = {
    capture: (incident) => capture(conn, incident),
    remediate: (incident) => remediate(incident, deps),
    applyApproved: (incident, by) => applyApproved(incident.id, by, deps),
    reject: (incident, by, reason) => rejectPending(incident.id, by, reason, deps),
    recover: (entry) => recoverInFlight(conn, audit, policy, entry),
    async expireDue(waiting) {
      // Requests a person already answered through the inbox may still be open in the store: only the waiting expire.
      const expired = (await approvals.expireDue()).filter((r) => waiting.has(r.incidentId));
      return Promise.all(
        expired.map(async (r) => ({ incidentId: r.incidentId, run: await expireApproval(r.incidentId, deps) })),
      );
    },
  };
  const watcher = incidentWatcher(conn, {
    ...options.watch,
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  const source: IncidentSource = {
    async *changes() {
      for await (const change of watcher.changes()) {
        if (change.type === 'opened' || change.type === 'reopened') options.onIncident?.(change.incident);
        yield change;
      }
    },
    setState: (id, state) => watcher.setState(id, state),
  };
  const daemon = new Daemon({ source, remedy, journal: new Journal(memory), reporter, stateDir: options.stateDir });
  await daemon.start();
  await watcher.start();
  let stopped: Promise<'drained' | 'left-in-flight'> | undefined;
  return {
    daemon,
    watcher,
    audit,
    ...(team.description ? { team: team.description } : {}),
    done: () => daemon.done(),
    stop(graceMs) {
      stopped ??= (async () => {
        const result = await daemon.stop(graceMs);
        await watcher.stop();
        await notifications?.dispatcher.stop();
        await notifications?.flush();
        await memory.close();
        return result;
      })();
      return stopped;
    },
  };
}
