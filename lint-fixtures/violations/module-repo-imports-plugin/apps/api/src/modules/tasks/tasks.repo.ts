import type { Db } from '../../infra/db/client';
import { type TaskRow, tasks } from '../../infra/db/schema';
// Violation: a repository imports a plugin.
import type { RateLimitPluginOptions } from '../../plugins/rate-limit';

export function createTasksRepo(db: Db, limits?: RateLimitPluginOptions) {
  return { list: (): TaskRow[] => (db.tables.includes(tasks.name) && limits ? [] : []) };
}

export type TasksRepo = ReturnType<typeof createTasksRepo>;
