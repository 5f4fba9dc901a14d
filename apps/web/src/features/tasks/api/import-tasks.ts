import type { ImportFormat, ImportOutcome } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateTaskData } from './cache';

export type ImportResult = ImportOutcome;
export type { ImportFormat };

const isZipFile = (head: Uint8Array) => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

async function bytesOf(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * The tool a file most likely comes from, by its content (the server is the judge; this only picks the default of
 * the format choice): a zip or a JSON array of projects → Vikunja, a JSON object with cards and lists → Trello, a
 * CSV whose header names TYPE and CONTENT → Todoist, anything else → this app's own CSV or JSON.
 */
export async function detectImportFormat(file: File): Promise<ImportFormat> {
  const bytes = await bytesOf(file);
  if (isZipFile(bytes) || /\.zip$/i.test(file.name)) return 'vikunja';
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        const o = json as Record<string, unknown>;
        return Array.isArray(o.cards) && Array.isArray(o.lists) ? 'trello' : 'native';
      }
      const first: unknown = Array.isArray(json) ? json[0] : undefined;
      if (first && typeof first === 'object' && ('tasks' in first || 'lists' in first || 'child_projects' in first)) {
        return 'vikunja';
      }
    } catch {
      // Not JSON after all: let the server say what is wrong.
    }
    return 'native';
  }
  const header = (text.split(/\r?\n/, 1)[0] ?? '')
    .toUpperCase()
    .split(',')
    .map((h) => h.trim());
  return header.includes('TYPE') && header.includes('CONTENT') ? 'todoist' : 'native';
}

/** The media type the file is sent as, for the format chosen. */
async function contentTypeOf(file: File, format: ImportFormat): Promise<string> {
  if (format === 'todoist') return 'text/csv';
  if (format === 'trello') return 'application/json';
  if (format === 'vikunja') return isZipFile(await bytesOf(file.slice(0, 4))) ? 'application/zip' : 'application/json';
  return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/json';
}

export interface ImportRequest {
  file: File;
  format: ImportFormat;
  /** Check and map every row, write nothing, answer the preview. */
  dryRun?: boolean;
}

/**
 * Upload the file as it is (its bytes: a zip stays a zip); the server maps and validates every row. This app's own
 * format is sent without `format`, as the first-round import always was.
 */
export async function importTasks({ file, format, dryRun = false }: ImportRequest): Promise<ImportResult> {
  return (
    await api<ImportResult>('/tasks/import', {
      method: 'POST',
      query: { format: format === 'native' ? undefined : format, dryRun: dryRun ? 'true' : undefined },
      body: file,
      contentType: await contentTypeOf(file, format),
    })
  ).data;
}

/** The dry run: nothing written, nothing to refresh. */
export function usePreviewImport() {
  return useMutation({ mutationFn: (req: Omit<ImportRequest, 'dryRun'>) => importTasks({ ...req, dryRun: true }) });
}

export function useImportTasks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: Omit<ImportRequest, 'dryRun'>) => importTasks(req),
    onSuccess: () => invalidateTaskData(qc),
  });
}
