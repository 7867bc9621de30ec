/**
 * Key order for prefix iteration, kept cheap for a keydir that is a hash map: a sorted array plus a small unsorted
 * tail of keys inserted since. A query sorts the tail (TimSort, cheap when it is short or already partly ordered) and
 * binary-searches both; the tail is folded into the main array once it outgrows an eighth of it, so the O(n) rebuild
 * is amortised over many inserts. Deleted keys stay in the arrays until the next fold and are filtered on the way out;
 * a key deleted and inserted again can appear twice, which the merge of the two result lists removes.
 */
export class SortedKeys {
  private sorted: string[] = [];
  private pending: string[] = [];
  private pendingSorted = true;
  private removedSinceFold = 0;

  added(key: string): void {
    this.pending.push(key);
    this.pendingSorted = false;
  }

  removed(): void {
    this.removedSinceFold++;
  }

  /** Keys starting with prefix for which exists(key) holds, in order, without duplicates. */
  range(prefix: string, exists: (key: string) => boolean, live: (key: string) => boolean): string[] {
    if (
      this.pending.length > Math.max(1024, this.sorted.length >> 3) ||
      this.removedSinceFold > this.sorted.length >> 1
    ) {
      this.fold(exists);
    }
    if (!this.pendingSorted) {
      this.pending.sort();
      this.pendingSorted = true;
    }
    const a = collect(this.sorted, prefix, live);
    if (this.pending.length === 0) return a;
    return mergeUnique(a, collect(this.pending, prefix, live));
  }

  private fold(exists: (key: string) => boolean): void {
    if (!this.pendingSorted) this.pending.sort();
    const both = mergeUnique(this.sorted, this.pending);
    // Without removals since the last fold every entry is live (a key is only added when new to the keydir).
    if (this.removedSinceFold > 0) {
      let n = 0;
      for (const key of both) if (exists(key)) both[n++] = key;
      both.length = n;
    }
    this.sorted = both;
    this.pending = [];
    this.pendingSorted = true;
    this.removedSinceFold = 0;
  }
}

function lowerBound(arr: readonly string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function collect(arr: readonly string[], prefix: string, live: (key: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = lowerBound(arr, prefix); i < arr.length; i++) {
    const key = arr[i]!;
    if (!key.startsWith(prefix)) break;
    if (live(key)) out.push(key);
  }
  return out;
}

function mergeUnique(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  let last: string | undefined;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n > 0 && x === last) continue;
    out[n++] = x;
    last = x;
  }
  out.length = n;
  return out;
}
