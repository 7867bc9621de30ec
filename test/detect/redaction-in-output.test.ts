import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSnapshot } from '../../src/detect/analyze.js';
import { formatIncidents } from '../../src/detect/format.js';
import { snapshotFromObjects } from '../../src/detect/snapshot.js';
import {
  ago,
  container,
  deploymentWithPods,
  event,
  logReader,
  MIN,
  NOW,
  SEC,
  terminated,
  uid,
  waitingStatus,
} from './fixtures/index.js';

const DB_PASSWORD = 'hunter2-Sup3r';
const API_KEY = 'k9-Zeta-Omega-7731';
const LITERAL = 'LiteralPass!42';
const GITHUB = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const BEARER = 'abcdefghijklmnop123';
const PLANTED = [
  DB_PASSWORD,
  Buffer.from(DB_PASSWORD).toString('base64'),
  API_KEY,
  Buffer.from(API_KEY).toString('base64'),
  LITERAL,
  GITHUB,
  BEARER,
];

function plantedCluster() {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop', uid: uid('secret/db') },
    type: 'Opaque',
    data: { password: Buffer.from(DB_PASSWORD).toString('base64'), 'api-key': Buffer.from(API_KEY).toString('base64') },
  };
  const objs = deploymentWithPods('checkout', {
    ns: 'shop',
    replicas: 1,
    containers: [
      container({
        env: [
          { name: 'DB_PASSWORD', value: LITERAL },
          { name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'db', key: 'api-key' } } },
          { name: 'MISSING', valueFrom: { secretKeyRef: { name: 'db', key: 'not-there' } } },
        ],
      }),
    ],
    podStatus: () => ({
      created: ago(20 * MIN),
      ready: false,
      statuses: [
        waitingStatus('CrashLoopBackOff', 'back-off 2m40s restarting failed container', {
          restartCount: 6,
          lastState: terminated(1, 'Error', ago(30 * SEC), {
            message: `could not connect to postgres://checkout:${DB_PASSWORD}@db:5432/shop`,
          }),
        }),
      ],
    }),
  });
  const p = objs[2] as Record<string, unknown>;
  const podName = (p.metadata as { name: string }).name;
  objs.push(
    secret,
    event(p, 'BackOff', `Back-off restarting failed container app (last error: login with ${API_KEY} refused)`, {
      fieldPath: 'spec.containers{app}',
    }),
    event(p, 'Failed', `Error: exec: env DB_PASSWORD=${LITERAL} rejected`, { fieldPath: 'spec.containers{app}' }),
  );
  const logs = {
    [`shop/${podName}/app/previous`]: [
      'starting checkout service',
      `config: db password is ${DB_PASSWORD}`,
      `using API key ${API_KEY}`,
      `Authorization: Bearer ${BEARER}`,
      `ERROR cloning with token ${GITHUB} failed`,
      `ERROR login failed for password=${LITERAL}`,
      'fatal: giving up',
    ].join('\n'),
  };
  return { objs, logs };
}

describe('redaction of analyzer output', () => {
  it('never lets a planted Secret value or credential env value reach incidents, tables or YAML', async () => {
    const { objs, logs } = plantedCluster();
    const { incidents, errors } = await analyzeSnapshot(snapshotFromObjects(objs, NOW, { logs: logReader(logs) }));
    assert.deepEqual(errors, []);
    assert.ok(incidents.length > 0);
    const outputs = [
      JSON.stringify(incidents),
      formatIncidents(incidents, { format: 'table', now: NOW }),
      formatIncidents(incidents, { format: 'yaml', now: NOW }),
    ];
    for (const out of outputs) for (const secret of PLANTED) assert.ok(!out.includes(secret), `"${secret}" leaked`);
  });

  it('keeps the evidence readable around the masked values', async () => {
    const { objs, logs } = plantedCluster();
    const { incidents } = await analyzeSnapshot(snapshotFromObjects(objs, NOW, { logs: logReader(logs) }));
    const inc = incidents.find((i) => i.workload.name === 'checkout');
    assert.ok(inc);
    assert.ok(inc.evidence.logs?.lines.includes('config: db password is [REDACTED]'));
    assert.ok(inc.evidence.logs?.errorLines.includes('ERROR cloning with token [REDACTED] failed'));
    assert.ok(inc.evidence.events.some((e) => e.message === 'Error: exec: env DB_PASSWORD=[REDACTED] rejected'));
    assert.ok(JSON.stringify(inc.evidence.status).includes('postgres://checkout:[REDACTED]@db:5432/shop'));
    assert.ok(
      inc.evidence.findings.some((f) => f.summary.includes('"not-there"')),
      'key names are not secrets',
    );
  });
});
