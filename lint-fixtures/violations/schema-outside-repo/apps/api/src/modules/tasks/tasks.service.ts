import { taskTitle } from '@primetrade/shared';
import { z } from 'zod';
// Violation: a service imports a table; only *.repo.ts may.
import { tasks } from '../../infra/db/schema';
import type { Clock } from '../../lib/clock';
import { toDto } from './tasks.mapper';
import type { TasksRepo } from './tasks.repo';

const listQuery = z.object({ q: taskTitle.optional() });

export function createTasksService(repo: TasksRepo, clock: Clock) {
  return {
    list: (query: unknown) => {
      listQuery.parse(query);
      return { at: clock.now(), table: tasks.name, items: repo.list().map(toDto) };
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
