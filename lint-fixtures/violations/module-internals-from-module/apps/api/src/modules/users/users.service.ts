// Violation: the users module reaches into a file of the tasks module instead of its entry.
import type { TasksService } from '../tasks/tasks.service';
import type { UsersRepo } from './users.repo';

export function createUsersService(repo: UsersRepo, tasks: TasksService) {
  return { summary: (id: string) => ({ user: repo.byId(id), tasks: tasks.list({}) }) };
}
