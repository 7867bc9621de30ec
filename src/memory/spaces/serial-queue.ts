/**
 * Runs async jobs one after another. Memory writes go through one so each batch is built against committed state: the BM25
 * totals, id collisions and index entries a write reads are never those of a batch still in flight (or one that failed).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    // The next job waits for this one to settle either way; the caller still sees this job's rejection.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
