import { IMPORT_FORMATS } from '@primetrade/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, SelectField } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import {
  detectImportFormat,
  type ImportFormat,
  type ImportResult,
  useImportTasks,
  usePreviewImport,
} from '../api/import-tasks';
import { PriorityBadge, StatusBadge } from './badges';

function RowErrors({ failed }: { failed: ImportResult['failed'] }) {
  const t = useT('tasks');
  if (!failed.length) return null;
  return (
    <ul
      aria-label={t('import.rowErrors')}
      className="mt-2 max-h-32 list-disc overflow-auto pl-5 text-xs text-red-700 dark:text-red-300"
    >
      {failed.slice(0, 100).map((f) => (
        <li key={f.row}>
          {t('import.row', { row: f.row, errors: f.errors.map((e) => `${e.path}: ${e.message}`).join('; ') })}
        </li>
      ))}
    </ul>
  );
}

/** The dry run's answer: the counts, the first mapped tasks and the rows that would be refused. */
export function ImportPreview({ preview }: { preview: ImportResult }) {
  const t = useT('tasks');
  const rows = preview.preview ?? [];
  const valid = preview.valid ?? rows.length;
  return (
    <section
      aria-label={t('import.previewLabel')}
      className="space-y-2 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
    >
      <p>
        {t('import.found', { count: preview.total ?? valid + preview.failed.length, valid })}
        {preview.failed.length ? t('import.withErrors', { count: preview.failed.length }) : ''}
        {preview.skipped ? t('import.archived', { count: preview.skipped }) : ''}.
      </p>
      {rows.length ? (
        <div className="max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{t('import.caption', { shown: rows.length, count: valid })}</caption>
            <thead>
              <tr className="text-slate-500 dark:text-slate-400">
                <th scope="col" className="py-1 pr-2 font-medium">
                  {t('fields.title')}
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  {t('fields.status')}
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  {t('fields.priority')}
                </th>
                <th scope="col" className="py-1 pr-2 font-medium">
                  {t('form.due')}
                </th>
                <th scope="col" className="py-1 font-medium">
                  {t('fields.tags')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id; their order is fixed
                <tr key={i} className="border-t border-slate-200 align-top dark:border-slate-700">
                  <td className="py-1 pr-2 break-words">{row.title}</td>
                  <td className="py-1 pr-2">
                    <StatusBadge status={row.status} />
                  </td>
                  <td className="py-1 pr-2">
                    <PriorityBadge priority={row.priority} />
                  </td>
                  <td className="py-1 pr-2 whitespace-nowrap">{row.dueDate ? formatDateTime(row.dueDate) : '—'}</td>
                  <td className="py-1">{row.tags.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {valid > rows.length ? (
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
              {t('import.more', { count: valid - rows.length })}
            </p>
          ) : null}
        </div>
      ) : null}
      <RowErrors failed={preview.failed} />
    </section>
  );
}

export function ImportDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT('tasks');
  const formatOptions = IMPORT_FORMATS.map((value) => ({ value, label: t(`import.formats.${value}`) }));
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
      title={t('import.title')}
      description={t('import.description')}
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <FormError message={error ? errorMessage(error) : null} />
        <label className="block text-sm font-medium text-slate-700 dark:text-slate-200">
          {t('import.file')}
          <input
            type="file"
            accept=".csv,.json,.zip,text/csv,application/json,application/zip"
            className="mt-1 block w-full text-sm"
            onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <SelectField
          label={t('import.format')}
          value={format}
          options={formatOptions}
          hint={detected ? t('import.detected', { format: t(`import.formats.${detected}`) }) : undefined}
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
              {t('import.imported', { count: result.imported })}
              {result.failed.length ? t('import.refused', { count: result.failed.length }) : '.'}
            </p>
            <RowErrors failed={result.failed} />
          </div>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            {t('import.close')}
          </Button>
          {preview && !result ? (
            <Button type="submit" disabled={!preview.valid} busy={importing.isPending}>
              {t('import.submit', { count: preview.valid ?? 0 })}
            </Button>
          ) : (
            <Button type="submit" disabled={!file || Boolean(result)} busy={previewing.isPending}>
              {t('import.preview')}
            </Button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
