/**
 * A project's numbers (GET /tasks/stats?projectId=): total, overdue, and the counts by status and by priority, as
 * the dashboard shows them for all projects. Cached under the stats key, so every task event refreshes it.
 */
import { TASK_PRIORITIES, TASK_STATUSES } from '@primetrade/shared';
import { FormError } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useProjectStats } from '../api/task-detail';

const chip =
  'flex items-baseline gap-1.5 rounded-md bg-white px-2.5 py-1 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700';

export function ProjectStats({ projectId }: { projectId: string }) {
  const t = useT('projects');
  const tt = useT('tasks');
  const stats = useProjectStats(projectId);
  if (stats.isError) return <FormError message={errorMessage(stats.error)} />;
  if (!stats.data) return null;
  const s = stats.data;
  const group = (label: string, items: Array<[string, string, number]>) => (
    <div className="flex flex-wrap items-center gap-2">
      <h3 className="text-xs font-semibold text-slate-600 dark:text-slate-300">{label}</h3>
      <dl className="flex flex-wrap gap-2">
        {items.map(([key, name, value]) => (
          <div key={key} className={chip} data-testid={`stat-${key}`}>
            <dt className="text-xs text-slate-600 dark:text-slate-300">{name}</dt>
            <dd className="font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
  return (
    <section aria-label={t('page.stats')} className="space-y-2 text-sm" data-testid="project-stats">
      {group(t('page.stats'), [
        ['total', t('page.total'), s.total],
        ['overdue', t('page.overdue'), s.overdue],
      ])}
      {group(
        t('page.byStatus'),
        TASK_STATUSES.map((k) => [k, tt(`status.${k}`), s.byStatus[k]]),
      )}
      {group(
        t('page.byPriority'),
        TASK_PRIORITIES.map((k) => [k, tt(`priority.${k}`), s.byPriority[k]]),
      )}
    </section>
  );
}
