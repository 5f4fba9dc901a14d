import type { Db } from '../../infra/db/client';
import type { Clock } from '../../lib/clock';
import { createTasksRepo } from './tasks.repo';
import { createTasksService } from './tasks.service';

// Violation: a module entry names what it exports; it does not re-export a whole file.
export * from './tasks.mapper';
export type { TasksService } from './tasks.service';

export function createTasksModule(deps: { db: Db; clock: Clock }) {
  return { service: createTasksService(createTasksRepo(deps.db), deps.clock) };
}
