import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isEmptyLabelSelector,
  type LabelSelectorSpec,
  labelSelectorMatches,
  matchLabels,
  parseLabelSelector,
} from '../../src/kube/label-selector.js';

const web = { app: 'web', tier: 'frontend', env: 'prod' };
const batch = { app: 'batch', env: 'dev', gpu: 'true' };
const unlabelled = {};

function selects(text: string): boolean[] {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) assert.fail(`${text}: ${parsed.message}`);
  return [web, batch, unlabelled].map((l) => matchLabels(parsed.value, l));
}

describe('label selector strings', () => {
  it('selects with every operator of the grammar', () => {
    assert.deepEqual(selects(''), [true, true, true]);
    assert.deepEqual(selects('app=web'), [true, false, false]);
    assert.deepEqual(selects('app==web'), [true, false, false]);
    assert.deepEqual(selects('app!=web'), [false, true, true], 'a missing key satisfies !=');
    assert.deepEqual(selects('env in (prod, dev)'), [true, true, false]);
    assert.deepEqual(selects('env notin (prod)'), [false, true, true]);
    assert.deepEqual(selects('gpu'), [false, true, false]);
    assert.deepEqual(selects('!gpu'), [true, false, true]);
    assert.deepEqual(selects('app=web,env in (prod,dev)'), [true, false, false]);
  });

  it('compares numbers with > and <', () => {
    const parsed = parseLabelSelector('replicas>2');
    assert.ok(parsed.ok);
    assert.equal(matchLabels(parsed.value, { replicas: '3' }), true);
    assert.equal(matchLabels(parsed.value, { replicas: '2' }), false);
    assert.equal(matchLabels(parsed.value, { replicas: 'many' }), false);
    assert.equal(matchLabels(parsed.value, {}), false);
  });

  it('refuses malformed selectors with the API server’s words', () => {
    const message = (text: string) => {
      const parsed = parseLabelSelector(text);
      return parsed.ok ? 'ok' : parsed.message;
    };
    assert.equal(message('env in (a,b'), 'unable to parse requirement: unbalanced parentheses in "env in (a,b"');
    assert.equal(message('app=web,'), "found '', expected: identifier");
    assert.equal(message('-app=web'), 'unable to parse requirement: invalid label key "-app"');
    assert.equal(
      message('app=we b'),
      "unable to parse requirement: found 'app=we b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(message('n>x'), "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
  });
});

describe('metav1.LabelSelector objects', () => {
  const matching = (spec: LabelSelectorSpec | undefined) =>
    [web, batch, unlabelled].map((l) => labelSelectorMatches(spec, l));

  it('selects as the equivalent selector string does', () => {
    const spec: LabelSelectorSpec = {
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'app', operator: 'In', values: ['web', 'api'] },
        { key: 'gpu', operator: 'DoesNotExist' },
      ],
    };
    assert.deepEqual(matching(spec), [true, false, false]);
    assert.deepEqual(matching(spec), selects('env=prod,app in (web,api),!gpu'));
    assert.deepEqual(matching({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }), [
      false,
      true,
      true,
    ]);
    assert.deepEqual(matching({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }), [false, true, false]);
  });

  it('selects everything when empty or missing', () => {
    assert.deepEqual(matching(undefined), [true, true, true]);
    assert.deepEqual(matching({}), [true, true, true]);
    assert.equal(isEmptyLabelSelector(undefined), true);
    assert.equal(isEmptyLabelSelector({ matchLabels: {}, matchExpressions: [] }), true);
    assert.equal(isEmptyLabelSelector({ matchLabels: { app: 'web' } }), false);
    assert.equal(isEmptyLabelSelector({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }), false);
  });

  it('selects nothing with an operator LabelSelectorAsSelector refuses', () => {
    const spec = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'Like', values: ['p'] }] };
    assert.deepEqual(matching(spec), [false, false, false]);
  });
});
