import type { HistoryEntry } from '@primetrade/shared';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { fieldLabel, formatDateTime } from '../../../lib/format';
import { translate, useT } from '../../../lib/i18n';
import { useTaskHistory } from '../api/get-task-history';

/** Values whose words are labels of an enum (status, priority). */
const ENUM_FIELDS = new Set(['status', 'priority']);

const show = (v: unknown, field: string) => {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string' && ENUM_FIELDS.has(field)) return translate('tasks', `${field}.${v}`);
  if (Array.isArray(v)) return v.join(', ') || '—';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatDateTime(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

function Entry({ entry }: { entry: HistoryEntry }) {
  const t = useT('tasks');
  const changes = Object.entries(entry.changes);
  return (
    <li className="border-l-2 border-indigo-200 pl-3 dark:border-indigo-800">
      <p className="text-sm font-medium">
        {t(`history.type.${entry.type}`)}{' '}
        <span className="font-normal text-slate-500 dark:text-slate-400">· {formatDateTime(entry.createdAt)}</span>
      </p>
      {changes.length ? (
        <ul className="mt-1 space-y-0.5 text-xs text-slate-600 dark:text-slate-300">
          {changes.map(([field, c]) => (
            <li key={field} className="break-words">
              <span className="font-medium">{t(`fields.${field}`, { defaultValue: fieldLabel(field) })}</span>:{' '}
              {show(c.from, field)} → {show(c.to, field)}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function HistoryBody({ id }: { id: string }) {
  const t = useT('tasks');
  const query = useTaskHistory(id);
  if (query.isPending) return <Spinner />;
  if (query.isError) return <FormError message={errorMessage(query.error)} />;
  if (!query.data.length) return <p className="text-sm text-slate-600 dark:text-slate-300">{t('history.empty')}</p>;
  return (
    <ol className="space-y-3">
      {query.data.map((e) => (
        <Entry key={e.id} entry={e} />
      ))}
    </ol>
  );
}

export function TaskHistoryDialog({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const t = useT('tasks');
  return (
    <Dialog open={taskId !== null} onOpenChange={(o) => !o && onClose()} title={t('history.title')}>
      {taskId ? <HistoryBody id={taskId} /> : null}
    </Dialog>
  );
}
