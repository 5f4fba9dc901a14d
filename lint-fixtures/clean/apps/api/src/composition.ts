import { systemClock } from './lib/clock';
import { createTasksModule } from './modules/tasks';
import { createUsersModule } from './modules/users/index';
import type { Platform } from './platform';

export function composeModules(platform: Platform) {
  const tasks = createTasksModule({ db: platform.db, clock: systemClock });
  const users = createUsersModule({ db: platform.db, tasks: tasks.service });
  return { tasks, users };
}
