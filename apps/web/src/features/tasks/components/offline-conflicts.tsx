import type { PatchTaskBody, Task } from '@primetrade/shared';
import { useEffect } from 'react';
import { useToast } from '../../../components/ui/toast';
import { useT } from '../../../lib/i18n';
import { offlineQueue, usePendingWrites } from '../../../lib/offline';
import { TASKS } from '../api/offline';
import { TaskFormDialog } from './task-form-dialog';

/**
 * Changes made offline that the server refused on replay because the task had changed meanwhile (412): the
 * first one opens the edit dialog's conflict view (the newer version, and the user's change to reapply or drop).
 * A queued delete of a task changed elsewhere is not forced through: the user is told and the task stays.
 * Whatever the user chooses, closing the dialog ends the conflict.
 */
export function OfflineConflicts() {
  const toast = useToast();
  const t = useT('tasks');
  const conflicts = usePendingWrites().filter((e) => e.collection === TASKS && e.state === 'conflict');
  const deleted = conflicts.find((e) => e.method === 'DELETE');
  useEffect(() => {
    if (!deleted?.seq) return;
    const title = String(deleted.conflict?.latest.title ?? t('toast.aTask'));
    toast(t('toast.deleteConflict', { title }), 'error');
    void offlineQueue.discard(deleted.seq);
  }, [deleted, toast, t]);

  const edit = conflicts.find((e) => e.method !== 'DELETE');
  if (!edit?.seq || !edit.conflict) return null;
  const seq = edit.seq;
  return (
    <TaskFormDialog
      key={seq}
      open
      editId={edit.resourceId}
      conflict={{
        latest: edit.conflict.latest as unknown as Task,
        etag: edit.conflict.etag,
        patch: (edit.body ?? {}) as PatchTaskBody,
      }}
      onOpenChange={(open) => {
        if (!open) void offlineQueue.discard(seq);
      }}
    />
  );
}
