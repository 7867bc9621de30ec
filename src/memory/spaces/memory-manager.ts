import type { BatchOp, Bitcask } from '../bitcask/index.js';
import { type CorruptHandler, type IndexChanges, InvertedIndex } from '../search/inverted-index.js';
import {
  idFloor,
  indexedDocKey,
  isValidSpaceName,
  kindPrefix,
  lowerBound,
  parseDocPath,
  RECORD_PREFIX,
  REGISTRY_PREFIX,
  recordKey,
  registryKey,
  spacePrefix,
  spaceSubjectsPrefix,
  subjectKey,
  subjectPrefix,
} from './keys.js';
import { MemoryError } from './memory-error.js';
import type {
  AppendInput,
  CompactResult,
  KeywordHits,
  KeywordQuery,
  ListQuery,
  MemoryOptions,
  MemoryStats,
  MemoryVerifyReport,
  MergeInput,
  SearchHit,
  SearchQuery,
  SpaceSummary,
} from './memory-types.js';
import {
  decodeRecord,
  encodeRecord,
  type MemoryRecord,
  RECORD_KINDS,
  type RecordKind,
  type RecordRef,
} from './record.js';
import { RecordFactory } from './record-factory.js';
import { SerialQueue } from './serial-queue.js';
import { decodeSpaceConfig, type SpaceConfig } from './space-config.js';
import { verifyMemory } from './verify-memory.js';

const SWEEP_CHUNK = 256;
const DEFAULT_LIMIT = 10;

function searchableText(record: Pick<MemoryRecord, 'text' | 'tags'>): string {
  return [record.text, ...record.tags].join('\n');
}

/**
 * The seed's CacheManager: per-agent memory spaces in one Bitcask. A record, its subject entry, its postings and the corpus
 * totals always change in one atomic batch, and writes are serialized so each batch is built against committed state.
 */
export class MemoryManager {
  private readonly registry = new Map<string, SpaceConfig>();
  private readonly queue = new SerialQueue();
  private readonly index: InvertedIndex;
  private readonly clock: () => number;
  private readonly onCorrupt: CorruptHandler;
  private readonly records: RecordFactory;
  private lastSweep = 0;

  private constructor(
    private readonly store: Bitcask,
    private readonly options: MemoryOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.onCorrupt = options.onCorrupt ?? (() => {});
    this.index = new InvertedIndex(store, this.onCorrupt);
    this.records = new RecordFactory((key) => store.has(key));
    for (const key of store.keys(REGISTRY_PREFIX)) {
      try {
        const value = store.get(key);
        if (value) this.registry.set(key.slice(REGISTRY_PREFIX.length), decodeSpaceConfig(key, value));
      } catch (error) {
        this.onCorrupt(key, error);
      }
    }
  }

  /**
   * Takes ownership of `store` (closed by `close`). Opening reads only the space registry and the corpus totals: the index
   * is already in the store, and expired records are deleted by the first append (or `sweepExpired`, `compact`).
   */
  static open(store: Bitcask, options: MemoryOptions = {}): MemoryManager {
    return new MemoryManager(store, options);
  }

  // ---- spaces ----

  /** Creates the space, or updates its TTL / description (given fields only). */
  async registerSpace(name: string, config: { ttlMs?: number; description?: string } = {}): Promise<SpaceConfig> {
    this.assertWritable();
    if (!isValidSpaceName(name)) {
      throw new MemoryError(
        'INVALID_NAME',
        `invalid space name "${name}": letters, digits, '.', '_' and '-', up to 64`,
      );
    }
    if (config.ttlMs !== undefined && !(Number.isInteger(config.ttlMs) && config.ttlMs > 0)) {
      throw new MemoryError('INVALID_RECORD', `ttlMs must be a positive integer, got ${config.ttlMs}`);
    }
    return this.queue.run(async () => {
      const existing = this.registry.get(name);
      const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
      const next: SpaceConfig = { ...existing, name, createdAt: existing?.createdAt ?? this.clock(), ...given };
      await this.store.put(registryKey(name), JSON.stringify(next));
      this.registry.set(name, next);
      return next;
    });
  }

  hasSpace(name: string): boolean {
    return this.registry.has(name);
  }

  space(name: string): SpaceConfig | undefined {
    return this.registry.get(name);
  }

