import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '../../src/detect/incident.js';
import { IncidentTracker } from '../../src/detect/incident-tracker.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

function incident(name: string, o: Partial<Incident> = {}): Incident {
  const fingerprint = Buffer.from(name).toString('hex').padEnd(16, '0').slice(0, 16);
  return {
    id: fingerprint,
    fingerprint,
    cluster: 'default',
    failureClass: 'CrashLoopBackOff',
    severity: 'high',
    reason: 'CrashLoopBackOff',
    summary: 'container "app" in CrashLoopBackOff (1/3 pods)',
    workload: { kind: 'Deployment', namespace: 'shop', name, uid: `uid-${name}` },
    affected: [{ kind: 'Pod', namespace: 'shop', name: `${name}-abc`, uid: 'p1' }],
    evidence: { details: { exitCode: 1 }, status: [], events: [], findings: [] },
    firstSeen: at(0).toISOString(),
    lastSeen: at(0).toISOString(),
    state: 'open',
    ...o,
  };
}

const types = (changes: readonly { type: string }[]) => changes.map((c) => c.type);

describe('IncidentTracker', () => {
  it('opens once, stays quiet while nothing changes, and updates on a real change', () => {
    const t = new IncidentTracker();
    const opened = t.observe([incident('web')], at(0));
    assert.deepEqual(types(opened), ['opened']);
    const id = opened[0]?.incident.id;
    assert.notEqual(id, incident('web').fingerprint, 'each episode gets its own id');
    assert.deepEqual(
      t.observe([incident('web', { lastSeen: at(5).toISOString() })], at(5)),
      [],
      'a newer lastSeen is not news',
    );
    const worse = t.observe(
      [incident('web', { severity: 'critical', summary: 'container "app" in CrashLoopBackOff (3/3 pods)' })],
      at(10),
    );
    assert.deepEqual(types(worse), ['updated']);
    const update = worse[0];
    assert.ok(update?.type === 'updated');
    assert.equal(update.incident.id, id);
    assert.equal(update.previous.severity, 'high');
    assert.equal(update.incident.firstSeen, at(0).toISOString());
  });

  it('resolves only after N absent passes and a quiet period', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 3, quietPeriodMs: 30_000 });
    t.observe([incident('web')], at(0));
    assert.deepEqual(t.observe([], at(1)), []);
    assert.deepEqual(t.observe([], at(2)), []);
    assert.deepEqual(t.observe([], at(3)), [], 'three passes, but only 3s quiet');
    const resolved = t.observe([], at(31));
    assert.deepEqual(types(resolved), ['resolved']);
    assert.equal(resolved[0]?.incident.state, 'resolved');
    assert.deepEqual(t.active(), []);
  });

  it('damps flapping: coming back before the resolution resets the count, with no change emitted', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 2, quietPeriodMs: 10_000 });
    t.observe([incident('web')], at(0));
    for (let s = 1; s <= 60; s += 2) {
      assert.deepEqual(t.observe([], at(s)), []);
      assert.deepEqual(t.observe([incident('web')], at(s + 1)), []);
    }
    assert.equal(t.active().length, 1);
  });

  it('reopens an incident that returns within the window under the same id, and opens a new one after it', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 1, quietPeriodMs: 0, reopenWindowMs: 600_000 });
    const id = t.observe([incident('web')], at(0))[0]?.incident.id;
    assert.deepEqual(types(t.observe([], at(10))), ['resolved']);
    const back = t.observe([incident('web')], at(100));
    assert.deepEqual(types(back), ['reopened']);
    assert.equal(back[0]?.incident.id, id);
    assert.equal(back[0]?.incident.state, 'open');
    t.observe([], at(110));
    const much = t.observe([incident('web')], at(2000));
    assert.deepEqual(types(much), ['opened']);
    assert.notEqual(much[0]?.incident.id, id);
  });

  it('leaves incidents outside an incremental pass’s scope alone', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 1, quietPeriodMs: 0 });
    t.observe([incident('web'), incident('api')], at(0));
    const onlyApi = (i: Incident) => i.workload.name === 'api';
    assert.deepEqual(types(t.observe([], at(5), onlyApi)), ['resolved']);
    assert.deepEqual(
      t.active().map((i) => i.workload.name),
      ['web'],
    );
  });

  it('keeps the lifecycle state across passes and enforces transitions', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 1, quietPeriodMs: 0 });
    const id = t.observe([incident('web')], at(0))[0]?.incident.id ?? '';
    assert.deepEqual(t.setState(id, 'diagnosing'), {
      ok: true,
      change: { type: 'state', incident: { ...t.active()[0], state: 'diagnosing' }, previous: 'open' },
    });
    assert.equal(t.setState(id, 'fixing').ok, true);
    t.observe([incident('web')], at(1));
    assert.equal(t.active()[0]?.state, 'fixing', 'a new pass does not reset the lifecycle');
    const bad = t.setState(id, 'resolved');
    assert.deepEqual(bad.ok ? undefined : bad.code, 'InvalidTransition');
    const unknown = t.setState('nope', 'open');
    assert.deepEqual(unknown.ok ? undefined : unknown.code, 'UnknownIncident');
    assert.deepEqual(types(t.observe([], at(2))), ['resolved'], 'a fix that worked resolves the incident');
  });

  it('does not announce changes of a suppressed incident, but still resolves it', () => {
    const t = new IncidentTracker({ resolveAfterPasses: 1, quietPeriodMs: 0 });
    const id = t.observe([incident('web')], at(0))[0]?.incident.id ?? '';
    t.setState(id, 'suppressed');
    assert.deepEqual(t.observe([incident('web', { severity: 'critical' })], at(1)), []);
    assert.deepEqual(types(t.observe([], at(2))), ['resolved']);
  });
});
