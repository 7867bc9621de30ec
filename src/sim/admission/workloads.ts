// Validation of the pod controllers (apps/v1 and batch/v1): selectors that must match their template,
// replica counts, strategies, restart policies and the fields that may not change after creation.

import { cronTimeZoneErrors, parseCronSchedule } from '../../kube/cron.js';
import type { KubeObject } from '../objects.js';
import { isRecord, type JsonRecord, rec, str, strMap } from '../tables/read.js';
import {
  child,
  type FieldCause,
  forbidden,
  type GoLiteral,
  goQuote,
  goStringMap,
  IMMUTABLE,
  invalid,
  notSupported,
  required,
} from './field.js';
import { semanticEqual } from './json-diff.js';
import { goLabelSelector, selectorIsEmpty, selectorIsValid, selectorMatches, validateLabelSelector } from './meta.js';
import { validatePodTemplate } from './pod-spec.js';

const NEGATIVE = 'must be greater than or equal to 0';
const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function nonNegative(path: string, v: unknown): FieldCause[] {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, NEGATIVE)] : [];
}

function templateLabels(template: unknown): GoLiteral {
  const labels = rec(rec(template).metadata).labels;
  return goStringMap(labels === undefined ? undefined : strMap(labels));
}

/** The selector-vs-template check; a missing selector (labels.Nothing) matches no labels at all. */
function selectorMismatch(selector: unknown, template: unknown, path: string): FieldCause[] {
  if (selector != null && selectorIsEmpty(selector)) return [];
  const labels = rec(rec(template).metadata).labels;
  const matches = selector != null && selectorMatches(selector, labels);
  return matches ? [] : [invalid(child(path, 'metadata', 'labels'), templateLabels(template), SELECTOR_MISMATCH)];
}

