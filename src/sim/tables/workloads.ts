// Printers for the workload controllers (apps/v1, batch/v1, autoscaling/v2, policy/v1), column for column as
// kube-apiserver prints them.

import { humanDuration } from '../../kube/human-duration.js';
import type { KubeObject } from '../objects.js';
import {
  formatLabelSelector,
  formatLabels,
  intOrString,
  layoutContainers,
  quantityCell,
  selectorString,
} from './format.js';
import {
  AGE_COLUMN,
  ageOf,
  CONTAINERS_COLUMN,
  column,
  IMAGES_COLUMN,
  NAME_COLUMN,
  nameOf,
  type Printer,
  wide,
} from './printer.js';
import { arr, int, type JsonRecord, rec, str, timeOf } from './read.js';

const SELECTOR_COLUMN = wide('Selector', 'A label query over pods that should match the replica count.');

function spec(obj: KubeObject): JsonRecord {
  return rec(obj.spec);
}
function status(obj: KubeObject): JsonRecord {
  return rec(obj.status);
}
function templateSpec(obj: KubeObject): JsonRecord {
  return rec(rec(spec(obj).template).spec);
}

export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    column(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(d, now) {
    const s = status(d);
    return [
      nameOf(d),
      `${int(s.readyReplicas)}/${int(spec(d).replicas)}`,
      int(s.updatedReplicas),
      int(s.availableReplicas),
      ageOf(d, now),
      ...layoutContainers(templateSpec(d)),
      selectorString(spec(d).selector) ?? '<invalid>',
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas is the number of desired pods.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(rs, now) {
    const s = status(rs);
    return [
      nameOf(rs),
      int(spec(rs).replicas),
      int(s.replicas),
      int(s.readyReplicas),
      ageOf(rs, now),
      ...layoutContainers(templateSpec(rs)),
      formatLabelSelector(spec(rs).selector),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  cells(sts, now) {
    return [
      nameOf(sts),
      `${int(status(sts).readyReplicas)}/${int(spec(sts).replicas)}`,
      ageOf(sts, now),
      ...layoutContainers(templateSpec(sts)),
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod.'),
    column(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
    ),
    column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(ds, now) {
    const s = status(ds);
    return [
      nameOf(ds),
      int(s.desiredNumberScheduled),
      int(s.currentNumberScheduled),
      int(s.numberReady),
      int(s.updatedNumberScheduled),
      int(s.numberAvailable),
      formatLabels(templateSpec(ds).nodeSelector),
      ageOf(ds, now),
      ...layoutContainers(templateSpec(ds)),
      formatLabelSelector(spec(ds).selector),
    ];
  },
};

function hasCondition(obj: KubeObject, type: string): boolean {
  const c = arr(status(obj).conditions)
    .map(rec)
    .find((x) => str(x.type) === type);
  return str(c?.status) === 'True';
}

function jobStatus(job: KubeObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp !== undefined) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: KubeObject): string {
  const succeeded = int(status(job).succeeded);
  const completions = spec(job).completions;
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = int(spec(job).parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: Date): string {
  const start = timeOf(status(job).startTime);
  if (start === undefined) return '';
  const end = timeOf(status(job).completionTime) ?? now.getTime();
  return humanDuration(end - start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(job, now) {
    return [
      nameOf(job),
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      ageOf(job, now),
      ...layoutContainers(templateSpec(job)),
      formatLabelSelector(spec(job).selector),
    ];
  },
};

function boolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

export const cronJobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
    ),
    column(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.',
    ),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(cj, now) {
    const jobSpec = rec(rec(spec(cj).jobTemplate).spec);
    const last = timeOf(status(cj).lastScheduleTime);
    return [
      nameOf(cj),
      str(spec(cj).schedule),
      str(spec(cj).timeZone) || '<none>',
      boolPtr(spec(cj).suspend),
      arr(status(cj).active).length,
      last === undefined ? '<none>' : humanDuration(now.getTime() - last),
      ageOf(cj, now),
      ...layoutContainers(rec(rec(jobSpec.template).spec)),
      formatLabelSelector(jobSpec.selector),
    ];
  },
};

/** One HPA target as "current/target"; sources are the autoscaling/v2 metric spec and status. */
function hpaMetric(metric: JsonRecord, current: JsonRecord): string {
  const type = str(metric.type);
  const key = type === 'ContainerResource' ? 'containerResource' : type.charAt(0).toLowerCase() + type.slice(1);
  const source = rec(metric[key]);
  const target = rec(source.target);
  const cur = rec(rec(current[key]).current);
  const unknown = '<unknown>';
  const value = (v: unknown) => (v === undefined ? unknown : quantityCell(v));
  switch (type) {
    case 'External':
    case 'Object':
      return target.averageValue !== undefined
        ? `${value(cur.averageValue)}/${quantityCell(target.averageValue)} (avg)`
        : `${value(cur.value)}/${quantityCell(target.value)}`;
    case 'Pods':
      return `${value(cur.averageValue)}/${quantityCell(target.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const name = str(source.name);
      if (target.averageValue !== undefined)
        return `${name}: ${value(cur.averageValue)}/${quantityCell(target.averageValue)}`;
      const now = typeof cur.averageUtilization === 'number' ? `${cur.averageUtilization}%` : unknown;
      const want = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${name}: ${now}/${want}`;
    }
    default:
      return '<unknown type>';
  }
}

function hpaTargets(hpa: KubeObject): string {
  const metrics = arr(spec(hpa).metrics).map(rec);
  if (metrics.length === 0) return '<none>';
  const current = arr(status(hpa).currentMetrics).map(rec);
  const shown = metrics.slice(0, 2).map((m, i) => hpaMetric(m, current[i] ?? rec(undefined)));
  const more = metrics.length - 2;
  return more > 0 ? `${shown.join(', ')} + ${more} more...` : shown.join(', ');
}

export const hpaPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'scaleTargetRef points to the target resource to scale.'),
    column(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count.',
    ),
    column(
      'MinPods',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    column(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    ),
    column('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COLUMN,
  ],
  cells(hpa, now) {
    const ref = rec(spec(hpa).scaleTargetRef);
    const min = spec(hpa).minReplicas;
    return [
      nameOf(hpa),
      `${str(ref.kind)}/${str(ref.name)}`,
      hpaTargets(hpa),
      typeof min === 'number' ? String(min) : '<unset>',
      int(spec(hpa).maxReplicas),
      int(status(hpa).currentReplicas),
      ageOf(hpa, now),
    ];
  },
};

export const pdbPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  cells(pdb, now) {
    const s = spec(pdb);
    return [
      nameOf(pdb),
      s.minAvailable === undefined ? 'N/A' : intOrString(s.minAvailable),
      s.maxUnavailable === undefined ? 'N/A' : intOrString(s.maxUnavailable),
      int(status(pdb).disruptionsAllowed),
      ageOf(pdb, now),
    ];
  },
};
