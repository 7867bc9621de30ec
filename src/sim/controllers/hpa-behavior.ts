// What the HPA does with a replica proposal (horizontal.go normalizeDesiredReplicasWithBehaviors):
// stabilization windows over recent recommendations, then the scale-rate policies and min/max bounds,
// with the reasons the AbleToScale and ScalingLimited conditions report. The autoscaling/v2 defaults
// scale up by 4 pods or 100% per 15s, and down by 100% per 15s after a 300s window.

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

const DEFAULT_SCALE_DOWN: Required<ScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

export interface ScaleEvent {
  readonly at: number;
  readonly change: number;
}

/** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. */
function rateLimit(
  current: number,
  up: boolean,
  rules: Required<ScalingRules>,
  upEvents: readonly ScaleEvent[],
  downEvents: readonly ScaleEvent[],
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMax = up ? rules.selectPolicy !== 'Min' : rules.selectPolicy === 'Min';
  let result = pickMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies) {
    const since = now - p.periodSeconds * 1000;
    const added = upEvents.filter((e) => e.at > since).reduce((n, e) => n + e.change, 0);
    const deleted = downEvents.filter((e) => e.at > since).reduce((n, e) => n + e.change, 0);
    let proposed: number;
    if (up) {
      const start = current - added + deleted;
      proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    } else {
      const start = current + deleted - added;
      proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    }
    result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** The recommendations and scale events one HPA remembers between syncs. */
export interface HpaMemory {
  recommendations: { at: number; replicas: number }[];
  up: ScaleEvent[];
  down: ScaleEvent[];
}

export interface Normalized {
  readonly replicas: number;
  /** AbleToScale's reason and message (stabilized or ready for a new scale). */
  readonly able: { readonly reason: string; readonly message: string };
  /** ScalingLimited's reason and message; DesiredWithinRange means not limited. */
  readonly limited: { readonly reason: string; readonly message: string };
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

function rules(given: ScalingRules | undefined, defaults: Required<ScalingRules>): Required<ScalingRules> {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? defaults.selectPolicy,
    policies: given?.policies?.length ? given.policies : defaults.policies,
  };
}

const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

/** normalizeDesiredReplicasWithBehaviors; records the proposal in `mem`. */
export function normalizeReplicas(
  behavior: Behavior | undefined,
  mem: HpaMemory,
  current: number,
  proposal: number,
  bounds: { readonly min: number; readonly max: number },
  nowMs: number,
): Normalized {
  const up = rules(behavior?.scaleUp, DEFAULT_SCALE_UP);
  const down = rules(behavior?.scaleDown, DEFAULT_SCALE_DOWN);
  const upCutoff = nowMs - up.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - down.stabilizationWindowSeconds * 1000;
  let upRec = proposal;
  let downRec = proposal;
  for (const r of mem.recommendations) {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  mem.recommendations = mem.recommendations.filter((r) => r.at > Math.min(upCutoff, downCutoff));
  mem.recommendations.push({ at: nowMs, replicas: proposal });
  const stabilized = Math.min(Math.max(current, upRec), downRec);
  let able = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  if (stabilized !== proposal) {
    able =
      proposal >= current
        ? {
            reason: 'ScaleUpStabilized',
            message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
          }
        : {
            reason: 'ScaleDownStabilized',
            message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
          };
  }
  const keep = (e: ScaleEvent) => e.at > nowMs - 30 * 60_000;
  mem.up = mem.up.filter(keep);
  mem.down = mem.down.filter(keep);
  if (stabilized > current) {
    const rate = Math.max(current, rateLimit(current, true, up, mem.up, mem.down, nowMs));
    const limited =
      bounds.max > rate
        ? {
            allowed: rate,
            reason: 'ScaleUpLimit',
            message: 'the desired replica count is increasing faster than the maximum scale rate',
          }
        : {
            allowed: bounds.max,
            reason: 'TooManyReplicas',
            message: 'the desired replica count is more than the maximum replica count',
          };
    if (stabilized > limited.allowed) return { replicas: limited.allowed, able, limited };
  } else if (stabilized < current) {
    const rate = Math.min(current, rateLimit(current, false, down, mem.up, mem.down, nowMs));
    const limited =
      bounds.min < rate
        ? {
            allowed: rate,
            reason: 'ScaleDownLimit',
            message: 'the desired replica count is decreasing faster than the maximum scale rate',
          }
        : {
            allowed: bounds.min,
            reason: 'TooFewReplicas',
            message: 'the desired replica count is less than the minimum replica count',
          };
    if (stabilized < limited.allowed) return { replicas: limited.allowed, able, limited };
  }
  return { replicas: stabilized, able, limited: WITHIN_RANGE };
}