  spaces(): SpaceConfig[] {
    return [...this.registry.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Deletes every record of the space, then the space itself (last, so a crash midway leaves it registered). */
  async dropSpace(name: string): Promise<number> {
    this.assertWritable();
    this.requireSpace(name);
    return this.queue.run(async () => {
      const keys = this.store.keys(spacePrefix(name));
      for (let i = 0; i < keys.length; i += SWEEP_CHUNK) await this.removeKeys(keys.slice(i, i + SWEEP_CHUNK));
      const leftovers = this.store.keys(spaceSubjectsPrefix(name)).map((key): BatchOp => ({ type: 'delete', key }));
      await this.store.batch([...leftovers, { type: 'delete', key: registryKey(name) }]);
      this.registry.delete(name);
      return keys.length;
    });
  }

  // ---- records ----

  async append(space: string, input: AppendInput): Promise<MemoryRecord> {
    this.assertWritable();
    this.requireSpace(space);
    const time = input.time ?? this.clock();
    return this.queue.run(async () => {
      if (this.clock() - this.lastSweep >= (this.options.sweepEveryMs ?? 60_000)) await this.sweepLocked();
      const record = this.records.create(space, input, time);
      const changes = this.index.begin();
      await this.commit([...this.addOps(record, changes)], changes);
      return record;
    });
  }

  /** The record, or undefined when absent or expired. A damaged record throws (MemoryError or BitcaskError, code CORRUPT). */
  get(ref: RecordRef): MemoryRecord | undefined {
    const key = recordKey(ref);
    const value = this.store.get(key);
    if (!value) return undefined;
    const record = decodeRecord(key, value);
    return this.isExpired(record) ? undefined : record;
  }

  /** Any stored value by its raw key (for inspection tools). */
  getRaw(key: string): Buffer | undefined {
    return this.store.get(key);
  }

  /** Deletes the record and its index entries; also cleans the index of a record the engine lost to damage. */
  async delete(ref: RecordRef): Promise<boolean> {
    this.assertWritable();
    return this.queue.run(async () => {
      const key = recordKey(ref);
      if (!this.store.has(key) && !this.store.has(indexedDocKey(ref))) return false;
      await this.removeKeys([key]);
      return true;
    });
  }

  /** Folds several records of one space into one summary record; the sources are deleted in the same atomic batch. */
  async merge(input: MergeInput): Promise<MemoryRecord> {
    this.assertWritable();
    this.requireSpace(input.space);
    if (input.sources.length === 0) throw new MemoryError('INVALID_RECORD', 'merge needs at least one source record');
    return this.queue.run(async () => {
      const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];
      const sources = distinct(input.sources.map((s) => `${s.kind}/${s.id}`)).map((path) => {
        const [kind, id] = path.split('/') as [RecordKind, string];
        const record = this.get({ space: input.space, kind, id });
        if (!record) throw new MemoryError('NOT_FOUND', `no record ${input.space}/${path} to merge`);
        return record;
      });
      sources.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
      const kinds = distinct(sources.map((r) => r.kind));
      const subjects = distinct(sources.map((r) => r.subject));
      const summary = input.summary ?? {};
      const kind = summary.kind ?? (kinds.length === 1 ? kinds[0] : undefined);
      if (!kind) throw new MemoryError('INVALID_RECORD', `merging kinds ${kinds.join(', ')}: give the summary's kind`);
      const merged: AppendInput = {
        kind,
        text: summary.text ?? sources.map((r) => r.text).join('\n'),
        tags: summary.tags ?? distinct(sources.flatMap((r) => r.tags)),
        data: summary.data,
        subject: summary.subject ?? (subjects.length === 1 ? subjects[0] : undefined),
      };
      const time = summary.time ?? (sources.at(-1) as MemoryRecord).time;
      const record: MemoryRecord = {
        ...this.records.create(input.space, merged, time),
        mergedFrom: sources.map((r) => r.id),
      };
      const changes = this.index.begin();
      const ops = sources.flatMap((source) => this.removeOps(recordKey(source), source, changes));
      await this.commit([...ops, ...this.addOps(record, changes)], changes);
      return record;
    });
  }

  /** Records of a space in time order (key order: ids start with the time), expired ones left out. */
  list(query: ListQuery): MemoryRecord[] {
    this.requireSpace(query.space);
    const keys: string[] = [];
    for (const kind of query.kinds ?? RECORD_KINDS) {
      const prefix = kindPrefix(query.space, kind);
      const all = this.store.keys(prefix);
      const from = query.since === undefined ? 0 : lowerBound(all, prefix + idFloor(query.since));
      const to = query.until === undefined ? all.length : lowerBound(all, prefix + idFloor(query.until));
      keys.push(...all.slice(from, to));
    }
    const byId = (key: string): string => key.slice(key.lastIndexOf('/') + 1);
    keys.sort((a, b) => (byId(a) < byId(b) ? -1 : byId(a) > byId(b) ? 1 : 0));
    if (query.order === 'desc') keys.reverse();
    return this.readRecords(keys, query.limit ?? Number.POSITIVE_INFINITY);
  }

  /** Every record of the space about `subject`, oldest first. */
  listBySubject(space: string, subject: string, kinds?: readonly RecordKind[]): MemoryRecord[] {
    this.requireSpace(space);
    const prefix = subjectPrefix(space, subject);
    const keys = this.store
      .keys(prefix)
      .map((key) => parseDocPath(`${space}/${key.slice(prefix.length)}`))
      .filter((ref): ref is RecordRef => ref !== undefined && (!kinds || kinds.includes(ref.kind)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(recordKey);
    return this.readRecords(keys, Number.POSITIVE_INFINITY);
  }

  // ---- search ----

  /** BM25-ranked records matching `query`, best first; ties go to the newer record. */
  search(query: SearchQuery): SearchHit[] {
    const spaces = new Set(query.spaces ?? this.registry.keys());
    for (const space of spaces) this.requireSpace(space);
    const kinds = query.kinds ? new Set<string>(query.kinds) : undefined;
    const ranked = this.index.query(query.query, (ref) => spaces.has(ref.space) && (!kinds || kinds.has(ref.kind)));
    const limit = query.limit ?? DEFAULT_LIMIT;
    const hits: SearchHit[] = [];
    for (const { ref, score } of ranked) {
      if (hits.length >= limit) break;
      const [record] = this.readRecords([recordKey(ref)], 1);
      if (record && (!query.where || query.where(record))) hits.push({ record, score });
    }
    return hits;
  }

  /** The seed's three-list memory search: task keywords over task records, output over outputs, jobs over jobs. */
  searchByKeywords(keywords: KeywordQuery, options: { spaces?: readonly string[]; limit?: number } = {}): KeywordHits {
    const run = (words: readonly string[] | undefined, kind: RecordKind): SearchHit[] =>
      words && words.length > 0 ? this.search({ ...options, query: words.join(' '), kinds: [kind] }) : [];
    return {
      task: run(keywords.task, 'task'),
      output: run(keywords.output, 'output'),
      jobs: run(keywords.jobs, 'job'),
    };
  }

  // ---- maintenance ----

  /** Deletes the records of TTL spaces that have expired; returns how many. */
  async sweepExpired(): Promise<number> {
    this.assertWritable();
    return this.queue.run(() => this.sweepLocked());
  }

  stats(): MemoryStats {
    const now = this.clock();
    const spaces = this.spaces().map((config): SpaceSummary => {
      const records = {} as Record<RecordKind, number>;
      for (const kind of RECORD_KINDS) {
        const prefix = kindPrefix(config.name, kind);
        const keys = this.store.keys(prefix);
        const expired = config.ttlMs === undefined ? 0 : lowerBound(keys, prefix + idFloor(now - config.ttlMs + 1));
        records[kind] = keys.length - expired;
      }
      return { config, records };
    });
    return { store: this.store.stats(), index: this.index.stats(), spaces };
  }

  /** Checks every stored record; damage is listed with its file, offset and key where known. */
  verify(): MemoryVerifyReport {
    return verifyMemory(this.store);
  }

  /** Sweeps expired records, then merges the engine's files so their space is reclaimed. */
  async compact(): Promise<CompactResult> {
    const expired = await this.sweepExpired();
    const merged = await this.queue.run(() => this.store.merge());
    return { expired, ...merged };
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {});
    await this.store.close();
  }

  // ---- internals ----

  private assertWritable(): void {
    if (this.options.readOnly) throw new MemoryError('READ_ONLY', 'memory was opened read-only');
  }

  private requireSpace(name: string): SpaceConfig {
    const config = this.registry.get(name);
    if (!config) throw new MemoryError('UNKNOWN_SPACE', `no memory space "${name}" (register it first)`);
    return config;
  }

  private addOps(record: MemoryRecord, changes: IndexChanges): BatchOp[] {
    const ops: BatchOp[] = [{ type: 'put', key: recordKey(record), value: encodeRecord(record) }];
    if (record.subject !== undefined) ops.push({ type: 'put', key: subjectKey(record, record.subject), value: '' });
    changes.add(record, searchableText(record));
    return ops;
  }

  /**
   * Ops deleting a record and its subject entry; its postings go into `changes`. A damaged or lost record still gets
   * deleted: its subject is then unknown, so the space's subject entries are searched for its address (rare, so a scan).
   */
  private removeOps(key: string, record: MemoryRecord | undefined, changes: IndexChanges): BatchOp[] {
    const ops: BatchOp[] = [{ type: 'delete', key }];
    const ref = record ?? parseDocPath(key.slice(RECORD_PREFIX.length));
    if (!ref) return ops;
    if (record?.subject !== undefined) {
      ops.push({ type: 'delete', key: subjectKey(record, record.subject) });
    } else if (!record) {
      const suffix = `/${ref.kind}/${ref.id}`;
      for (const entry of this.store.keys(spaceSubjectsPrefix(ref.space))) {
        if (entry.endsWith(suffix)) ops.push({ type: 'delete', key: entry });
      }
    }
    changes.remove(ref, record ? searchableText(record) : '');
    return ops;
  }

  private async removeKeys(keys: readonly string[]): Promise<void> {
    const changes = this.index.begin();
    const ops = keys.flatMap((key) => {
      const value = this.tryRead(key);
      let record: MemoryRecord | undefined;
      try {
        record = value && decodeRecord(key, value);
      } catch (error) {
        this.onCorrupt(key, error);
      }
      return this.removeOps(key, record, changes);
    });
    await this.commit(ops, changes);
  }

  private async commit(ops: readonly BatchOp[], changes: IndexChanges): Promise<void> {
    await this.store.batch([...ops, ...changes.finish()]);
    this.index.commit(changes);
  }

  private async sweepLocked(): Promise<number> {
    const now = this.clock();
    this.lastSweep = now;
    const expired: string[] = [];
    for (const config of this.registry.values()) {
      if (config.ttlMs === undefined) continue;
      for (const kind of RECORD_KINDS) {
        const prefix = kindPrefix(config.name, kind);
        const keys = this.store.keys(prefix);
        expired.push(...keys.slice(0, lowerBound(keys, prefix + idFloor(now - config.ttlMs + 1))));
      }
    }
    for (let i = 0; i < expired.length; i += SWEEP_CHUNK) await this.removeKeys(expired.slice(i, i + SWEEP_CHUNK));
    return expired.length;
  }

  private isExpired(record: MemoryRecord): boolean {
    const ttl = this.registry.get(record.space)?.ttlMs;
    return ttl !== undefined && record.time + ttl <= this.clock();
  }

  private tryRead(key: string): Buffer | undefined {
    try {
      return this.store.get(key);
    } catch (error) {
      this.onCorrupt(key, error);
      return undefined;
    }
  }

  /**
   * Up to `limit` unexpired records of `keys` in the given order. Damaged ones are reported and skipped, and so are keys an
   * index (postings, subject entries) names but the store no longer holds. Since a record and its index entries share one
   * batch, which the engine keeps or drops whole, only a foreign writer or a bug leaves such keys; `delete` cleans them.
   */
  private readRecords(keys: readonly string[], limit: number): MemoryRecord[] {
    const out: MemoryRecord[] = [];
    for (const key of keys) {
      if (out.length >= limit) break;
      const value = this.tryRead(key);
      if (!value) {
        if (!this.store.has(key)) {
          this.onCorrupt(
            key,
            new MemoryError('CORRUPT', `record ${key} is indexed but not stored (lost to damage)`, key),
          );
        }
        continue;
      }
      try {
        const record = decodeRecord(key, value);
        if (!this.isExpired(record)) out.push(record);
      } catch (error) {
        this.onCorrupt(key, error);
      }
    }
    return out;
  }
}
