// Violation: a service takes the whole platform (a service locator) instead of what it uses.
import type { Platform } from '../../platform';
import type { TasksService } from '../tasks';
import type { UsersRepo } from './users.repo';

export function createUsersService(repo: UsersRepo, tasks: TasksService, platform?: Platform) {
  return { summary: (id: string) => ({ user: repo.byId(id), tasks: tasks.list({}), cache: platform?.cache }) };
}
