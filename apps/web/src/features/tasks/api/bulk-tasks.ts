import type { BulkBody } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { cancelLists, invalidateTaskData, mapCachedTasks, restoreSnapshot, type Snapshot } from './cache';

export async function bulkTasks(body: BulkBody): Promise<{ affected: number }> {
  return (await api<{ affected: number }>('/tasks/bulk', { method: 'POST', json: body })).data;
}

/** Bulk status change or delete in one transaction; optimistic with rollback. */
export function useBulkTasks(onError: (error: unknown) => void) {
  const qc = useQueryClient();
  return useMutation<{ affected: number }, unknown, BulkBody, Snapshot>({
    mutationFn: bulkTasks,
    onMutate: async (body) => {
      await cancelLists(qc);
      const ids = new Set(body.ids);
      return mapCachedTasks(qc, (t) => {
        if (!ids.has(t.id)) return t;
        if (body.action === 'delete') return null;
        return { ...t, ...body.patch } as typeof t;
      });
    },
    onError: (error, _body, snapshot) => {
      if (snapshot) restoreSnapshot(qc, snapshot);
      onError(error);
    },
    onSettled: () => invalidateTaskData(qc),
  });
}
