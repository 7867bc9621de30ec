import { MemoryError } from '../spaces/memory-error.js';
import type { MemoryManager } from '../spaces/memory-manager.js';
import type { MemoryRecord } from '../spaces/record.js';
import { canonicalJson } from './canonical-json.js';
import { type FixAttempt, type FixAttemptInput, fixAttemptDataSchema } from './fix-attempt.js';

export const EXPERIENCE_SPACE = 'experience';

/** How a previous fix was found: the same incident before, or a similar one (same failure class, closest evidence). */
export type BestFix =
  | { readonly match: 'exact'; readonly attempt: FixAttempt }
  | { readonly match: 'similar'; readonly attempt: FixAttempt; readonly score: number };

function toAttempt(record: MemoryRecord): FixAttempt | undefined {
  const data = fixAttemptDataSchema.safeParse(record.data);
  return data.success ? { ...data.data, evidence: record.text, time: record.time } : undefined;
}

/**
 * Experience that accumulates: every fix tried for an incident fingerprint, with its outcome and evidence, stored as `fix`
 * records of one memory space with the fingerprint as their subject. A fix that worked once is reused without an LLM call;
 * one that failed is not retried blindly.
 */
export class ExperienceStore {
  constructor(
    private readonly memory: MemoryManager,
    private readonly space: string = EXPERIENCE_SPACE,
  ) {}

  async record(input: FixAttemptInput): Promise<FixAttempt> {
    if (!this.memory.hasSpace(this.space)) {
      await this.memory.registerSpace(this.space, { description: 'fixes tried per incident fingerprint' });
    }
    const { evidence, time, ...fields } = input;
    const data = fixAttemptDataSchema.safeParse(fields);
    if (!data.success || typeof evidence !== 'string') {
      const why = data.success ? 'evidence must be a string' : data.error.issues[0]?.message;
      throw new MemoryError('INVALID_RECORD', `invalid fix attempt: ${why}`);
    }
    const record = await this.memory.append(this.space, {
      kind: 'fix',
      text: evidence,
      tags: [input.failureClass],
      subject: input.fingerprint,
      data: data.data,
      ...(time === undefined ? {} : { time }),
    });
    // Written from validated data just above, so it reads back as an attempt.
    return toAttempt(record) as FixAttempt;
  }

  /** Every fix tried for the fingerprint, oldest first. */
  attempts(fingerprint: string): FixAttempt[] {
    if (!this.memory.hasSpace(this.space)) return [];
    return this.memory
      .listBySubject(this.space, fingerprint, ['fix'])
      .map(toAttempt)
      .filter((a): a is FixAttempt => a !== undefined);
  }

  /**
   * The fix to try first: the most recent one that succeeded for this very fingerprint; else the succeeded fix of the most
   * similar incident of the same failure class (BM25 of `text` against stored evidence), skipping changes that already failed
   * for this fingerprint.
   */
  bestFixFor(fingerprint: string, incident: { failureClass: string; text: string }): BestFix | undefined {
    const history = this.attempts(fingerprint);
    const exact = history.findLast((a) => a.outcome === 'succeeded');
    if (exact) return { match: 'exact', attempt: exact };
    if (!this.memory.hasSpace(this.space)) return undefined;
    const failed = new Set(this.failures(history).map((a) => canonicalJson(a.change)));
    const [hit] = this.memory.search({
      query: incident.text,
      spaces: [this.space],
      kinds: ['fix'],
      limit: 1,
      where: (record) => {
        const attempt = toAttempt(record);
        return (
          attempt?.outcome === 'succeeded' &&
          attempt.failureClass === incident.failureClass &&
          !failed.has(canonicalJson(attempt.change))
        );
      },
    });
    const attempt = hit && toAttempt(hit.record);
    return hit && attempt ? { match: 'similar', attempt, score: hit.score } : undefined;
  }

  /**
   * Fixes that failed or were rolled back for this fingerprint, newest first, leaving out any change that later succeeded
   * for it (the failure was then not the change's fault).
   */
  knownFailures(fingerprint: string): FixAttempt[] {
    return this.failures(this.attempts(fingerprint)).reverse();
  }

  /** Whether `change` (compared as canonical JSON) is among this fingerprint's known failures. */
  isKnownFailure(fingerprint: string, change: unknown): boolean {
    const wanted = canonicalJson(change);
    return this.knownFailures(fingerprint).some((a) => canonicalJson(a.change) === wanted);
  }

  /** Failed attempts of `history` (oldest first) whose change did not succeed later. */
  private failures(history: readonly FixAttempt[]): FixAttempt[] {
    return history.filter(
      (attempt, i) =>
        attempt.outcome !== 'succeeded' &&
        !history
          .slice(i + 1)
          .some(
            (later) => later.outcome === 'succeeded' && canonicalJson(later.change) === canonicalJson(attempt.change),
          ),
    );
  }
}
