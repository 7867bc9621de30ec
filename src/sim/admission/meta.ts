// ObjectMeta, label and label-selector validation (apimachinery's ValidateObjectMeta, ValidateLabels,
// ValidateLabelSelector), plus selector matching for the "selector does not match template labels" check.

import { isEmptyLabelSelector, type LabelSelectorSpec, labelSelectorMatches } from '../../kube/label-selector.js';
import type { KubeObject } from '../objects.js';
import { arr, rec, str, strMap } from '../tables/read.js';
import {
  child,
  type FieldCause,
  forbidden,
  type GoLiteral,
  goQuote,
  goStringMap,
  goStringSlice,
  index,
  invalid,
  required,
  tooLong,
} from './field.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from './names.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [k, v] of Object.entries(rec(labels))) {
    for (const msg of isQualifiedName(k)) causes.push(invalid(path, k, msg));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) causes.push(invalid(path, value, msg));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(rec(annotations))) {
    // Annotation keys are case-insensitive qualified names.
    for (const msg of isQualifiedName(k.toLowerCase())) causes.push(invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) causes.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return causes;
}

/**
 * metadata checks for a new or updated object. The store fills namespace from the URL and a name from
 * generateName before admission, so a missing name only errs when there is no generateName either.
 */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameFn: NameValidator): FieldCause[] {
  const meta = obj.metadata;
  const causes: FieldCause[] = [];
  const generateName = str(meta.generateName);
  if (generateName !== '')
    for (const msg of nameFn(generateName, true)) causes.push(invalid('metadata.generateName', generateName, msg));
  const name = str(meta.name);
  if (name === '') {
    if (generateName === '') causes.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) causes.push(invalid('metadata.name', name, msg));
  }
  const namespace = str(meta.namespace);
  if (namespaced && namespace !== '')
    for (const msg of isDNS1123Label(namespace)) causes.push(invalid('metadata.namespace', namespace, msg));
  causes.push(...validateLabels(meta.labels, 'metadata.labels'));
  causes.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return causes;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function validateLabelSelector(selector: unknown, path: string): FieldCause[] {
  if (selector === undefined || selector === null) return [];
  const causes = validateLabels(rec(selector).matchLabels, child(path, 'matchLabels'));
  for (const [i, e] of arr(rec(selector).matchExpressions).map(rec).entries()) {
    const ePath = index(child(path, 'matchExpressions'), i);
    const op = str(e.operator);
    const values = arr(e.values).map(str);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        causes.push(required(child(ePath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        causes.push(
          forbidden(child(ePath, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      causes.push(invalid(child(ePath, 'operator'), op, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(str(e.key))) causes.push(invalid(child(ePath, 'key'), str(e.key), msg));
    for (const [vi, v] of values.entries())
      for (const msg of isValidLabelValue(v)) causes.push(invalid(index(child(ePath, 'values'), vi), v, msg));
  }
  return causes;
}

/** Whether a selector can be turned into a labels.Selector at all (unknown operators cannot). */
export function selectorIsValid(selector: unknown): boolean {
  return arr(rec(selector).matchExpressions).every((e) => OPERATORS.has(str(rec(e).operator)));
}

/** A selector from a request body, with anything that is not the right shape dropped. */
function selectorSpec(selector: unknown): LabelSelectorSpec {
  return {
    matchLabels: strMap(rec(selector).matchLabels),
    matchExpressions: arr(rec(selector).matchExpressions)
      .map(rec)
      .map((e) => ({ key: str(e.key), operator: str(e.operator), values: arr(e.values).map(str) })),
  };
}

/** True when the selector selects nothing in particular (labels.Everything()). */
export function selectorIsEmpty(selector: unknown): boolean {
  return isEmptyLabelSelector(selectorSpec(selector));
}

export function selectorMatches(selector: unknown, labels: unknown): boolean {
  return labelSelectorMatches(selectorSpec(selector), strMap(labels));
}

/** A *metav1.LabelSelector as %#v prints it inside "Invalid value: ..." messages. */
export function goLabelSelector(selector: unknown): GoLiteral {
  if (selector === undefined || selector === null) return { go: 'null' };
  const s = rec(selector);
  const matchLabels = s.matchLabels === undefined ? undefined : strMap(s.matchLabels);
  const exprs = s.matchExpressions === undefined ? undefined : arr(s.matchExpressions).map(rec);
  const exprText =
    exprs === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(str(e.key))}, Operator:${goQuote(str(e.operator))}, Values:${
                goStringSlice(e.values === undefined ? undefined : arr(e.values).map(str)).go
              }}`,
          )
          .join(', ')}}`;
  return { go: `v1.LabelSelector{MatchLabels:${goStringMap(matchLabels).go}, MatchExpressions:${exprText}}` };
}
