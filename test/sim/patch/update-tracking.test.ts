import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/sim/objects.js';
import { recordUpdate } from '../../../src/sim/patch/index.js';
import { at, deployment, NOW, patchFails, patchOk } from './fixtures.js';

const LATER = '2025-03-01T12:00:00Z';

function created(): KubeObject {
  return recordUpdate({ before: undefined, after: deployment(), manager: 'kubectl-create', now: NOW });
}

function entry(o: KubeObject, manager: string): unknown {
  return (o.metadata.managedFields ?? []).find((e) => at(e, 'manager') === manager);
}

function withReplicas(o: KubeObject, replicas: number): KubeObject {
  const next = structuredClone(o);
  (next.spec as Record<string, unknown>).replicas = replicas;
  return next;
}

describe('recordUpdate (managedFields for non-apply writes)', () => {
  it('gives the creator every field it set', () => {
    const out = created();
    assert.deepEqual(
      (out.metadata.managedFields ?? []).map((e) => [at(e, 'manager'), at(e, 'operation'), at(e, 'time')]),
      [['kubectl-create', 'Update', NOW]],
    );
    const fields = at(entry(out, 'kubectl-create'), 'fieldsV1');
    assert.deepEqual(at(fields, 'f:spec', 'f:replicas'), {});
    assert.deepEqual(at(fields, 'f:metadata', 'f:labels', 'f:app'), {});
    assert.deepEqual(at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'), {});
    assert.equal(at(fields, 'f:metadata', 'f:name'), undefined, 'identity fields are not tracked');
  });

  it('moves a changed field to the writer, which a later apply then conflicts with by name', () => {
    const live = created();
    const scaled = recordUpdate({
      before: live,
      after: withReplicas(live, 5),
      manager: 'kubectl-scale',
      now: LATER,
      subresource: 'scale',
    });
    assert.equal(at(entry(scaled, 'kubectl-create'), 'fieldsV1', 'f:spec', 'f:replicas'), undefined);
    assert.deepEqual(at(entry(scaled, 'kubectl-scale'), 'fieldsV1'), { 'f:spec': { 'f:replicas': {} } });
    assert.equal(at(entry(scaled, 'kubectl-scale'), 'subresource'), 'scale');
    const body = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3 },
    });
    const r = patchFails({ type: 'apply', current: scaled, body, fieldManager: 'ci' });
    assert.equal(
      r.message,
      'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1 at 2025-03-01T12:00:00Z: .spec.replicas',
    );
  });

  it('takes fields away from an applier whose value it changes', () => {
    const applied = patchOk({
      type: 'apply',
      current: undefined,
      body: JSON.stringify(deployment()),
      fieldManager: 'kubectl',
    });
    const edited = recordUpdate({
      before: applied,
      after: withReplicas(applied, 9),
      manager: 'kubectl-edit',
      now: LATER,
    });
    assert.equal(at(entry(edited, 'kubectl'), 'fieldsV1', 'f:spec', 'f:replicas'), undefined);
    const r = patchFails({
      type: 'apply',
      current: edited,
      body: JSON.stringify(deployment()),
      fieldManager: 'kubectl',
    });
    assert.match(r.message, /conflict with "kubectl-edit" using apps\/v1 at 2025-03-01T12:00:00Z: \.spec\.replicas$/);
  });

  it('forgets fields the write removed and keeps the time of a write that changed nothing', () => {
    const live = created();
    const next = structuredClone(live);
    delete next.metadata.labels;
    const out = recordUpdate({ before: live, after: next, manager: 'kubectl-label', now: LATER });
    assert.equal(at(entry(out, 'kubectl-create'), 'fieldsV1', 'f:metadata', 'f:labels'), undefined);
    assert.equal(entry(out, 'kubectl-label'), undefined, 'a pure removal owns nothing');
    const same = recordUpdate({ before: live, after: structuredClone(live), manager: 'kubectl-create', now: LATER });
    assert.deepEqual(same.metadata.managedFields, live.metadata.managedFields);
  });

  it('honours a client that rewrites managedFields itself', () => {
    const live = created();
    const next = withReplicas(live, 4);
    next.metadata.managedFields = [];
    const out = recordUpdate({ before: live, after: next, manager: 'cleaner', now: LATER });
    assert.deepEqual(
      (out.metadata.managedFields ?? []).map((e) => at(e, 'manager')),
      ['cleaner'],
    );
    assert.deepEqual(at(entry(out, 'cleaner'), 'fieldsV1'), { 'f:spec': { 'f:replicas': {} } });
  });

  it('does not modify its inputs', () => {
    const live = created();
    const next = withReplicas(live, 2);
    const snapshot = structuredClone([live, next]);
    recordUpdate({ before: live, after: next, manager: 'x', now: LATER });
    assert.deepEqual([live, next], snapshot);
  });
});
