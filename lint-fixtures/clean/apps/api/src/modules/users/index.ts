import type { Db } from '../../infra/db/client';
import type { TasksService } from '../tasks/index';
import { createUsersRepo } from './users.repo';
import { createUsersService } from './users.service';

export function createUsersModule(deps: { db: Db; tasks: TasksService }) {
  return { service: createUsersService(createUsersRepo(deps.db), deps.tasks) };
}
