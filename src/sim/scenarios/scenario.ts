// A scenario: a plain manifest a user could `kubectl apply -f`, which fails because of what it says, plus what
// a cluster then shows and the change a good SRE would make. The data lives in `scenarios/<name>/` at the
// package root so people can read and apply it without kubemend.

import type { FailureClass } from '../../detect/failure-class.js';

/** What detection should report; `Healthy` marks a scenario that must produce no finding at all. */
export type ExpectedClass = FailureClass | 'Healthy';

export interface ObjectName {
  readonly kind: string;
  readonly name: string;
}

export interface ScenarioExpectation {
  readonly failureClass: ExpectedClass;
  /** The object the incident is about (its owner for pods: the Deployment, Job, ...). */
  readonly workload: ObjectName;
  /**
   * A reason a cluster shows in status: a container's waiting or terminated reason (`OOMKilled`,
   * `CrashLoopBackOff`), a pod condition reason (`Unschedulable`), or a workload condition reason
   * (`BackoffLimitExceeded`).
   */
  readonly reason?: string;
  /** The container the failure is in, when it is one container of a pod (init containers included). */
  readonly container?: string;
  /** Exit code of the failing container's last termination. */
  readonly exitCode?: number;
  /** Reasons of events that appear in the namespace (or on the node), e.g. `BackOff`, `FailedScheduling`. */
  readonly eventReasons?: readonly string[];
  /** Substrings that appear in the failing containers' logs (current or previous instance). */
  readonly logIncludes?: readonly string[];
  /** A regular expression (as a string) matched by a status or event message. */
  readonly message?: string;
}

export interface FixPatch {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Defaults to the scenario's namespace for namespaced kinds. */
  readonly namespace?: string;
  readonly type: 'strategic' | 'merge' | 'json';
  readonly body: unknown;
}

export interface ScenarioFix {
  readonly description: string;
  /** Objects deleted before the fix is applied, because the field to change is immutable (a Job's template). */
  readonly deleteFirst?: readonly ObjectName[];
  /** Corrected manifests (multi-document YAML), applied over the scenario's objects. */
  readonly manifests?: string;
  readonly patch?: FixPatch;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly namespace: string;
  /** Multi-document YAML, applied first. */
  readonly manifests: string;
  /**
   * Further manifests applied in order, each once the previous stage has rolled out: incidents that start with
   * a change to something that worked (a bad image tag pushed over a good rollout).
   */
  readonly stages?: readonly string[];
  readonly expect: ScenarioExpectation;
  readonly fix: ScenarioFix;
  /** How a failure that is not in a workload's manifest is triggered (a node's kubelet failing). */
  readonly setup?: string;
  /** The scenario's directory, for people who want to `kubectl apply -f` its files. */
  readonly directory: string;
}
