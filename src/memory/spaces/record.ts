import { z } from 'zod';
import { MemoryError } from './memory-error.js';

/**
 * What a memory record is about. task / output / job are the three histories the seed's memory prompt searches (what was asked,
 * what was decided, what ran and how it went); incident / fix / audit are kubemend's own.
 */
export const RECORD_KINDS = ['task', 'output', 'job', 'incident', 'fix', 'audit'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function isRecordKind(value: string): value is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(value);
}

export interface MemoryRecord {
  /** Time-sortable within (space, kind): zero-padded ms of `time`, a dash, a base-36 sequence. */
  readonly id: string;
  readonly space: string;
  readonly kind: RecordKind;
  /** Epoch milliseconds the record is about (defaults to the append time). TTL and time ranges use it. */
  readonly time: number;
  readonly text: string;
  readonly tags: readonly string[];
  /** Any JSON value. */
  readonly data?: unknown;
  /** What the record is about (an incident fingerprint, a task id): listable with `listBySubject`. */
  readonly subject?: string;
  /** Ids of the records a merge folded into this one. */
  readonly mergedFrom?: readonly string[];
}

/** Addresses one record. */
export interface RecordRef {
  readonly space: string;
  readonly kind: RecordKind;
  readonly id: string;
}

const recordSchema = z.object({
  id: z.string(),
  space: z.string(),
  kind: z.enum(RECORD_KINDS),
  time: z.number().int().nonnegative(),
  text: z.string(),
  tags: z.array(z.string()),
  data: z.unknown().optional(),
  subject: z.string().optional(),
  mergedFrom: z.array(z.string()).optional(),
});

export function encodeRecord(record: MemoryRecord): string {
  return JSON.stringify(record);
}

/** A value that passed the engine's CRC but is not a record is still corruption, reported with its key. */
export function decodeRecord(key: string, value: Buffer): MemoryRecord {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    throw new MemoryError('CORRUPT', `record ${key} is not valid JSON`, key);
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) {
    throw new MemoryError(
      'CORRUPT',
      `record ${key} does not match the record shape: ${parsed.error.issues[0]?.message}`,
      key,
    );
  }
  return parsed.data;
}
