import { createCache } from './infra/cache/cache';
import { openDatabase } from './infra/db/client';
import { systemClock } from './lib/clock';
import { createTasksModule } from './modules/tasks';
// Violation: the composition root reaches into a module's file instead of its entry.
import { createTasksRepo } from './modules/tasks/tasks.repo';
import { createUsersModule } from './modules/users/index';

export function buildApp(url: string) {
  const db = openDatabase(url);
  const tasks = createTasksModule({ db, clock: systemClock });
  const users = createUsersModule({ db, tasks: tasks.service });
  return { cache: createCache(), tasks, users, repo: createTasksRepo(db) };
}
