// Cell formatting shared by the printers, matching kube-apiserver's helpers (duration.HumanDuration,
// labels.FormatLabels, metav1.FormatLabelSelector, ...) so `kubectl get` prints what a real cluster prints.

import { humanDuration } from '../../kube/human-duration.js';
import { canonicalQuantity } from '../../kube/quantity.js';
import { arr, rec, str, strMap, timeOf } from './read.js';

/** The Age cell: time since an RFC 3339 timestamp, "<unknown>" when there is none (translateTimestampSince). */
export function formatAge(from: string | undefined, now: Date): string {
  const t = timeOf(from);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** labels.FormatLabels: sorted "k=v,k2=v2", or "<none>". */
export function formatLabels(labels: unknown): string {
  const m = strMap(labels);
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m[k]}`).join(',');
}

/**
 * A LabelSelector as labels.Selector.String() renders it ("app=web,tier in (a,b)"), or undefined when the
 * selector is malformed. Requirements are sorted by key, as the real selector sorts them.
 */
export function selectorString(selector: unknown): string | undefined {
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(strMap(rec(selector).matchLabels))) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of arr(rec(selector).matchExpressions)) {
    const key = str(rec(e).key);
    const values = arr(rec(e).values).map(str).sort();
    switch (str(rec(e).operator)) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: "<none>" for an empty or missing selector, "<error>" for a malformed one. */
export function formatLabelSelector(selector: unknown): string {
  const s = selectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** The wide-output Containers and Images cells: names and images joined with commas. */
export function layoutContainers(podSpec: unknown): [string, string] {
  const containers = arr(rec(podSpec).containers).map(rec);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** PersistentVolume access modes in kubectl's short form, always in RWO,ROX,RWX,RWOP order. */
export function accessModes(modes: unknown): string {
  const set = new Set(arr(modes).map(str));
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => set.has(mode))
    .map(([, s]) => s)
    .join(',');
}

/** A Quantity cell: the canonical form when it parses, the raw text otherwise. */
export function quantityCell(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '';
  return canonicalQuantity(v) ?? String(v);
}

/** An IntOrString as Go's IntOrString.String() prints it. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v);
}

/** Up to three items joined with commas, then "+ N more..." (listWithMoreString). */
export function listWithMore(items: readonly string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}
