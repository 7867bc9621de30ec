import type { BatchOp, Bitcask } from '../bitcask/index.js';
import {
  docPath,
  INDEX_STATS_KEY,
  INDEXED_DOC_PREFIX,
  indexedDocKey,
  parseDocPath,
  postingKey,
  postingPrefix,
} from '../spaces/keys.js';
import type { RecordRef } from '../spaces/record.js';
import { type CorpusStats, idf, termScore } from './bm25.js';
import { tokenize } from './tokenizer.js';

// The inverted index lives in the same store as the records and is written in the same atomic batch, so it is never behind
// the records, survives a restart as is, and a query touches only the postings of its own terms.

export interface ScoredRef {
  readonly ref: RecordRef;
  readonly score: number;
}

/** Called for an index entry that cannot be read; the entry is skipped so one bad record never takes search down. */
export type CorruptHandler = (key: string, error: unknown) => void;

interface IndexedDoc {
  readonly length: number;
  readonly terms: readonly string[];
}

function termFrequencies(text: string): Map<string, number> {
  const tf = new Map<string, number>();
  for (const term of tokenize(text)) tf.set(term, (tf.get(term) ?? 0) + 1);
  return tf;
}

function indexedDoc(tf: ReadonlyMap<string, number>): IndexedDoc {
  let length = 0;
  for (const count of tf.values()) length += count;
  return { length, terms: [...tf.keys()] };
}

function parseDoc(value: Buffer): IndexedDoc {
  const doc = JSON.parse(value.toString('utf8')) as IndexedDoc;
  if (!Number.isInteger(doc.length) || !Array.isArray(doc.terms)) throw new Error('malformed index entry');
  return doc;
}

export class InvertedIndex {
  private committed: CorpusStats;

  constructor(
    private readonly store: Bitcask,
    private readonly onCorrupt: CorruptHandler = () => {},
  ) {
    this.committed = this.readStats();
  }

  /**
   * The stored totals, checked against the number of document entries (a key count, no reads). They disagree only after
   * damage (the engine drops a damaged batch whole, but a later batch's totals still count its document), and then they are
   * recounted from the entries: slow, but only after damage.
   */
  private readStats(): CorpusStats {
    const entries = this.store.keys(INDEXED_DOC_PREFIX);
    try {
      const value = this.store.get(INDEX_STATS_KEY);
      const stats = value ? (JSON.parse(value.toString('utf8')) as CorpusStats) : { docs: 0, tokens: 0 };
      if (!Number.isInteger(stats.docs) || !Number.isInteger(stats.tokens)) throw new Error('malformed corpus totals');
      if (stats.docs === entries.length) return stats;
    } catch (error) {
      this.onCorrupt(INDEX_STATS_KEY, error);
    }
    let docs = 0;
    let tokens = 0;
    for (const key of entries) {
      try {
        const value = this.store.get(key);
        if (!value) continue;
        tokens += parseDoc(value).length;
        docs++;
      } catch (error) {
        this.onCorrupt(key, error);
      }
    }
    return { docs, tokens };
  }

  stats(): CorpusStats {
    return this.committed;
  }

  /** Starts collecting index changes for one batch; `commit` it once the batch is durable. */
  begin(): IndexChanges {
    return new IndexChanges(this.store, this.committed);
  }

  commit(changes: IndexChanges): void {
    this.committed = changes.stats;
  }

  /** BM25 over the query's terms; `accept` filters documents by their address before any value is read. */
  query(text: string, accept: (ref: RecordRef) => boolean): ScoredRef[] {
    const queryTf = termFrequencies(text);
    const scores = new Map<string, ScoredRef>();
    const stats = this.committed;
    for (const [term, qtf] of queryTf) {
      const prefix = postingPrefix(term);
      const keys = this.store.keys(prefix);
      if (keys.length === 0) continue;
      const weight = idf(stats, keys.length) * qtf;
      for (const key of keys) {
        const ref = parseDocPath(key.slice(prefix.length));
        if (!ref || !accept(ref)) continue;
        const posting = this.readPosting(key);
        if (!posting) continue;
        const path = docPath(ref);
        const previous = scores.get(path)?.score ?? 0;
        scores.set(path, { ref, score: previous + termScore(weight, posting.tf, posting.length, stats) });
      }
    }
    // Ties go to the newer record: ids sort by time.
    return [...scores.values()].sort((a, b) => b.score - a.score || (a.ref.id < b.ref.id ? 1 : -1));
  }

  private readPosting(key: string): { tf: number; length: number } | undefined {
    try {
      const value = this.store.get(key);
      if (!value) return undefined;
      const [tf, length] = value.toString('utf8').split(' ').map(Number);
      if (!tf || !length) throw new Error(`malformed posting "${value.toString('utf8')}"`);
      return { tf, length };
    } catch (error) {
      this.onCorrupt(key, error);
      return undefined;
    }
  }
}

/** The index side of one atomic batch: postings and document entries to write or delete, and the corpus totals after it. */
export class IndexChanges {
  private readonly ops: BatchOp[] = [];

  constructor(
    private readonly store: Bitcask,
    private totals: CorpusStats,
  ) {}

  get stats(): CorpusStats {
    return this.totals;
  }

  add(ref: RecordRef, text: string): void {
    const tf = termFrequencies(text);
    if (tf.size === 0) return;
    const doc = indexedDoc(tf);
    for (const [term, count] of tf) {
      this.ops.push({ type: 'put', key: postingKey(term, ref), value: `${count} ${doc.length}` });
    }
    this.ops.push({ type: 'put', key: indexedDocKey(ref), value: JSON.stringify(doc) });
    this.totals = { docs: this.totals.docs + 1, tokens: this.totals.tokens + doc.length };
  }

  /**
   * Removes exactly the postings the document was indexed with, read back from its entry rather than re-tokenized (the
   * tokenizer may have changed since). Only when that entry is damaged does it fall back to tokenizing `text` again.
   */
  remove(ref: RecordRef, text: string): void {
    const key = indexedDocKey(ref);
    let doc: IndexedDoc;
    try {
      const value = this.store.get(key);
      if (!value) return;
      doc = parseDoc(value);
    } catch {
      doc = indexedDoc(termFrequencies(text));
    }
    for (const term of doc.terms) this.ops.push({ type: 'delete', key: postingKey(term, ref) });
    this.ops.push({ type: 'delete', key });
    this.totals = { docs: Math.max(0, this.totals.docs - 1), tokens: Math.max(0, this.totals.tokens - doc.length) };
  }

  /** The ops to append to the batch, the corpus totals last. */
  finish(): BatchOp[] {
    return [...this.ops, { type: 'put', key: INDEX_STATS_KEY, value: JSON.stringify(this.totals) }];
  }
}
