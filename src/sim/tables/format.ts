// Cell formatting shared by the printers, matching kube-apiserver's helpers (duration.HumanDuration,
// labels.FormatLabels, metav1.FormatLabelSelector, ...) so `kubectl get` prints what a real cluster prints.

import { canonicalQuantity } from '../admission/quantity.js';
import { arr, rec, str, strMap, timeOf } from './read.js';

/** apimachinery's duration.HumanDuration: ~2-3 significant figures ("45s", "3m12s", "5h", "2d3h", "3y45d"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

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
