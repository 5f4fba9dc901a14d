/**
 * Test factory: tasks written straight to the real database (no HTTP), with sensible defaults.
 */
import type { TaskPriority, TaskStatus } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps';
import { tasks } from '../../infra/db/schema';
import { type TaskRecord, taskColumns } from './tasks.repo';

export interface TaskOverrides {
  title?: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  dueDate?: Date | null;
  tags?: string[];
  completedAt?: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
}

let counter = 0;

export async function createTask(deps: Deps, userId: string, overrides: TaskOverrides = {}): Promise<TaskRecord> {
  counter++;
  const status = overrides.status ?? 'pending';
  const [row] = await deps.database.db
    .insert(tasks)
    .values({
      userId,
      title: overrides.title ?? `Task ${counter}`,
      description: overrides.description ?? '',
      status,
      priority: overrides.priority ?? 'medium',
      dueDate: overrides.dueDate ?? null,
      tags: overrides.tags ?? [],
      completedAt:
        overrides.completedAt !== undefined ? overrides.completedAt : status === 'completed' ? sql`now()` : null,
      ...(overrides.createdAt ? { createdAt: overrides.createdAt } : {}),
      ...(overrides.updatedAt ? { updatedAt: overrides.updatedAt } : {}),
    })
    .returning(taskColumns);
  if (!row) throw new Error('task insert failed');
  return row as TaskRecord;
}

export async function createTasks(deps: Deps, userId: string, n: number, overrides: TaskOverrides = {}) {
  const out: TaskRecord[] = [];
  for (let i = 0; i < n; i++) out.push(await createTask(deps, userId, overrides));
  return out;
}
