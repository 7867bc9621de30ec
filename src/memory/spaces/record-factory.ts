import { formatId, MAX_SEQ, MAX_TIME, recordKey } from './keys.js';
import { MemoryError } from './memory-error.js';
import type { AppendInput } from './memory-types.js';
import { isRecordKind, type MemoryRecord, RECORD_KINDS } from './record.js';

/**
 * Turns append input into a record with a fresh id. Ids are the record's time plus a sequence, so records of one millisecond
 * keep their append order; the sequence skips ids any kind of the space already uses (also those written before a restart),
 * so an id is unique within its space and records of different kinds interleave by time in the order they were appended.
 * Callers serialize creation with the write that stores the record (MemoryManager's write queue).
 */
export class RecordFactory {
  private last = { time: -1, seq: -1 };

  constructor(private readonly exists: (key: string) => boolean) {}

  create(space: string, input: AppendInput, time: number): MemoryRecord {
    validate(input, time);
    let seq = time === this.last.time ? this.last.seq + 1 : 0;
    while (RECORD_KINDS.some((kind) => this.exists(recordKey({ space, kind, id: formatId(time, seq) })))) seq++;
    if (seq > MAX_SEQ) throw new MemoryError('INVALID_RECORD', `too many records at time ${time}`);
    this.last = { time, seq };
    const record: MemoryRecord = {
      id: formatId(time, seq),
      space,
      kind: input.kind,
      time,
      text: input.text,
      tags: [...(input.tags ?? [])],
      ...(input.data === undefined ? {} : { data: input.data }),
      ...(input.subject === undefined ? {} : { subject: input.subject }),
    };
    try {
      JSON.stringify(record);
    } catch (error) {
      throw new MemoryError('INVALID_RECORD', `data is not JSON: ${(error as Error).message}`);
    }
    return record;
  }
}

function validate(input: AppendInput, time: number): void {
  const fail = (why: string): never => {
    throw new MemoryError('INVALID_RECORD', why);
  };
  if (!isRecordKind(input.kind)) fail(`unknown record kind "${input.kind}" (one of ${RECORD_KINDS.join(', ')})`);
  if (typeof input.text !== 'string') fail('text must be a string');
  if (!Number.isInteger(time) || time < 0 || time > MAX_TIME) fail(`time must be epoch milliseconds, got ${time}`);
  if (input.tags?.some((t) => typeof t !== 'string')) fail('tags must be strings');
  if (input.subject !== undefined && (typeof input.subject !== 'string' || input.subject === '')) {
    fail('subject must be a non-empty string');
  }
}
