import { createCache } from './infra/cache/cache';
import { openDatabase } from './infra/db/client';
import { systemClock } from './lib/clock';
import { createTasksModule } from './modules/tasks';
import { createUsersModule } from './modules/users/index';

export function buildApp(url: string) {
  const db = openDatabase(url);
  const tasks = createTasksModule({ db, clock: systemClock });
  const users = createUsersModule({ db, tasks: tasks.service });
  return { cache: createCache(), tasks, users };
}
