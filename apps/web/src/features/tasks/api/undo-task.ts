/**
 * What Undo sends (issue 16 defect 2): a deleted task comes back through POST /tasks/:id/restore; a completion or
 * a bulk change is reverted by a PATCH of the previous values with If-Match of the version the change produced,
 * so an edit made meanwhile (here or elsewhere) is never overwritten: it answers 412 and the edit dialog's conflict
 * view opens instead.
 */
import type { PatchTaskBody, Task } from '@primetrade/shared';
import { api } from '../../../lib/api-client';
import { isApiError } from '../../../lib/api-error';
import { translate } from '../../../lib/i18n';
import { getTask } from './get-task';
import { updateTask } from './update-task';

export async function restoreTask(id: string): Promise<Task> {
  return (await api<Task>(`/tasks/${encodeURIComponent(id)}/restore`, { method: 'POST' })).data;
}

/** A revert that met a newer version: the task as it is now and the values Undo wanted to put back. */
export class UndoConflict extends Error {
  constructor(
    readonly latest: Task,
    readonly etag: string | null,
    readonly patch: PatchTaskBody,
  ) {
    super(translate('tasks', 'undo.conflict'));
  }
}

/** One task's change to revert: its previous values and the version the change left it at. */
export interface Revert {
  id: string;
  patch: PatchTaskBody;
  /** The ETag the change answered with, when known (a single change); otherwise the version it left. */
  etag?: string | null;
  version?: number;
}

/**
 * PATCH the previous values back with If-Match of the version the change left. Without that ETag (a bulk change
 * answers only a count) the task is read first: another version than the one the change left is a conflict too.
 */
export async function revertChange(r: Revert): Promise<Task> {
  let etag = r.etag ?? null;
  if (!etag) {
    const now = await getTask(r.id);
    if (r.version !== undefined && now.task.version !== r.version) throw new UndoConflict(now.task, now.etag, r.patch);
    etag = now.etag;
  }
  try {
    return (await updateTask({ id: r.id, patch: r.patch, ifMatch: etag })).task;
  } catch (err) {
    if (isApiError(err) && err.status === 412) {
      const now = await getTask(r.id);
      throw new UndoConflict(now.task, now.etag, r.patch);
    }
    throw err;
  }
}

/** Several reverts or restores, a few at a time (a bulk action covers up to 500 tasks); the first error is thrown. */
export async function eachLimited<T>(items: T[], fn: (item: T) => Promise<unknown>, limit = 6): Promise<void> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((e: unknown) => errors.push(e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors.find((e) => e instanceof UndoConflict) ?? errors[0];
}
