import { createCache } from './infra/cache/cache';
import { openDatabase } from './infra/db/client';
import type { RateLimitStore } from './infra/rate-limit';
// Violation: the platform (infrastructure only) builds a module; modules are built in composition.ts.
import { createTasksModule } from './modules/tasks';
import { systemClock } from './lib/clock';

export function createPlatform(url: string) {
  const counts = new Map<string, number>();
  const limits: RateLimitStore = { incr: (key) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key) ?? 0 };
  const db = openDatabase(url);
  return { db, cache: createCache(), limits, tasks: createTasksModule({ db, clock: systemClock }) };
}

export type Platform = ReturnType<typeof createPlatform>;
