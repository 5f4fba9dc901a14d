import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sendOrQueue } from '../../../lib/offline';
import { queryKeys } from '../../../lib/query-keys';
import { cancelLists, mapCachedTasks, restoreSnapshot, type Snapshot } from './cache';
import { queuedIfMatch, rememberVersion, TASKS } from './offline';

export async function deleteTask(id: string): Promise<void> {
  await api<void>(`/tasks/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Delete now, or queue it (offline, or the server out of reach) with the If-Match of the version shown. */
export async function deleteTaskOrQueue(qc: QueryClient, id: string): Promise<void> {
  await sendOrQueue(
    TASKS,
    id,
    async () => ({
      method: 'DELETE',
      collection: TASKS,
      resourceId: id,
      ifMatch: await queuedIfMatch(qc, id),
    }),
    () => deleteTask(id),
  );
}

/** Optimistic delete: the row goes at once and comes back (with the caller's toast) if the server refuses. */
export function useDeleteTask(onError: (error: unknown) => void) {
  const qc = useQueryClient();
  return useMutation<void, unknown, string, Snapshot>({
    mutationFn: (id) => deleteTaskOrQueue(qc, id),
    networkMode: 'always',
    onMutate: async (id) => {
      rememberVersion(qc, id); // a queued delete's If-Match: the version shown, before the row goes
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
