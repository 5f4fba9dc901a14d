import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateTaskData } from './cache';

export interface ImportResult {
  imported: number;
  failed: Array<{ row: number; errors: Array<{ path: string; message: string }> }>;
}

/** Upload a CSV or JSON file as it is; the server validates every row. */
export async function importTasks(file: File): Promise<ImportResult> {
  const isCsv = file.name.toLowerCase().endsWith('.csv') || file.type === 'text/csv';
  const text = await file.text();
  return (
    await api<ImportResult>('/tasks/import', {
      method: 'POST',
      body: text,
      contentType: isCsv ? 'text/csv' : 'application/json',
    })
  ).data;
}

export function useImportTasks() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: importTasks, onSuccess: () => invalidateTaskData(qc) });
}
