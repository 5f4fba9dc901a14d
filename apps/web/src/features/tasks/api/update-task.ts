import type { PatchTaskBody, Task, TaskStatus } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { cancelLists, mapCachedTasks, restoreSnapshot, type Snapshot, upsertCachedTask } from './cache';

export interface UpdateTaskVars {
  id: string;
  patch: PatchTaskBody;
  /** The ETag the edit started from; a newer version on the server answers 412. */
  ifMatch?: string | null;
}

export async function updateTask({ id, patch, ifMatch }: UpdateTaskVars): Promise<{ task: Task; etag: string | null }> {
  const res = await api<Task>(`/tasks/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    json: patch,
    headers: ifMatch ? { 'if-match': ifMatch } : {},
  });
  return { task: res.data, etag: res.headers.get('etag') };
}

/** Save from the edit dialog (If-Match; the caller handles 412). */
export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateTask,
    onSuccess: ({ task, etag }) => {
      upsertCachedTask(qc, task);
      qc.setQueryData(queryKeys.tasks.detail(task.id), { task, etag });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.history(task.id) });
    },
  });
}

/** Status change from the list: optimistic, rolled back (and reported by the caller) on error. */
export function useSetTaskStatus(onError: (error: unknown) => void) {
  const qc = useQueryClient();
  return useMutation<{ task: Task; etag: string | null }, unknown, { id: string; status: TaskStatus }, Snapshot>({
    mutationFn: ({ id, status }) => updateTask({ id, patch: { status } }),
    onMutate: async ({ id, status }) => {
      await cancelLists(qc);
      return mapCachedTasks(qc, (t) =>
        t.id === id ? { ...t, status, completedAt: status === 'completed' ? new Date().toISOString() : null } : t,
      );
    },
    onError: (error, _vars, snapshot) => {
      if (snapshot) restoreSnapshot(qc, snapshot);
      onError(error);
    },
    onSuccess: ({ task }) => upsertCachedTask(qc, task),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() }),
  });
}
