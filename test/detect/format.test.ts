import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatIncidents } from '../../src/detect/format.js';
import { IncidentListSchema, IncidentSchema } from '../../src/detect/incident-schema.js';
import {
  ago,
  container,
  deploymentWithPods,
  HOUR,
  incidents,
  NOW,
  SEC,
  service,
  terminated,
  waitingStatus,
} from './fixtures/index.js';

async function sample() {
  return incidents([
    ...deploymentWithPods('memory-hog', {
      ns: 'demo',
      replicas: 1,
      containers: [container({ name: 'memory-hog', memoryLimit: '100Mi' })],
      podStatus: () => ({
        created: ago(HOUR),
        ready: false,
        statuses: [
          waitingStatus('CrashLoopBackOff', 'back-off', {
            name: 'memory-hog',
            restartCount: 9,
            lastState: terminated(137, 'OOMKilled', ago(30 * SEC)),
          }),
        ],
      }),
    }),
    service('frontend', { ns: 'shop', selector: { app: 'frontend' } }),
  ]);
}

describe('formatIncidents', () => {
  it('prints an aligned kubectl-style table, cut to the terminal width', async () => {
    const out = formatIncidents(await sample(), { format: 'table', now: NOW, width: 100, showNamespace: true });
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAMESPACE\s{3,}KIND\s{3,}NAME\s{3,}REASON\s{3,}SUMMARY\s{3,}AGE$/);
    assert.match(
      lines[1] ?? '',
      /^demo\s+Deployment\s+memory-hog\s+OOMKilled\s+container "memory-hog" OOMKilled.*…\s+\d+m$/,
    );
    assert.match(lines[2] ?? '', /^shop\s+Service\s+frontend\s+NoEndpoints\s+selector app=frontend/);
    for (const line of lines) assert.ok(line.length <= 100, `${line.length}: ${line}`);
    const ageAt = (lines[0] ?? '').indexOf('AGE');
    assert.ok(
      lines.slice(1).every((l) => /\S/.test(l[ageAt] ?? '')),
      'AGE column aligned',
    );
  });

  it('prints whole summaries without a width, and a friendly line when all is well', async () => {
    const out = formatIncidents(await sample(), { format: 'table', now: NOW });
    assert.ok(out.includes('now in CrashLoopBackOff'));
    assert.ok(!out.includes('NAMESPACE'));
    assert.equal(formatIncidents([], { format: 'table', now: NOW }), 'No problems found.\n');
  });

  it('emits JSON and YAML that validate against the documented schema', async () => {
    const list = await sample();
    const fromJson = IncidentListSchema.parse(
      JSON.parse(formatIncidents(list, { format: 'json', now: NOW, cluster: 'kind-dev' })),
    );
    assert.equal(fromJson.metadata.count, 2);
    assert.equal(fromJson.metadata.cluster, 'kind-dev');
    assert.equal(fromJson.items[0]?.evidence.details.memoryLimit, '100Mi');
    const fromYaml = IncidentListSchema.parse(parse(formatIncidents(list, { format: 'yaml', now: NOW })));
    assert.deepEqual(fromYaml.items, fromJson.items);
    const empty = IncidentListSchema.parse(JSON.parse(formatIncidents([], { format: 'json', now: NOW })));
    assert.deepEqual(empty.items, []);
  });

  it('has a schema that rejects malformed incidents', async () => {
    const [good] = await sample();
    assert.equal(IncidentSchema.safeParse(good).success, true);
    assert.equal(IncidentSchema.safeParse({ ...good, failureClass: 'Exploded' }).success, false);
    assert.equal(IncidentSchema.safeParse({ ...good, fingerprint: 'xyz' }).success, false);
    assert.equal(IncidentSchema.safeParse({ ...good, firstSeen: 'yesterday' }).success, false);
  });
});
