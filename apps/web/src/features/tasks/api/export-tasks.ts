import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api-client';

/** Download the filtered tasks (the session refresh applies, so this goes through fetch, not a plain link). */
export async function exportTasks({
  format,
  filters,
}: {
  format: 'csv' | 'json';
  filters: Record<string, string | undefined>;
}): Promise<void> {
  const res = await apiFetch('/tasks/export', { query: { ...filters, format } });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `tasks.${format}`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const useExportTasks = () => useMutation({ mutationFn: exportTasks });
