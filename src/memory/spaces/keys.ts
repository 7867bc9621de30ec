import { isRecordKind, type RecordKind, type RecordRef } from './record.js';

// The key layout of the one Bitcask that holds all memory. Every family has its own prefix so a prefix scan in key order
// answers each question: records of a kind in time order, a space's registry entry, a subject's records, a term's postings.
//
//   reg/<space>                             space registry entry (SpaceConfig JSON)
//   sp/<space>/<kind>/<id>                  a record (MemoryRecord JSON); ids sort by time, so a time range is a key range
//   by/<space>/<subject>/<kind>/<id>        subject index (empty value); subject URI-encoded so it holds no '/'
//   ix/p/<term>/<space>/<kind>/<id>         a posting: "<tf> <doc length>"
//   ix/d/<space>/<kind>/<id>                the indexed document: its length and terms, so deletes remove exactly its postings
//   ix/stats                                corpus totals for BM25 (documents, tokens)

export const REGISTRY_PREFIX = 'reg/';
export const RECORD_PREFIX = 'sp/';
export const INDEX_STATS_KEY = 'ix/stats';
export const INDEXED_DOC_PREFIX = 'ix/d/';

const TIME_DIGITS = 13;
const SEQ_WIDTH = 4;
const ID_PATTERN = /^\d{13}-[0-9a-z]{4}$/;
/** Space names become key segments and CLI arguments: keep them plain. */
const SPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidSpaceName(name: string): boolean {
  return SPACE_NAME.test(name);
}

export function registryKey(space: string): string {
  return `${REGISTRY_PREFIX}${space}`;
}

export function spacePrefix(space: string): string {
  return `${RECORD_PREFIX}${space}/`;
}

export function kindPrefix(space: string, kind: RecordKind): string {
  return `${RECORD_PREFIX}${space}/${kind}/`;
}

/** `<space>/<kind>/<id>`: the part of every per-record key after its family prefix. */
export function docPath(ref: RecordRef): string {
  return `${ref.space}/${ref.kind}/${ref.id}`;
}

export function recordKey(ref: RecordRef): string {
  return `${RECORD_PREFIX}${docPath(ref)}`;
}

export function spaceSubjectsPrefix(space: string): string {
  return `by/${space}/`;
}

export function subjectPrefix(space: string, subject: string): string {
  return `${spaceSubjectsPrefix(space)}${encodeURIComponent(subject)}/`;
}

export function subjectKey(ref: RecordRef, subject: string): string {
  return `${subjectPrefix(ref.space, subject)}${ref.kind}/${ref.id}`;
}

export function postingPrefix(term: string): string {
  return `ix/p/${term}/`;
}

export function postingKey(term: string, ref: RecordRef): string {
  return `${postingPrefix(term)}${docPath(ref)}`;
}

export function indexedDocKey(ref: RecordRef): string {
  return `${INDEXED_DOC_PREFIX}${docPath(ref)}`;
}

/** Parses `<space>/<kind>/<id>`; undefined when it is not one. */
export function parseDocPath(path: string): RecordRef | undefined {
  const parts = path.split('/');
  if (parts.length !== 3) return undefined;
  const [space, kind, id] = parts as [string, string, string];
  if (!isValidSpaceName(space) || !isRecordKind(kind) || !ID_PATTERN.test(id)) return undefined;
  return { space, kind, id };
}

export function formatId(time: number, seq: number): string {
  return `${String(time).padStart(TIME_DIGITS, '0')}-${seq.toString(36).padStart(SEQ_WIDTH, '0')}`;
}

/** Index of the first element of sorted `keys` that is >= `bound`: where a key range starts in a prefix listing. */
export function lowerBound(keys: readonly string[], bound: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The smallest id at or after `time`: the lower bound of a time-range key scan. */
export function idFloor(time: number): string {
  return String(Math.max(0, Math.min(time, MAX_TIME))).padStart(TIME_DIGITS, '0');
}

export const MAX_TIME = 10 ** TIME_DIGITS - 1;
export const MAX_SEQ = 36 ** SEQ_WIDTH - 1;
