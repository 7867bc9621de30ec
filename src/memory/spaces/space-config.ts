import { z } from 'zod';
import { MemoryError } from './memory-error.js';

/** A registered memory space. An agent exists in kubemend when its space does (the seed's CacheManager rule). */
export interface SpaceConfig {
  readonly name: string;
  readonly createdAt: number;
  /** Records older than this (by their `time`) are expired: hidden at once, deleted by the next sweep. */
  readonly ttlMs?: number;
  readonly description?: string;
}

const spaceConfigSchema = z.object({
  name: z.string(),
  createdAt: z.number(),
  ttlMs: z.number().int().positive().optional(),
  description: z.string().optional(),
});

export function decodeSpaceConfig(key: string, value: Buffer): SpaceConfig {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    throw new MemoryError('CORRUPT', `space registry entry ${key} is not valid JSON`, key);
  }
  const parsed = spaceConfigSchema.safeParse(json);
  if (!parsed.success) throw new MemoryError('CORRUPT', `space registry entry ${key} is malformed`, key);
  return parsed.data;
}
