import type { TasksService } from '../tasks';
import type { UsersRepo } from './users.repo';

export function createUsersService(repo: UsersRepo, tasks: TasksService) {
  return { summary: (id: string) => ({ user: repo.byId(id), tasks: tasks.list({}) }) };
}
