import type { Db } from '../../infra/db/client';
import { type TaskRow, tasks } from '../../infra/db/schema';

export function createTasksRepo(db: Db) {
  return { list: (): TaskRow[] => (db.tables.includes(tasks.name) ? [] : []) };
}

export type TasksRepo = ReturnType<typeof createTasksRepo>;
