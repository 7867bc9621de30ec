// Label selectors as Kubernetes evaluates them, in both forms: the `a=b,c in (d),!e` strings of
// `?labelSelector=` and `kubectl -l` (kube-apiserver's grammar and error texts), and the metav1.LabelSelector
// objects of workload specs (matchLabels + matchExpressions). Both compile to one list of requirements, so a
// Deployment's selector, a PDB's and a `-l` flag select exactly the same pods in the simulator and in detection.
// Parsing returns a result and never throws: a bad selector is a 400 for one request and nothing else.

export type LabelRequirement =
  | { readonly key: string; readonly op: 'exists' | '!exists' }
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'gt' | 'lt'; readonly value: number };

export type LabelSelector = readonly LabelRequirement[];
export type SelectorParse<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses (`env in (a,b),tier=web`). */
function splitTop(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) return undefined;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) return undefined;
  out.push(cur);
  return out;
}

function badKey(key: string): string | undefined {
  if (!KEY_RE.test(key) || key.length > 316) return `unable to parse requirement: invalid label key "${key}"`;
  return undefined;
}
function badValue(v: string): string | undefined {
  if (v.length > 63 || !VALUE_RE.test(v)) return `unable to parse requirement: invalid label value: "${v}"`;
  return undefined;
}

export function parseLabelSelector(input: string | undefined): SelectorParse<LabelSelector> {
  if (input === undefined || input.trim() === '') return { ok: true, value: [] };
  const parts = splitTop(input);
  if (!parts) return { ok: false, message: `unable to parse requirement: unbalanced parentheses in "${input}"` };
  const reqs: LabelRequirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') return { ok: false, message: `found '', expected: identifier` };
    let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (m) {
      const key = m[1]!;
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v, _i, a) => v !== '' || a.length === 1);
      const err = badKey(key) ?? values.map(badValue).find((e) => e);
      if (err) return { ok: false, message: err };
      reqs.push({ key, op: m[2] === 'in' ? 'in' : 'notin', values });
      continue;
    }
    m = /^(!?)([^!=<>\s]+)$/.exec(part);
    if (m) {
      const err = badKey(m[2]!);
      if (err) return { ok: false, message: err };
      reqs.push({ key: m[2]!, op: m[1] ? '!exists' : 'exists' });
      continue;
    }
    m = /^([^!=<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/.exec(part);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      const err = badKey(key);
      if (err) return { ok: false, message: err };
      if (op === '<' || op === '>') {
        const n = Number(value);
        if (!/^-?\d+$/.test(value))
          return {
            ok: false,
            message: `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
          };
        reqs.push({ key, op: op === '>' ? 'gt' : 'lt', value: n });
      } else {
        const verr = badValue(value);
        if (verr) return { ok: false, message: verr };
        reqs.push({ key, op: op === '!=' ? 'notin' : 'in', values: [value] });
      }
      continue;
    }
    return {
      ok: false,
      message: `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`,
    };
  }
  return { ok: true, value: reqs };
}

export function matchLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  for (const r of selector) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        if (r.op === 'gt' ? !(n > r.value) : !(n < r.value)) return false;
      }
    }
  }
  return true;
}

/** A metav1.LabelSelector object (matchLabels + matchExpressions) as used in workload specs. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * metav1.LabelSelectorAsSelector. A missing selector selects everything here; callers for which a nil selector
 * means "nothing" (a workload's) check for it first. An unknown operator makes the real conversion fail, and a
 * selector that cannot be built selects nothing, so it compiles to a requirement no labels satisfy.
 */
export function selectorFromSpec(spec: LabelSelectorSpec | undefined): LabelSelector {
  if (!spec) return [];
  const reqs: LabelRequirement[] = Object.entries(spec.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'in',
    values: [v],
  }));
  for (const e of spec.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (op === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (op === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'DoesNotExist') reqs.push({ key: e.key, op: '!exists' });
    else reqs.push({ key: e.key, op: 'in', values: [] });
  }
  return reqs;
}

/** Whether `labels` satisfy a metav1.LabelSelector object (missing: everything matches). */
export function labelSelectorMatches(
  spec: LabelSelectorSpec | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return matchLabels(selectorFromSpec(spec), labels);
}

/** True when a selector object has no requirements at all (labels.Everything()). */
export function isEmptyLabelSelector(spec: LabelSelectorSpec | undefined): boolean {
  return Object.keys(spec?.matchLabels ?? {}).length === 0 && (spec?.matchExpressions ?? []).length === 0;
}
