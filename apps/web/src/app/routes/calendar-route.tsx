import { useState } from 'react';
import { CalendarPage } from '../../features/calendar/components/calendar-page';
import { TaskFormDialog } from '../../features/tasks/components/task-form-dialog';
import { useMe } from '../../lib/session';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The calendar in the user's time zone (their profile's, else the browser's); the task dialog comes from the tasks
 * feature: a task opens in it, and a day clicked opens it empty with that day's due date.
 */
export function CalendarRoute() {
  const timeZone = useMe().data?.timezone || browserZone();
  const [dialog, setDialog] = useState<{ open: boolean; editId: string | null; due?: string }>({
    open: false,
    editId: null,
  });
  return (
    <>
      <CalendarPage
        timeZone={timeZone}
        onOpenTask={(id) => setDialog({ open: true, editId: id })}
        onNewTask={(due) => setDialog({ open: true, editId: null, due })}
      />
      <TaskFormDialog
        open={dialog.open}
        editId={dialog.editId}
        onOpenChange={(open) => setDialog((d) => ({ ...d, open }))}
        defaultDueDate={dialog.due}
      />
    </>
  );
}
