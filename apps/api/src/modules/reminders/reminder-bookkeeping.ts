/**
 * Reminder bookkeeping from the domain events: when a task is deleted its reminder markers go too (the scan
 * already ignores completed and cancelled tasks, and a new due date is a new marker key).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { taskReminders } from '../../infra/db/schema';
import type { EventBus } from '../../infra/events';

export function reminderBookkeeping(events: EventBus, db: Db, onError: (err: unknown) => void): () => void {
  return events.on('task.deleted', ({ userId, id }) => {
    void db
      .delete(taskReminders)
      .where(and(eq(taskReminders.userId, userId), eq(taskReminders.taskId, id)))
      .catch(onError);
  });
}
