import { openDatabase } from '../infra/db/client';
import { tasks } from '../infra/db/schema';
import { createTasksRepo } from '../modules/tasks/tasks.repo';

export function testContext() {
  const db = openDatabase('memory://');
  return { db, repo: createTasksRepo(db), table: tasks.name };
}
