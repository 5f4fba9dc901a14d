/**
 * Reminders on a task write (issue 17 item 2): the only rule the tasks module keeps is that a `before` reminder
 * needs a due date to be before (400). Scheduling and firing are the database's trigger and modules/reminders.
 */
import { hasBeforeReminder, type Reminder, REMINDER_NEEDS_DUE_DATE } from '@primetrade/shared';
import { validation } from '../../lib/errors';

/** 400 when the task, as the write leaves it, has a `before` reminder and no due date. */
export function checkReminders(reminders: readonly Reminder[] | undefined, dueDate: Date | string | null): void {
  if (dueDate === null && hasBeforeReminder(reminders)) {
    throw validation([{ path: 'reminders', message: REMINDER_NEEDS_DUE_DATE }]);
  }
}
