import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Bitcask,
  MemoryError,
  MemoryManager,
  openBitcask,
  type RecordKind,
  type SearchQuery,
} from '../../../src/memory/index.js';
import { CORPUS, type CorpusName, ManualClock, makeTempDir, openTestMemory, removeDir } from '../spaces/temp-memory.js';

/** Where each kind of corpus record lives: the detector's incidents, the fixer's fixes, the expert's task history. */
function spaceOf(kind: RecordKind): string {
  return kind === 'incident' ? 'detector' : kind === 'fix' ? 'fixer' : 'expert';
}

/** Counts what a store is asked for, to prove a search reads postings and hits, not the whole corpus. */
function counting(store: Bitcask) {
  const gets: string[] = [];
  const prefixes: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'get') {
        return (key: string) => {
          gets.push(key);
          return target.get(key);
        };
      }
      if (prop === 'keys' || prop === 'scan') {
        return (prefix?: string) => {
          prefixes.push(`${prop}:${prefix ?? ''}`);
          return prop === 'keys' ? target.keys(prefix) : target.scan(prefix);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, gets, prefixes };
}

describe('memory search', () => {
  const dir = makeTempDir();
  const clock = new ManualClock();
  let memory: MemoryManager;
  const names = new Map<string, CorpusName>();

  before(async () => {
    memory = await openTestMemory(dir, clock);
    for (const space of ['detector', 'fixer', 'expert']) await memory.registerSpace(space);
    for (const [name, kind, text] of CORPUS) {
      clock.advance(1000);
      const record = await memory.append(spaceOf(kind), { kind, text });
      names.set(`${record.space}/${record.kind}/${record.id}`, name);
    }
  });

  after(async () => {
    await memory.close();
    removeDir(dir);
  });

  function ranked(query: string | SearchQuery): CorpusName[] {
    const q = typeof query === 'string' ? { query } : query;
    return memory.search(q).map((h) => names.get(`${h.record.space}/${h.record.kind}/${h.record.id}`) as CorpusName);
  }

  describe('ranks the relevant records first', () => {
    it('"memory limit oom": the OOM incident, its fix, then the Chinese OOM report', () => {
      assert.deepEqual(ranked('memory limit oom').slice(0, 3), ['oom-incident', 'oom-fix', 'oom-zh']);
    });

    it('"OOMKilled" matches both languages\' OOM incidents and nothing about images', () => {
      assert.deepEqual(ranked('OOMKilled'), ['oom-incident', 'oom-zh']);
    });

    it('"镜像拉取": the two Chinese image-pull records, the incident first', () => {
      assert.deepEqual(ranked('镜像拉取'), ['pull-zh-incident', 'pull-zh-fix']);
      assert.deepEqual(ranked('镜像拉取失败')[0], 'pull-zh-incident');
    });

    it('"内存溢出" and "内存限制": the Chinese OOM record first', () => {
      assert.equal(ranked('内存溢出')[0], 'oom-zh');
      assert.equal(ranked('内存限制')[0], 'oom-zh');
    });

    it('"ImagePullBackOff": the three image-pull records before any crash loop', () => {
      const ranks = ranked('ImagePullBackOff');
      assert.deepEqual(ranks.slice(0, 3), ['pull-incident', 'pull-zh-incident', 'pull-fix']);
      assert.ok(ranks.indexOf('crash-incident') > 2);
    });

    it('"CrashLoopBackOff DATABASE_URL": the crash-loop incident, its Chinese report, then its fix', () => {
      assert.deepEqual(ranked('CrashLoopBackOff DATABASE_URL').slice(0, 3), [
        'crash-incident',
        'crash-zh',
        'crash-fix',
      ]);
    });

    it('"missing env var" and "崩溃循环 环境变量": the missing-env-var crash loop', () => {
      assert.deepEqual(ranked('missing env var'), ['crash-incident', 'crash-fix']);
      assert.equal(ranked('崩溃循环 环境变量')[0], 'crash-zh');
      assert.equal(ranked('数据库 DATABASE_URL 缺少')[0], 'crash-zh');
    });

    it('mixed-language queries', () => {
      assert.deepEqual(ranked('pod 内存溢出 OOMKilled').slice(0, 2), ['oom-zh', 'oom-incident']);
      assert.deepEqual(ranked('nginx 镜像 不存在').slice(0, 2), ['pull-zh-incident', 'pull-zh-fix']);
    });

    it('"readiness probe 404" and "exit code 137"', () => {
      assert.equal(ranked('readiness probe 404')[0], 'probe-incident');
      assert.equal(ranked('exit code 137')[0], 'oom-incident');
    });

    it('returns nothing for words no record contains', () => {
      assert.deepEqual(ranked('terraform 区块链'), []);
    });
  });

  describe('filters and limits', () => {
    it('restricts to the given spaces and kinds', () => {
      assert.deepEqual(ranked({ query: 'memory limit oom', spaces: ['fixer'] }), ['oom-fix']);
      assert.deepEqual(
        ranked({ query: 'image pull nginx', kinds: ['fix'] })
          .slice(0, 2)
          .sort(),
        ['pull-fix', 'pull-zh-fix'],
      );
      assert.ok(ranked({ query: 'image pull nginx', kinds: ['incident'] }).every((n) => n.endsWith('incident')));
      assert.deepEqual(ranked({ query: 'mysql', spaces: ['expert'], kinds: ['job'] }), ['job-migrate']);
    });

    it('honours the limit and fails on an unknown space', () => {
      assert.equal(memory.search({ query: 'pod', limit: 2 }).length, 2);
      assert.throws(
        () => memory.search({ query: 'pod', spaces: ['nobody'] }),
        (e: unknown) => e instanceof MemoryError && e.code === 'UNKNOWN_SPACE',
      );
    });

    it("answers the seed's three keyword lists from the task, output and job histories", () => {
      const hits = memory.searchByKeywords({
        task: ['mysql', 'storage'],
        output: ['scale', 'replicas'],
        jobs: ['backup'],
      });
      const label = (list: readonly { record: { space: string; kind: string; id: string } }[]) =>
        list.map((h) => names.get(`${h.record.space}/${h.record.kind}/${h.record.id}`));
      assert.deepEqual(label(hits.task), ['task-mysql']);
      assert.deepEqual(label(hits.output), ['output-scale']);
      assert.deepEqual(label(hits.jobs), ['job-backup']);
      assert.deepEqual(memory.searchByKeywords({ jobs: ['mysql'] }).task, []);
      assert.deepEqual(label(memory.searchByKeywords({ jobs: ['mysql'] }).jobs), ['job-migrate']);
    });
  });

  it('serves the same ranking after a restart from the stored index, reading only postings of the query terms and the hits', async () => {
    const query = 'memory limit oom';
    const expected = memory.search({ query }).map((h) => [h.record.id, h.score]);
    await memory.close();

    const probe = counting(await openBitcask({ dir, sync: 'none' }));
    memory = MemoryManager.open(probe.store, { clock: clock.read });
    const opened = { gets: probe.gets.length, prefixes: [...probe.prefixes] };
    assert.deepEqual(
      opened.prefixes.sort(),
      ['keys:ix/d/', 'keys:reg/'],
      'opening lists the registry and counts the indexed documents',
    );
    assert.ok(
      probe.gets.every((key) => key.startsWith('reg/') || key === 'ix/stats'),
      'and reads only the registry and the corpus totals',
    );

    const hits = memory.search({ query });
    assert.deepEqual(
      hits.map((h) => [h.record.id, h.score]),
      expected,
    );
    const searchGets = probe.gets.slice(opened.gets);
    const searchPrefixes = probe.prefixes.slice(opened.prefixes.length);
    assert.deepEqual(searchPrefixes, ['keys:ix/p/memory/', 'keys:ix/p/limit/', 'keys:ix/p/oom/']);
    const postings = searchGets.filter((k) => k.startsWith('ix/p/'));
    const records = searchGets.filter((k) => k.startsWith('sp/'));
    const stored = ['memory', 'limit', 'oom'].reduce((n, term) => n + probe.store.keys(`ix/p/${term}/`).length, 0);
    assert.equal(postings.length, stored, 'each posting of the query terms is read once');
    assert.equal(records.length, hits.length, 'only the hits are read');
    assert.equal(
      searchGets.length,
      postings.length + records.length,
      'no document entry is read: nothing is re-indexed',
    );
  });
});