/** Restart policy and activeDeadlineSeconds rules for pods a long-running controller keeps alive. */
function longRunningTemplate(template: unknown, path: string, deadline: FieldCause): FieldCause[] {
  const spec = rec(rec(template).spec);
  const causes: FieldCause[] = [];
  const rp = str(spec.restartPolicy);
  if (rp !== '' && rp !== 'Always') causes.push(notSupported(child(path, 'spec', 'restartPolicy'), rp, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined) causes.push(deadline);
  return causes;
}

function selectorChecks(selector: unknown, path: string, kindWord: string): FieldCause[] {
  if (selector == null) return [required(path)];
  const causes = validateLabelSelector(selector, path);
  if (selectorIsEmpty(selector))
    causes.push(invalid(path, goLabelSelector(selector), `empty selector is invalid for ${kindWord}`));
  return causes;
}

function goIntOrString(v: unknown): GoLiteral {
  return typeof v === 'number'
    ? { go: `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` }
    : { go: `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(str(v))}}` };
}

function intOrPercent(v: unknown, path: string): FieldCause[] {
  if (typeof v === 'number') return nonNegative(path, v);
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return [];
  if (typeof v === 'string')
    return [
      invalid(
        path,
        goIntOrString(v),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  return [];
}

const intOrPercentValue = (v: unknown) => (typeof v === 'number' ? v : Number.parseInt(str(v), 10) || 0);

function deploymentStrategy(strategy: JsonRecord, path: string): FieldCause[] {
  const type = str(strategy.type);
  const ru = strategy.rollingUpdate;
  if (type === 'Recreate')
    return ru === undefined
      ? []
      : [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")];
  if (type === 'RollingUpdate') {
    const ruPath = child(path, 'rollingUpdate');
    if (!isRecord(ru)) return [required(ruPath, 'this should be defaulted and never be nil')];
    const causes = [
      ...intOrPercent(ru.maxUnavailable, child(ruPath, 'maxUnavailable')),
      ...intOrPercent(ru.maxSurge, child(ruPath, 'maxSurge')),
    ];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
      causes.push(
        invalid(child(ruPath, 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'),
      );
    if (
      typeof ru.maxUnavailable === 'string' &&
      /^[0-9]+%$/.test(ru.maxUnavailable) &&
      intOrPercentValue(ru.maxUnavailable) > 100
    )
      causes.push(
        invalid(child(ruPath, 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'must not be greater than 100%'),
      );
    return causes;
  }
  if (type === '') return [];
  const value = `apps.DeploymentStrategy{Type:${goQuote(type)}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`;
  return [notSupported(path, { go: value }, ['Recreate', 'RollingUpdate'])];
}

function selectorImmutable(obj: KubeObject, old: KubeObject | undefined): FieldCause[] {
  if (!old) return [];
  const next = rec(obj.spec).selector;
  return semanticEqual(next, rec(old.spec).selector)
    ? []
    : [invalid('spec.selector', goLabelSelector(next), IMMUTABLE)];
}

/**
 * Selector and pod-template checks Deployments and ReplicaSets share, in the real validator's order (it words a
 * ReplicaSet's empty selector and its activeDeadlineSeconds the same way for both kinds).
 */
function replicatedTemplateChecks(spec: JsonRecord): FieldCause[] {
  const causes = selectorChecks(spec.selector, 'spec.selector', 'deployment');
  if (!selectorIsValid(spec.selector))
    return [...causes, invalid('spec.selector', goLabelSelector(spec.selector), 'invalid label selector')];
  return [
    ...causes,
    ...selectorMismatch(spec.selector, spec.template, 'spec.template'),
    ...validatePodTemplate(spec.template, 'spec.template'),
    ...longRunningTemplate(
      spec.template,
      'spec.template',
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'),
    ),
  ];
}

export function validateDeployment(d: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(d.spec);
  const causes = nonNegative('spec.replicas', spec.replicas);
  if (spec.selector == null) return [...causes, required('spec.selector')];
  causes.push(...replicatedTemplateChecks(spec));
  causes.push(...deploymentStrategy(rec(spec.strategy), 'spec.strategy'));
  causes.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  causes.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    causes.push(...nonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (spec.progressDeadlineSeconds <= minReady)
      causes.push(
        invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'),
      );
  }
  return [...causes, ...selectorImmutable(d, old)];
}

export function validateReplicaSet(rs: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(rs.spec);
  const causes = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
  ];
  causes.push(...replicatedTemplateChecks(spec));
  return [...causes, ...selectorImmutable(rs, old)];
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/**
 * The StatefulSet controller adds one volume per volumeClaimTemplate to every pod, so mounts may name a claim
 * template: validate the template as the pods will be.
 */
function withClaimVolumes(template: unknown, claims: unknown): unknown {
  const names = (Array.isArray(claims) ? claims : [])
    .map((c) => str(rec(rec(c).metadata).name))
    .filter((n) => n !== '');
  if (names.length === 0) return template;
  const t = rec(template);
  const podSpec = rec(t.spec);
  const volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  const extra = names.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  return { ...t, spec: { ...podSpec, volumes: [...volumes, ...extra] } };
}

export function validateStatefulSet(sts: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(sts.spec);
  const causes: FieldCause[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp !== '' && pmp !== 'OrderedReady' && pmp !== 'Parallel')
    causes.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = rec(spec.updateStrategy);
  const usType = str(us.type);
  if (usType === 'OnDelete' && us.rollingUpdate !== undefined)
    causes.push(
      invalid(
        'spec.updateStrategy.rollingUpdate',
        { go: '&apps.RollingUpdateStatefulSetStrategy{...}' },
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  else if (usType === 'RollingUpdate')
    causes.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', rec(us.rollingUpdate).partition));
  else if (usType !== '' && usType !== 'OnDelete')
    causes.push(
      invalid(
        'spec.updateStrategy',
        {
          go: `apps.StatefulSetUpdateStrategy{Type:${goQuote(usType)}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`,
        },
        "must be 'RollingUpdate' or 'OnDelete'",
      ),
    );
  causes.push(
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
  );
  causes.push(...selectorChecks(spec.selector, 'spec.selector', 'statefulset'));
  if (!selectorIsValid(spec.selector)) causes.push(invalid('spec.selector', goLabelSelector(spec.selector), ''));
  else
    causes.push(
      ...selectorMismatch(spec.selector, spec.template, 'spec.template'),
      ...validatePodTemplate(withClaimVolumes(spec.template, spec.volumeClaimTemplates), 'spec.template'),
    );
  causes.push(
    ...longRunningTemplate(
      spec.template,
      'spec.template',
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'),
    ),
  );
  if (old) {
    const frozen = (s: JsonRecord) => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (!semanticEqual(frozen(spec), frozen(rec(old.spec))))
      causes.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
  }
  return causes;
}

export function validateDaemonSet(ds: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(ds.spec);
  const causes =
    spec.selector == null ? [required('spec.selector')] : validateLabelSelector(spec.selector, 'spec.selector');
  if (selectorIsValid(spec.selector)) causes.push(...selectorMismatch(spec.selector, spec.template, 'spec.template'));
  if (spec.selector != null && selectorIsEmpty(spec.selector))
    causes.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  causes.push(...validatePodTemplate(spec.template, 'spec.template'));
  const deadline = rec(rec(spec.template).spec).activeDeadlineSeconds;
  causes.push(
    ...longRunningTemplate(
      spec.template,
      'spec.template',
      invalid(
        'spec.template.spec.activeDeadlineSeconds',
        typeof deadline === 'number' ? deadline : null,
        'activeDeadlineSeconds must be nil for daemon set pods',
      ),
    ),
  );
  causes.push(
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
  );
  const usType = str(rec(spec.updateStrategy).type);
  if (usType !== '' && usType !== 'RollingUpdate' && usType !== 'OnDelete')
    causes.push(notSupported('spec.updateStrategy.type', usType, ['OnDelete', 'RollingUpdate']));
  return [...causes, ...selectorImmutable(ds, old)];
}

/** Checks shared by a Job and a CronJob's jobTemplate (validateJobSpec). */
function jobSpec(spec: JsonRecord, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    causes.push(...nonNegative(child(path, f), spec[f]));
  const mode = str(spec.completionMode);
  if (mode !== '' && mode !== 'NonIndexed' && mode !== 'Indexed')
    causes.push(notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
  causes.push(...validatePodTemplate(spec.template, child(path, 'template')));
  const rp = str(rec(rec(spec.template).spec).restartPolicy);
  if (rp !== '' && rp !== 'OnFailure' && rp !== 'Never')
    causes.push(notSupported(child(path, 'template', 'spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
  return causes;
}

const GENERATED_JOB_LABELS = [
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
];

/**
 * A Job spec without the selector and pod labels the API server generates from the uid. When the uid is
 * assigned after admission they first appear on a later write, which must not count as changing them.
 */
function withoutGenerated(spec: JsonRecord): JsonRecord {
  if (spec.manualSelector === true) return spec;
  const strip = (m: unknown) =>
    Object.fromEntries(Object.entries(rec(m)).filter(([k]) => !GENERATED_JOB_LABELS.includes(k)));
  const template = rec(spec.template);
  const metadata = rec(template.metadata);
  return {
    ...spec,
    selector: { ...rec(spec.selector), matchLabels: strip(rec(spec.selector).matchLabels) },
    template: { ...template, metadata: { ...metadata, labels: strip(metadata.labels) } },
  };
}

export function validateJob(job: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(job.spec);
  const causes = jobSpec(spec, 'spec');
  // Without manualSelector the API server generates the selector from the uid; until it exists there is
  // nothing to check.
  if (spec.selector != null || spec.manualSelector === true) {
    causes.push(
      ...(spec.selector == null ? [required('spec.selector')] : validateLabelSelector(spec.selector, 'spec.selector')),
    );
    if (selectorIsValid(spec.selector)) causes.push(...selectorMismatch(spec.selector, spec.template, 'spec.template'));
  }
  if (!old) return causes;
  const oldSpec = rec(old.spec);
  // Elastic Indexed Jobs may change completions together with parallelism.
  const elastic = str(spec.completionMode) === 'Indexed' && spec.completions === spec.parallelism;
  if (!elastic && !semanticEqual(spec.completions, oldSpec.completions))
    causes.push(invalid('spec.completions', typeof spec.completions === 'number' ? spec.completions : null, IMMUTABLE));
  const [next, prev] = [withoutGenerated(spec), withoutGenerated(oldSpec)];
  if (!semanticEqual(next.selector, prev.selector))
    causes.push(invalid('spec.selector', goLabelSelector(spec.selector), IMMUTABLE));
  if (!semanticEqual(next.template, prev.template))
    causes.push(invalid('spec.template', { go: 'core.PodTemplateSpec{...}' }, IMMUTABLE));
  if (!semanticEqual(spec.completionMode, oldSpec.completionMode))
    causes.push(invalid('spec.completionMode', str(spec.completionMode), IMMUTABLE));
  return causes;
}

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

export function validateCronJob(cj: KubeObject, old?: KubeObject): FieldCause[] {
  const spec = rec(cj.spec);
  const causes: FieldCause[] = [];
  const schedule = str(spec.schedule);
  if (schedule === '') causes.push(required('spec.schedule'));
  else {
    const parsed = parseCronSchedule(schedule);
    if (!parsed.ok) causes.push(invalid('spec.schedule', schedule, parsed.message));
    const allowTZ = str(rec(old?.spec).schedule).includes('TZ');
    if (schedule.includes('TZ') && !allowTZ)
      causes.push(
        invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
      );
    else if (schedule.includes('TZ') && spec.timeZone !== undefined)
      causes.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  causes.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  if (typeof spec.timeZone === 'string' && spec.timeZone !== rec(old?.spec).timeZone) {
    for (const err of cronTimeZoneErrors(spec.timeZone)) causes.push(invalid('spec.timeZone', spec.timeZone, err));
  }
  const cp = str(spec.concurrencyPolicy);
  if (cp !== '' && !CONCURRENCY_POLICIES.includes(cp))
    causes.push(notSupported('spec.concurrencyPolicy', cp, CONCURRENCY_POLICIES));
  const jt = rec(rec(spec.jobTemplate).spec);
  causes.push(...jobSpec(jt, 'spec.jobTemplate.spec'));
  if (jt.selector != null)
    causes.push(
      invalid('spec.jobTemplate.spec.selector', goLabelSelector(jt.selector), '`selector` will be auto-generated'),
    );
  if (jt.manualSelector === true)
    causes.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  causes.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
  causes.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
  // Jobs get a 11-character suffix and job names stop at 63.
  const name = str(cj.metadata.name);
  if (name.length > 52) causes.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  return causes;
}
