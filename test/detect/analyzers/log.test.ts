import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAnalyzers } from '../../../src/detect/analyzer.js';
import { logAnalyzer } from '../../../src/detect/analyzers/log.js';
import { snapshotFromObjects } from '../../../src/detect/snapshot.js';
import {
  ago,
  container,
  findings,
  HOUR,
  MIN,
  NOW,
  only,
  pod,
  runningStatus,
  SEC,
  terminated,
  waitingStatus,
} from '../fixtures/index.js';

const MYSQL_LOG = `2025-06-01 11:59:50+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.0-1.el9 started.
2025-06-01 11:59:50+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'
2025-06-01 11:59:50+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.0-1.el9 started.
2025-06-01 11:59:51+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD
`;

const POSTGRES_LOG = `Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
`;

function crashing(name: string, image: string, exitCode = 1) {
  return pod(name, {
    created: ago(10 * MIN),
    ready: false,
    containers: [container({ name: 'db', image })],
    statuses: [
      waitingStatus('CrashLoopBackOff', 'back-off 40s restarting failed container', {
        name: 'db',
        image,
        restartCount: 3,
        lastState: terminated(exitCode, 'Error', ago(30 * SEC)),
      }),
    ],
  });
}

describe('Log analyzer', () => {
  it('recognises mysql started without a root password, from the previous container log', async () => {
    const f = only(
      await findings([crashing('mysql-0', 'mysql:8.4')], {
        analyzers: [logAnalyzer],
        logs: { 'default/mysql-0/db/previous': MYSQL_LOG },
      }),
    );
    assert.equal(f.failureClass, 'MissingPassword');
    assert.equal(f.details.database, 'mysql');
    assert.equal(f.details.variables, 'MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD');
    assert.equal(f.logs?.previous, true);
    assert.ok(f.logs?.errorLines.some((l) => l.includes('[ERROR] [Entrypoint]: Database is uninitialized')));
  });

  it('recognises postgres started without POSTGRES_PASSWORD', async () => {
    const f = only(
      await findings([crashing('pg-0', 'postgres:16')], {
        analyzers: [logAnalyzer],
        logs: { 'default/pg-0/db/previous': POSTGRES_LOG },
      }),
    );
    assert.equal(f.failureClass, 'MissingPassword');
    assert.equal(f.details.database, 'postgres');
    assert.match(f.summary, /set one of POSTGRES_PASSWORD/);
  });

  it('quotes the error lines of any other crashing container', async () => {
    const log =
      'starting worker\nloading config from /etc/app/config.yaml\npanic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation]\n';
    const f = only(
      await findings([crashing('w-0', 'acme/worker:3', 2)], {
        analyzers: [logAnalyzer],
        logs: { 'default/w-0/db/previous': log },
      }),
    );
    assert.equal(f.failureClass, 'LogErrors');
    assert.deepEqual(f.logs?.errorLines, ['panic: runtime error: invalid memory address or nil pointer dereference']);
    assert.equal(f.logs?.lines.length, 4);
  });

  it('reads the current log of a container that exited and was not restarted', async () => {
    const p = pod('task-1', {
      phase: 'Failed',
      ready: false,
      restartPolicy: 'Never',
      statuses: [{ ...runningStatus(), ready: false, state: terminated(1, 'Error', ago(MIN)) }],
    });
    const f = only(
      await findings([p], {
        analyzers: [logAnalyzer],
        logs: { 'default/task-1/app': 'ERROR: cannot connect to db:5432\n' },
      }),
    );
    assert.equal(f.logs?.previous, false);
  });

  it('reads no logs of healthy containers, and does nothing without a log source', async () => {
    const healthy = pod('web-0', {
      statuses: [runningStatus({ restartCount: 1, lastState: terminated(0, 'Completed', ago(5 * HOUR)) })],
    });
    const logs = {
      'default/web-0/app': 'error: this line must not be read',
      'default/web-0/app/previous': 'error: nor this',
    };
    assert.deepEqual(await findings([healthy], { analyzers: [logAnalyzer], logs }), []);
    assert.deepEqual(await findings([crashing('mysql-0', 'mysql:8.4')], { analyzers: [logAnalyzer] }), []);
  });

  it('treats an unreadable log as no evidence, not as an analyzer failure', async () => {
    const logs = async () => {
      throw new Error('previous terminated container "db" in pod "gone-0" not found');
    };
    const snap = snapshotFromObjects([crashing('gone-0', 'mysql:8.4')], NOW, { logs });
    assert.deepEqual(await runAnalyzers([logAnalyzer], snap), { findings: [], errors: [] });
  });
});
