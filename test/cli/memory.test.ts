import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CliError, type CommandIo } from '../../src/cli/command.js';
import { memoryCommand } from '../../src/cli/commands/memory.js';
import { ExperienceStore, type MemoryRecord, memoryDir } from '../../src/memory/index.js';
import {
  CORPUS,
  corruptValue,
  ManualClock,
  makeTempDir,
  openTestMemory,
  removeDir,
} from '../memory/spaces/temp-memory.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Where {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

function io(where: Where): CommandIo & { stdout: Capture; stderr: Capture } {
  return {
    stdout: new Capture(),
    stderr: new Capture(),
    stdin: Readable.from([]),
    env: where.env ?? {},
    cwd: where.cwd ?? '/',
  };
}

/** Runs the command to its exit code, with what it printed. */
async function cli(argv: readonly string[], where: Where = {}): Promise<Run> {
  const streams = io(where);
  const code = await memoryCommand.run(argv, streams);
  return { code, stdout: streams.stdout.text, stderr: streams.stderr.text };
}

/** Runs the command expecting a user error (which the CLI's main prints as `error:` and `hint:` lines). */
async function cliError(argv: readonly string[], where: Where = {}): Promise<CliError> {
  const streams = io(where);
  const error = await memoryCommand.run(argv, streams).then(
    (code) => assert.fail(`exited ${code} instead of failing: ${streams.stdout.text}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CliError, `not a CliError: ${error}`);
  assert.equal(streams.stdout.text, '');
  return error;
}

function kindSpace(kind: string): string {
  return kind === 'incident' ? 'detector' : kind === 'fix' ? 'fixer' : 'expert';
}

describe('kubemend memory', () => {
  const root = makeTempDir();
  const state = join(root, 'state');
  // The command reads the real clock (TTL), so the records are about now.
  const clock = new ManualClock(Date.now() - 60_000);
  const records = new Map<string, MemoryRecord>();
  const flag = ['--state-dir', state];

  before(async () => {
    mkdirSync(state);
    const memory = await openTestMemory(memoryDir(state), clock);
    await memory.registerSpace('detector', { description: 'incidents seen' });
    await memory.registerSpace('fixer');
    await memory.registerSpace('expert', { ttlMs: 7 * 86_400_000 });
    for (const [name, kind, text] of CORPUS) {
      clock.advance(1000);
      records.set(name, await memory.append(kindSpace(kind), { kind, text, tags: [name] }));
    }
    await new ExperienceStore(memory).record({
      fingerprint: 'oom-killed:default/memory-hog',
      failureClass: 'oom-killed',
      fixId: 'fix-1',
      action: 'raise the memory limit to 256Mi',
      change: { limits: { memory: '256Mi' } },
      outcome: 'succeeded',
      evidence: 'OOMKilled, exit code 137',
      actor: 'fixer',
    });
    await memory.close();
  });

  after(() => removeDir(root));

  function record(name: string): MemoryRecord {
    return records.get(name) as MemoryRecord;
  }

  describe('stats', () => {
    it('prints the store totals and one aligned row per space', async () => {
      const run = await cli(['stats', ...flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^memory store +${memoryDir(state)}$`, 'm'));
      assert.match(run.stdout, /^indexed +16 records/m);
      const lines = run.stdout.split('\n');
      const header = lines.find((l) => l.startsWith('SPACE')) as string;
      assert.match(header, /^SPACE +TTL +TASK +OUTPUT +JOB +INCIDENT +FIX +AUDIT +DESCRIPTION$/);
      const detector = lines.find((l) => l.startsWith('detector')) as string;
      assert.match(detector, /^detector +- +0 +0 +0 +7 +0 +0 +incidents seen$/);
      assert.match(lines.find((l) => l.startsWith('expert')) as string, /^expert +7d +1 +1 +2 /);
      assert.equal(detector.indexOf('incidents seen'), header.indexOf('DESCRIPTION'), 'columns line up');
    });

    it('prints JSON with -o json', async () => {
      const run = await cli(['stats', ...flag, '-o', 'json']);
      assert.equal(run.code, 0, run.stderr);
      const stats = JSON.parse(run.stdout);
      assert.equal(stats.dir, memoryDir(state));
      assert.deepEqual(
        stats.spaces.map((s: { config: { name: string } }) => s.config.name),
        ['detector', 'experience', 'expert', 'fixer'],
      );
      assert.equal(stats.index.docs, 16);
      assert.equal(stats.spaces[0].records.incident, 7);
    });

    it('finds the state dir through --state-dir, else KUBEMEND_STATE_DIR, else ./.kubemend in the working directory', async () => {
      const viaEnv = await cli(['stats', '-o', 'json'], { env: { KUBEMEND_STATE_DIR: state } });
      assert.equal(JSON.parse(viaEnv.stdout).dir, memoryDir(state));
      const relative = await cli(['stats', '-o', 'json', '--state-dir', 'state'], {
        env: { KUBEMEND_STATE_DIR: '/nonexistent' },
        cwd: root,
      });
      assert.equal(JSON.parse(relative.stdout).dir, memoryDir(state), 'the flag wins, relative to the cwd');
      const fresh = makeTempDir();
      try {
        const error = await cliError(['stats'], { cwd: fresh });
        assert.equal(error.exitCode, 1);
        assert.equal(
          error.message,
          `no memory store at ${resolve(fresh, '.kubemend', 'memory')} — kubemend run creates it`,
        );
        assert.match(error.hint ?? '', /--state-dir/);
      } finally {
        removeDir(fresh);
      }
    });
  });

  describe('get', () => {
    it('shows a record by SPACE/KIND/ID or by its full key', async () => {
      const oom = record('oom-incident');
      const byPath = await cli(['get', `detector/incident/${oom.id}`, ...flag]);
      assert.equal(byPath.code, 0, byPath.stderr);
      assert.match(byPath.stdout, new RegExp(`^record +detector/incident/${oom.id}$`, 'm'));
      assert.match(byPath.stdout, /^tags +oom-incident$/m);
      assert.ok(byPath.stdout.endsWith(`${oom.text}\n`));
      const byKey = await cli(['get', `sp/detector/incident/${oom.id}`, ...flag]);
      assert.equal(byKey.stdout, byPath.stdout);
      const json = await cli(['get', `detector/incident/${oom.id}`, ...flag, '-o', 'json']);
      assert.deepEqual(JSON.parse(json.stdout), oom);
    });

    it('shows any raw key, and fails clearly on a missing one', async () => {
      const raw = await cli(['get', 'reg/detector', ...flag, '-o', 'json']);
      assert.equal(raw.code, 0, raw.stderr);
      assert.equal(JSON.parse(raw.stdout).value.description, 'incidents seen');
      const missing = await cliError(['get', 'detector/incident/0000000000001-0000', ...flag]);
      assert.equal(missing.exitCode, 1);
      assert.match(missing.message, /^no record or key "detector\/incident\/0000000000001-0000"/);
    });
  });

  describe('search', () => {
    it('prints the ranked records in a table', async () => {
      const run = await cli(['search', 'memory', 'limit', 'oom', ...flag]);
      assert.equal(run.code, 0, run.stderr);
      const [header, first, second] = run.stdout.split('\n');
      assert.match(header as string, /^SCORE +RECORD +TIME +TEXT$/);
      const oom = record('oom-incident');
      const day = new Date(oom.time).toISOString().slice(0, 10);
      assert.match(
        first as string,
        new RegExp(`^\\d+\\.\\d\\d +detector/incident/${oom.id} +${day} \\d\\d:\\d\\d:\\d\\dZ +Pod`),
      );
      assert.match(second as string, new RegExp(`fixer/fix/${record('oom-fix').id}`));
      assert.equal((first as string).indexOf('Pod default'), (header as string).indexOf('TEXT'));
    });

    it('searches Chinese, filters by space and kind, limits, and prints JSON', async () => {
      const zh = await cli(['search', '镜像拉取', ...flag, '-o', 'json']);
      const keys = JSON.parse(zh.stdout).map((h: { key: string }) => h.key);
      assert.deepEqual(keys, [
        `detector/incident/${record('pull-zh-incident').id}`,
        `fixer/fix/${record('pull-zh-fix').id}`,
      ]);
      const fixer = await cli(['search', 'memory limit oom', '--space', 'fixer', ...flag, '-o', 'json']);
      assert.deepEqual(
        JSON.parse(fixer.stdout).map((h: { key: string }) => h.key),
        [`fixer/fix/${record('oom-fix').id}`],
      );
      const jobs = await cli(['search', 'mysql', '--kind', 'job', '--limit', '1', ...flag]);
      assert.equal(jobs.stdout.trimEnd().split('\n').length, 2);
      assert.match(jobs.stdout, /schema-migrate/);
      const none = await cli(['search', 'terraform', ...flag]);
      assert.equal(none.stdout, 'no records match "terraform"\n');
    });

    it('rejects an unknown space, kind or limit', async () => {
      const space = await cliError(['search', 'oom', '--space', 'nobody', ...flag]);
      assert.equal(space.exitCode, 1);
      assert.match(space.message, /no memory space "nobody"/);
      assert.match(space.hint ?? '', /kubemend memory stats/);
      assert.equal((await cliError(['search', 'oom', '--kind', 'memo', ...flag])).exitCode, 2);
      assert.equal((await cliError(['search', 'oom', '--limit', '0', ...flag])).exitCode, 2);
      assert.equal((await cliError(['search', ...flag])).exitCode, 2);
    });
  });

  describe('usage errors', () => {
    it('fails with exit code 2 and a hint on a missing or unknown subcommand or output format', async () => {
      for (const argv of [[], ['list'], ['stats', '-o', 'yaml'], ['stats', '--limit', '3']]) {
        const error = await cliError([...argv, ...flag]);
        assert.equal(error.exitCode, 2, argv.join(' '));
        assert.ok(error.message.length > 0);
      }
      assert.match((await cliError(['list', ...flag])).hint ?? '', /stats, get, search, verify, compact/);
    });

    it('leaves unknown flags to parseArgs, whose error the CLI reports as a usage error', async () => {
      await assert.rejects(memoryCommand.run(['stats', '--verbose'], io({})), {
        code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
      });
    });
  });

  describe('on a store of its own', () => {
    let dir: string;
    let stateDir: string;

    async function seed(): Promise<MemoryRecord[]> {
      dir = makeTempDir();
      stateDir = join(dir, 'state');
      const memory = await openTestMemory(memoryDir(stateDir), clock);
      await memory.registerSpace('jobs', { ttlMs: 3_600_000 });
      const written = [];
      for (let i = 0; i < 20; i++) {
        // 5, 15, 25... minutes old: six within the hour the space keeps, fourteen beyond it.
        const time = Date.now() - (i * 10 + 5) * 60_000;
        written.push(
          await memory.append('jobs', { kind: 'job', text: `job run ${i} ${'log line '.repeat(20)}`, time }),
        );
      }
      await memory.close();
      return written;
    }

    it('verify exits 0 on a sound store and 1 listing file, offset and key of a corrupt record', async () => {
      const written = await seed();
      try {
        const sound = await cli(['verify', '--state-dir', stateDir]);
        assert.equal(sound.code, 0, sound.stderr);
        assert.match(sound.stdout, /^ok: \d+ records checked, none corrupt$/m);

        corruptValue(memoryDir(stateDir), 'job run 3 ');
        const bad = await cli(['verify', '--state-dir', stateDir]);
        assert.equal(bad.code, 1);
        const key = `sp/jobs/job/${(written[3] as MemoryRecord).id}`;
        assert.match(bad.stdout, /^1 corrupt of \d+ records checked:\nFILE +OFFSET +KEY +REASON\n/);
        assert.match(bad.stdout, new RegExp(`^\\S+ +\\d+ +${key} +\\S`, 'm'));
        const json = await cli(['verify', '--state-dir', stateDir, '-o', 'json']);
        assert.equal(json.code, 1);
        assert.equal(JSON.parse(json.stdout).corrupt[0].key, key);
        // Damage met while opening drops the record's whole batch: it is simply gone.
        assert.match((await cliError(['get', key, '--state-dir', stateDir])).message, /^no record or key/);
      } finally {
        removeDir(dir);
      }
    });

    it('get reports a record damaged behind a hint file; search skips it with a warning', async () => {
      const written = await seed();
      try {
        // compact writes hint files, so the next open trusts them and meets the damage only when reading the record.
        assert.equal((await cli(['compact', '--state-dir', stateDir])).code, 0);
        corruptValue(memoryDir(stateDir), 'job run 3 ');
        const key = `sp/jobs/job/${(written[3] as MemoryRecord).id}`;
        const get = await cliError(['get', key, '--state-dir', stateDir]);
        assert.match(get.message, /^memory store at .* is damaged: /);
        assert.equal(get.hint, `list the damage with: kubemend memory verify --state-dir ${stateDir}`);
        const search = await cli(['search', 'job run', '--limit', '20', '--state-dir', stateDir]);
        assert.equal(search.code, 0);
        assert.match(search.stderr, new RegExp(`^warning: skipped damaged entry ${key}: `, 'm'));
        assert.equal(search.stdout.trimEnd().split('\n').length, 1 + 5, 'the other five live records');
      } finally {
        removeDir(dir);
      }
    });

    it('compact deletes expired records, merges the files and prints what it reclaimed', async () => {
      await seed();
      try {
        const run = await cli(['compact', '--state-dir', stateDir]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(
          run.stdout,
          /^compacted .*: 14 expired records deleted, data files \d+ -> \d+, [\d.]+ (B|KiB|MiB) reclaimed\n$/,
        );
        const stats = JSON.parse((await cli(['stats', '--state-dir', stateDir, '-o', 'json'])).stdout);
        assert.equal(stats.spaces[0].records.job, 6);
        assert.equal(stats.index.docs, 6);
        assert.equal((await cli(['verify', '--state-dir', stateDir])).code, 0);
      } finally {
        removeDir(dir);
      }
    });

    // The timeout only guards against a child that never gets ready; nothing here is timed.
    it('while another process holds the store: compact names its pid, read-only commands still work', {
      timeout: 60_000,
    }, async () => {
      await seed();
      let child: ChildProcess | undefined;
      try {
        child = await holdStore(memoryDir(stateDir), dir);
        const compact = await cliError(['compact', '--state-dir', stateDir]);
        assert.match(
          compact.message,
          new RegExp(`^memory store at .* is in use by another process: .*pid ${child.pid}\\b`),
        );
        assert.match(compact.hint ?? '', /^stats, get, search and verify work while it runs/);
        assert.equal((await cli(['stats', '--state-dir', stateDir])).code, 0);
        const search = await cli(['search', 'job run 0', '--state-dir', stateDir]);
        assert.equal(search.code, 0);
        assert.match(search.stdout, /job run 0/);
      } finally {
        child?.kill('SIGKILL');
        removeDir(dir);
      }
    });
  });
});

/** Starts a child process that opens the store for writing and keeps it open until killed. */
async function holdStore(storeDir: string, scratch: string): Promise<ChildProcess> {
  const script = join(scratch, 'hold-store.mts');
  const entry = resolve(import.meta.dirname, '../../src/memory/index.ts');
  writeFileSync(
    script,
    `import { openMemory } from ${JSON.stringify(entry)};\n` +
      `await openMemory({ dir: ${JSON.stringify(storeDir)} });\nprocess.stdout.write('ready\\n');\nsetInterval(() => {}, 1000);\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.on('exit', (code) => fail(new Error(`the store holder exited early (${code})`)));
  });
  return child;
}
