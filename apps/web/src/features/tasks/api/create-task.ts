import type { CreateTaskBody, Task } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sendOrQueue } from '../../../lib/offline';
import { retryDelay, shouldRetry } from '../../../lib/query-client';
import { invalidateTaskData } from './cache';
import { pendingTask, TASKS } from './offline';

export interface CreateTaskVars {
  body: CreateTaskBody;
  /** One key per user action: a retried request never creates a duplicate. */
  idempotencyKey: string;
}

export async function createTask({ body, idempotencyKey }: CreateTaskVars): Promise<Task> {
  return (await api<Task>('/tasks', { method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey } }))
    .data;
}

/**
 * Create now, or (offline, or the server out of reach) queue the create and answer with the task as it will look:
 * its id is the Idempotency-Key until the server names it (isQueuedTask tells the two apart).
 */
export async function createTaskOrQueue(vars: CreateTaskVars): Promise<Task> {
  const at = new Date().toISOString();
  const r = await sendOrQueue(
    TASKS,
    vars.idempotencyKey,
    () => ({
      method: 'POST',
      collection: TASKS,
      resourceId: vars.idempotencyKey,
      body: vars.body as Record<string, unknown>,
      idempotencyKey: vars.idempotencyKey,
    }),
    () => createTask(vars),
  );
  return r.queued ? pendingTask(vars.idempotencyKey, vars.body as Record<string, unknown>, at) : r.result;
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createTaskOrQueue,
    // Offline the function still runs (it queues): the dialog never waits for a network that is not there.
    networkMode: 'always',
    // Safe to retry: the Idempotency-Key makes the server answer a repeat with the first result.
    retry: shouldRetry,
    retryDelay,
    onSuccess: () => invalidateTaskData(qc),
  });
}
