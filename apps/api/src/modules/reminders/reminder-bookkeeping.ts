/**
 * Reminder bookkeeping from the domain events: when a task is deleted its reminder markers go too (the scan
 * already ignores completed and cancelled tasks, and a new due date is a new marker key).
 */
import type { Db } from '../../infra/db/client';
import type { EventBus } from '../../infra/events';
import { deleteForTask } from './reminders.repo';

/** Subscribe; returns the unsubscribe. */
export function reminderBookkeeping(events: EventBus, db: Db, onError: (err: unknown) => void): () => void {
  return events.on('task.deleted', ({ userId, id }) => {
    void deleteForTask(db, userId, id).catch(onError);
  });
}
