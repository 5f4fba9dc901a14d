/**
 * The task detail panel's data: the task (GET /tasks/:id, cached under the task's detail key with its ETag), its
 * subtasks (GET /tasks?parentId=, cached as one page under the task lists' key so real-time updates reach them),
 * its history (GET /tasks/:id/history, actors included), adding a subtask (POST /tasks { parentId }) and
 * toggling one done (PATCH /tasks/:id { status } with If-Match). Also "Assigned to me" (GET /tasks?assigneeId=me)
 * and a project's stats (GET /tasks/stats?projectId=).
 */
import type { HistoryEntry, Task, TaskStats } from '@primetrade/shared';
import { type InfiniteData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { taskEtag } from '../../../lib/offline/etag';
import { queryKeys } from '../../../lib/query-keys';

const enc = encodeURIComponent;
interface Meta {
  hasMore: boolean;
  nextCursor: string | null;
}
type Pages = InfiniteData<{ data: Task[]; meta: Meta | undefined }, string | undefined>;

/** Every page of a task list (at most 10 pages of 100), as one cached page. */
async function fetchAll(filters: Record<string, string>, signal?: AbortSignal): Promise<Pages> {
  const all: Task[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) {
    const res = await api<Task[], Meta>('/tasks', { query: { ...filters, limit: 100, cursor }, signal });
    all.push(...res.data);
    if (!res.meta?.hasMore || !res.meta.nextCursor) break;
    cursor = res.meta.nextCursor;
  }
  return { pages: [{ data: all, meta: { hasMore: false, nextCursor: null } }], pageParams: [undefined] };
}

export function useTaskDetail(id: string) {
  return useQuery({
    queryKey: queryKeys.tasks.detail(id),
    queryFn: async ({ signal }) => {
      const res = await api<Task>(`/tasks/${enc(id)}`, { signal });
      return { task: res.data, etag: res.headers.get('etag') };
    },
  });
}

export const subtaskFilters = (parentId: string) => ({ parentId, sort: 'createdAt' });

export function useSubtasks(parentId: string) {
  return useQuery({
    queryKey: queryKeys.tasks.list(subtaskFilters(parentId)),
    queryFn: ({ signal }) => fetchAll(subtaskFilters(parentId), signal),
    select: (d) => d.pages.flatMap((p) => p.data),
  });
}

export function useTaskHistoryEntries(id: string) {
  return useQuery({
    queryKey: queryKeys.tasks.history(id),
    queryFn: async ({ signal }) => (await api<HistoryEntry[]>(`/tasks/${enc(id)}/history`, { signal })).data,
  });
}

/** After a subtask changed: the parent's counts, its lists (board, subtasks) and its history. */
function refreshAround(qc: ReturnType<typeof useQueryClient>, parentId: string) {
  void qc.invalidateQueries({ queryKey: queryKeys.tasks.lists() });
  void qc.invalidateQueries({ queryKey: queryKeys.tasks.detail(parentId) });
  void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
}

export function useAddSubtask(parent: Pick<Task, 'id' | 'projectId'>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (title: string) =>
      (
        await api<Task>('/tasks', {
          method: 'POST',
          json: { title, parentId: parent.id, projectId: parent.projectId },
        })
      ).data,
    onSettled: () => refreshAround(qc, parent.id),
  });
}

export function useToggleSubtask(parentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (task: Task) => {
      const ifMatch = await taskEtag(task.id, task.version);
      return (
        await api<Task>(`/tasks/${enc(task.id)}`, {
          method: 'PATCH',
          json: { status: task.status === 'completed' ? 'pending' : 'completed' },
          headers: ifMatch ? { 'if-match': ifMatch } : {},
        })
      ).data;
    },
    // Ticked at once; put back if the server refuses.
    onMutate: async (task: Task) => {
      const key = queryKeys.tasks.list(subtaskFilters(parentId));
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Pages>(key);
      const status: Task['status'] = task.status === 'completed' ? 'pending' : 'completed';
      qc.setQueryData<Pages>(key, (old) =>
        old
          ? {
              ...old,
              pages: old.pages.map((p) => ({
                ...p,
                data: p.data.map((t) => (t.id === task.id ? { ...t, status } : t)),
              })),
            }
          : old,
      );
      return { before };
    },
    onError: (_e, _task, ctx) => {
      if (ctx?.before) qc.setQueryData(queryKeys.tasks.list(subtaskFilters(parentId)), ctx.before);
    },
    onSettled: () => refreshAround(qc, parentId),
  });
}

export const assignedFilters = { assigneeId: 'me', sort: 'dueDate' } as const;

export function useAssignedToMe() {
  return useQuery({
    queryKey: queryKeys.tasks.list(assignedFilters),
    queryFn: ({ signal }) => fetchAll({ ...assignedFilters }, signal),
    select: (d) => d.pages.flatMap((p) => p.data),
  });
}

export function useProjectStats(projectId: string) {
  return useQuery({
    queryKey: [...queryKeys.tasks.stats(), { projectId }],
    queryFn: async ({ signal }) => (await api<TaskStats>('/tasks/stats', { query: { projectId }, signal })).data,
  });
}
