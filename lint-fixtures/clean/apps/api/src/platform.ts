import { createCache } from './infra/cache/cache';
import { openDatabase } from './infra/db/client';
import type { RateLimitStore } from './infra/rate-limit';

export function createPlatform(url: string) {
  const counts = new Map<string, number>();
  const limits: RateLimitStore = { incr: (key) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key) ?? 0 };
  return { db: openDatabase(url), cache: createCache(), limits };
}

export type Platform = ReturnType<typeof createPlatform>;
