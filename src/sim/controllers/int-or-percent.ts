// intstr.GetScaledValueFromIntOrPercent: an integer as is, or "N%" of a total rounded up or down.

import type { IntOrString } from './shapes.js';

export function scaledValue(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
  fallback: IntOrString,
): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return Math.trunc(value);
  const m = /^(-?\d+)%$/.exec(value);
  // A bare numeric string is not a percentage to Kubernetes either; validation refuses it before we get here.
  if (!m) return scaledValue(fallback, total, roundUp, fallback);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
