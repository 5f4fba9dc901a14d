import { IMPORT_FORMATS } from '@primetrade/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, SelectField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import {
  detectImportFormat,
  FORMAT_LABELS,
  type ImportFormat,
  type ImportResult,
  useImportTasks,
  usePreviewImport,
} from '../api/import-tasks';
import { PriorityBadge, StatusBadge } from './badges';

const FORMAT_OPTIONS = IMPORT_FORMATS.map((value) => ({ value, label: FORMAT_LABELS[value] }));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function RowErrors({ failed }: { failed: ImportResult['failed'] }) {
  if (!failed.length) return null;
  return (
    <ul
      aria-label="Rows with errors"
      className="mt-2 max-h-32 list-disc overflow-auto pl-5 text-xs text-red-700 dark:text-red-300"
    >
      {failed.slice(0, 100).map((f) => (
        <li key={f.row}>
          Row {f.row}: {f.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}
        </li>
      ))}
    </ul>
  );
}

/** The dry run's answer: the counts, the first mapped tasks and the rows that would be refused. */
export function ImportPreview({ preview }: { preview: ImportResult }) {
  const rows = preview.preview ?? [];
  const valid = preview.valid ?? rows.length;
  return (
    <section
      aria-label="Import preview"
      className="space-y-2 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
    >
      <p>
        {plural(preview.total ?? valid + preview.failed.length, 'task')} found: {valid} ready to import
        {preview.failed.length ? `, ${preview.failed.length} with errors (left out)` : ''}
        {preview.skipped ? `, ${preview.skipped} archived (skipped)` : ''}.
      </p>
      {rows.length ? (
        <div className="max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">
              The first {rows.length} of {valid} tasks to import
            </caption>
            <thead>
              <tr className="text-slate-500 dark:text-slate-400">
                <th scope="col" className="py-1 pr-2 font-medium">
                  Title
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  Status
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  Priority
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  Due
                </th>
                <th scope="col" className="py-1 font-medium">
                  Tags
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id; their order is fixed
                <tr key={i} className="border-t border-slate-200 align-top dark:border-slate-700">
                  <td className="py-1 pr-2 break-words">{t.title}</td>
                  <td className="py-1 pr-2">
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="py-1 pr-2">
                    <PriorityBadge priority={t.priority} />
                  </td>
                  <td className="py-1 pr-2 whitespace-nowrap">
                    {t.dueDate ? new Date(t.dueDate).toLocaleString() : '—'}
                  </td>
                  <td className="py-1">{t.tags.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {valid > rows.length ? (
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">…and {valid - rows.length} more.</p>
          ) : null}
        </div>
      ) : null}
      <RowErrors failed={preview.failed} />
    </section>
  );
}

export function ImportDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const previewing = usePreviewImport();
  const importing = useImportTasks();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat>('native');
  const [detected, setDetected] = useState<ImportFormat | null>(null);

  const reset = () => {
    previewing.reset();
    importing.reset();
  };
  const chooseFile = async (f: File | null) => {
    reset();
    setFile(f);
    setDetected(null);
    if (!f) return;
    const guess = await detectImportFormat(f);
    setDetected(guess);
    setFormat(guess);
  };

  const preview = previewing.data;
  const result = importing.data;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    if (preview && !result) importing.mutate({ file, format });
    else previewing.mutate({ file, format });
  };
  const error = previewing.error ?? importing.error;

  return (
    <Dialog
      open={open}
      wide
      onOpenChange={(o) => {
        if (!o) reset();
        onOpenChange(o);
      }}
      title="Import tasks"
      description="This app's CSV (title, description, status, priority, dueDate, tags separated by ;) or JSON array, a Todoist CSV, a Trello board export or a Vikunja export, up to 10,000 tasks. Lists, sections, projects and labels become tags. You see a preview before anything is imported."
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <FormError message={error ? errorMessage(error) : null} />
        <label className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          File
          <input
            type="file"
            accept=".csv,.json,.zip,text/csv,application/json,application/zip"
            className="mt-1 block w-full text-sm"
            onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <SelectField
          label="Format"
          value={format}
          options={FORMAT_OPTIONS}
          hint={detected ? `Detected from the file: ${FORMAT_LABELS[detected]}` : undefined}
          onChange={(e) => {
            reset();
            setFormat(e.target.value as ImportFormat);
          }}
        />
        {preview && !result ? <ImportPreview preview={preview} /> : null}
        {result ? (
          <div
            role="status"
            className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
          >
            <p>
              Imported {plural(result.imported, 'task')}
              {result.failed.length ? `; ${result.failed.length} row(s) refused:` : '.'}
            </p>
            <RowErrors failed={result.failed} />
          </div>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Close
          </Button>
          {preview && !result ? (
            <Button type="submit" disabled={!preview.valid} busy={importing.isPending}>
              Import {plural(preview.valid ?? 0, 'task')}
            </Button>
          ) : (
            <Button type="submit" disabled={!file || Boolean(result)} busy={previewing.isPending}>
              Preview
            </Button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
