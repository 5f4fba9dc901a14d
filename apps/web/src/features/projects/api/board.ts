/**
 * A project's top-level tasks in board order (GET /tasks?projectId=&parentId=none&sort=position, every page), and
 * a move (PATCH /tasks/:id { status?, before?, after? } with If-Match). The tasks are cached as one page under the
 * task lists' key so real-time updates and every task edit reach the board too.
 */
import type { Task } from '@primetrade/shared';
import { type InfiniteData, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { taskEtag } from '../../../lib/offline/etag';
import { queryKeys } from '../../../lib/query-keys';

interface Meta {
  hasMore: boolean;
  nextCursor: string | null;
}
type Page = { data: Task[]; meta: Meta | undefined };
export type BoardData = InfiniteData<Page, string | undefined>;

/** A board holds at most this many tasks (10 pages of 100). */
const MAX_PAGES = 10;

export const boardFilters = (projectId: string) => ({ projectId, parentId: 'none', sort: 'position' });
export const boardKey = (projectId: string) => queryKeys.tasks.list(boardFilters(projectId));

async function fetchBoard(projectId: string, signal?: AbortSignal): Promise<BoardData> {
  const all: Task[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await api<Task[], Meta>('/tasks', {
      query: { ...boardFilters(projectId), limit: 100, cursor },
      signal,
    });
    all.push(...res.data);
    if (!res.meta?.hasMore || !res.meta.nextCursor) break;
    cursor = res.meta.nextCursor;
  }
  return { pages: [{ data: all, meta: { hasMore: false, nextCursor: null } }], pageParams: [undefined] };
}

export function useBoardTasks(projectId: string) {
  return useQuery({
    queryKey: boardKey(projectId),
    queryFn: ({ signal }) => fetchBoard(projectId, signal),
    select: (d) => d.pages.flatMap((p) => p.data),
  });
}

export interface MoveBody {
  status?: Task['status'];
  before?: string;
  after?: string;
}

/** Sends a move with the If-Match of the version shown; the answer is the task with its new key. */
export async function moveTask(task: Task, body: MoveBody): Promise<Task> {
  const ifMatch = await taskEtag(task.id, task.version);
  return (
    await api<Task>(`/tasks/${encodeURIComponent(task.id)}`, {
      method: 'PATCH',
      json: body,
      headers: ifMatch ? { 'if-match': ifMatch } : {},
    })
  ).data;
}

/** Puts the server's copy of a moved task into the board cache. */
export function useStoreTask(projectId: string) {
  const qc = useQueryClient();
  return (task: Task) =>
    qc.setQueryData<BoardData>(boardKey(projectId), (old) =>
      old
        ? {
            ...old,
            pages: old.pages.map((p) => ({ ...p, data: p.data.map((t) => (t.id === task.id ? task : t)) })),
          }
        : old,
    );
}
