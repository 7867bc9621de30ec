// Okapi BM25 with the usual constants (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009).

const K1 = 1.2;
const B = 0.75;

export interface CorpusStats {
  /** Documents indexed. */
  readonly docs: number;
  /** Sum of all document lengths in terms; docs and tokens give the average length. */
  readonly tokens: number;
}

/** The non-negative IDF variant (Lucene's), so a term present in most documents never subtracts. */
export function idf(stats: CorpusStats, docsWithTerm: number): number {
  return Math.log(1 + (stats.docs - docsWithTerm + 0.5) / (docsWithTerm + 0.5));
}

/** One term's contribution for a document in which it occurs `tf` times, the document being `docLength` terms long. */
export function termScore(termIdf: number, tf: number, docLength: number, stats: CorpusStats): number {
  const avgLength = stats.docs > 0 ? stats.tokens / stats.docs : 1;
  return (termIdf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * docLength) / avgLength));
}
