import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { cancelLists, mapCachedTasks, restoreSnapshot, type Snapshot } from './cache';

export async function deleteTask(id: string): Promise<void> {
  await api<void>(`/tasks/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Optimistic delete: the row goes at once and comes back (with the caller's toast) if the server refuses. */
export function useDeleteTask(onError: (error: unknown) => void) {
  const qc = useQueryClient();
  return useMutation<void, unknown, string, Snapshot>({
    mutationFn: deleteTask,
    onMutate: async (id) => {
      await cancelLists(qc);
      return mapCachedTasks(qc, (t) => (t.id === id ? null : t));
    },
    onError: (error, _id, snapshot) => {
      if (snapshot) restoreSnapshot(qc, snapshot);
      onError(error);
    },
    onSuccess: (_r, id) => qc.removeQueries({ queryKey: queryKeys.tasks.detail(id) }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() }),
  });
}
