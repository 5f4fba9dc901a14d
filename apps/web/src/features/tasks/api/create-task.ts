import type { CreateTaskBody, Task } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { retryDelay, shouldRetry } from '../../../lib/query-client';
import { invalidateTaskData } from './cache';

export interface CreateTaskVars {
  body: CreateTaskBody;
  /** One key per user action: a retried request never creates a duplicate. */
  idempotencyKey: string;
}

export async function createTask({ body, idempotencyKey }: CreateTaskVars): Promise<Task> {
  return (await api<Task>('/tasks', { method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey } }))
    .data;
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createTask,
    // Safe to retry: the Idempotency-Key makes the server answer a repeat with the first result.
    retry: shouldRetry,
    retryDelay,
    onSuccess: () => invalidateTaskData(qc),
  });
}
