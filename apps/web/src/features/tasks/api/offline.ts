/**
 * Tasks on top of the offline queue (lib/offline): how a queued write looks in the lists until the server has it,
 * and where a queued write's If-Match comes from.
 */
import type { CreateTaskBody, PatchTaskBody, Task } from '@primetrade/shared';
import type { QueryClient } from '@tanstack/react-query';
import { hasQueued, offlineQueue } from '../../../lib/offline';
import { taskEtag } from '../../../lib/offline/etag';
import type { QueueEntry } from '../../../lib/offline/types';
import { queryKeys } from '../../../lib/query-keys';
import type { TaskPages } from './cache';

export const TASKS = '/tasks';

/** How a task created offline shows until the server has it (version 0: no server version yet). */
export function pendingTask(id: string, body: Record<string, unknown>, at: string): Task {
  const b = body as Partial<CreateTaskBody>;
  // Fields the server assigns (project, position, …) stay empty until it has the task.
  const task = {
    ...(body as object),
    id,
    title: b.title ?? '',
    description: b.description ?? '',
    status: b.status ?? 'pending',
    priority: b.priority ?? 'medium',
    dueDate: b.dueDate ?? null,
    tags: b.tags ?? [],
    completedAt: b.status === 'completed' ? at : null,
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
  return task as unknown as Task;
}

/** A task with a queued PATCH applied to it. */
export function patched(task: Task, patch: Record<string, unknown> | PatchTaskBody | undefined): Task {
  const next = { ...task, ...(patch as Partial<Task>) };
  if (patch && 'status' in patch && patch.status !== task.status) {
    next.completedAt = patch.status === 'completed' ? new Date().toISOString() : null;
  }
  return next;
}

/**
 * The lists as the user expects them: queued creates first (on the first page), queued edits applied, queued
 * deletes gone. Conflicts show the server's version (the conflict dialog has the user's).
 */
export function withPendingWrites(data: TaskPages, entries: readonly QueueEntry[]): TaskPages {
  const mine = entries.filter((e) => e.collection === TASKS && e.state === 'queued');
  if (mine.length === 0) return data;
  const deleted = new Set(mine.filter((e) => e.method === 'DELETE').map((e) => e.resourceId));
  const patches = new Map<string, Record<string, unknown>>();
  for (const e of mine) {
    if (e.method === 'PATCH') patches.set(e.resourceId, { ...patches.get(e.resourceId), ...e.body });
  }
  const loaded = new Set(data.pages.flatMap((p) => p.data.map((t) => t.id)));
  const created = mine
    .filter((e) => e.method === 'POST' && !loaded.has(e.resourceId) && !deleted.has(e.resourceId))
    .map((e) => patched(pendingTask(e.resourceId, e.body ?? {}, e.queuedAt), patches.get(e.resourceId)))
    .reverse();
  return {
    ...data,
    pages: data.pages.map((page, i) => ({
      ...page,
      data: [
        ...(i === 0 ? created : []),
        ...page.data.flatMap((t) => (deleted.has(t.id) ? [] : [patches.has(t.id) ? patched(t, patches.get(t.id)) : t])),
      ],
    })),
  };
}

/** The task as this tab knows it: the detail cache, any list, or a create waiting in the queue. */
export function knownTask(qc: QueryClient, id: string): Task | undefined {
  const detail = qc.getQueryData<{ task: Task }>(queryKeys.tasks.detail(id));
  if (detail) return detail.task;
  for (const [, pages] of qc.getQueriesData<TaskPages>({ queryKey: queryKeys.tasks.lists() })) {
    const hit = pages?.pages.flatMap((p) => p.data).find((t) => t.id === id);
    if (hit) return hit;
  }
  const create = offlineQueue.snapshot().find((e) => e.method === 'POST' && e.resourceId === id);
  return create ? pendingTask(id, create.body ?? {}, create.queuedAt) : undefined;
}

/** A task created offline that the server has not seen yet. */
export const isQueuedCreate = (id: string) =>
  offlineQueue.snapshot().some((e) => e.collection === TASKS && e.method === 'POST' && e.resourceId === id);

/** This task has a write waiting. */
export const isQueuedTask = (id: string) => hasQueued(TASKS, id);

/** Versions of tasks an optimistic update took out of the lists (a delete) before its write was queued. */
const removedVersions = new Map<string, number>();
export function rememberVersion(qc: QueryClient, id: string): void {
  const task = knownTask(qc, id);
  if (task && task.version > 0) removedVersions.set(id, task.version);
}

/** If-Match for a queued write: the ETag the edit started from, else the one of the newest version this tab has. */
export async function queuedIfMatch(qc: QueryClient, id: string, ifMatch?: string | null): Promise<string | null> {
  if (ifMatch) return ifMatch;
  const detail = qc.getQueryData<{ task: Task; etag: string | null }>(queryKeys.tasks.detail(id));
  let version = Math.max(detail?.task.version ?? 0, removedVersions.get(id) ?? 0);
  removedVersions.delete(id);
  for (const [, pages] of qc.getQueriesData<TaskPages>({ queryKey: queryKeys.tasks.lists() })) {
    for (const t of pages?.pages.flatMap((p) => p.data) ?? []) if (t.id === id) version = Math.max(version, t.version);
  }
  if (detail?.etag && detail.task.version === version) return detail.etag;
  return version > 0 ? taskEtag(id, version) : null;
}
