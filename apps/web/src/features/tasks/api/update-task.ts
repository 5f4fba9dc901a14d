import type { PatchTaskBody, Task, TaskStatus } from '@primetrade/shared';
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sendOrQueue } from '../../../lib/offline';
import { queryKeys } from '../../../lib/query-keys';
import { cancelLists, mapCachedTasks, restoreSnapshot, type Snapshot, upsertCachedTask } from './cache';
import { knownTask, patched, queuedIfMatch, TASKS } from './offline';

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

/**
 * Save now, or queue the change (offline, or the server out of reach) with the If-Match of the version it was
 * made on, answering with the task as it will look and that same ETag (a second edit folds into the queued one).
 */
export async function updateTaskOrQueue(
  qc: QueryClient,
  vars: UpdateTaskVars,
): Promise<{ task: Task; etag: string | null }> {
  const base = knownTask(qc, vars.id);
  const ifMatch = await queuedIfMatch(qc, vars.id, vars.ifMatch);
  const r = await sendOrQueue(
    TASKS,
    vars.id,
    () => ({
      method: 'PATCH',
      collection: TASKS,
      resourceId: vars.id,
      body: vars.patch as Record<string, unknown>,
      ifMatch,
    }),
    () => updateTask(vars),
  );
  if (!r.queued) return r.result;
  return { task: patched(base ?? ({ id: vars.id } as Task), vars.patch), etag: ifMatch };
}

/** Save from the edit dialog (If-Match; the caller handles 412). */
export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: UpdateTaskVars) => updateTaskOrQueue(qc, vars),
    networkMode: 'always',
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
    mutationFn: ({ id, status }) => updateTaskOrQueue(qc, { id, patch: { status } }),
    networkMode: 'always',
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
