// The daemon's public surface: what `kubemend run`, `approve`, `reject`, `audit` and the demo import.
export { Daemon, type DaemonOptions, type DaemonRemedy, type IncidentSource, type RemedyRun } from './daemon.js';
export { consumeDecision, type Decision, dropDecision, inboxDir, pendingDecisions } from './inbox.js';
export { DAEMON_SPACE, Journal, type JournalEntry, type JournalPhase, workloadKey } from './journal.js';
export { type DaemonEvent, humanLine, type LogFormat, Reporter } from './reporter.js';
export { type Runtime, type RuntimeOptions, startRuntime } from './runtime.js';
