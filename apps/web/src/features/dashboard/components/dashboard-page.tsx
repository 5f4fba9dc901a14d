import { Link } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { formatNumber, formatPercent } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useStats } from '../api/get-stats';

// The charts are a separate chunk: only the dashboard ever loads them.
const Charts = lazy(() => import('./charts'));

/** The rate may come as a fraction (0-1) or a percentage. */
/** The completion rate, a share (0–1; a percentage above 1 from an older server), through Intl. */
const formatRate = (rate: number) => formatPercent(rate <= 1 ? rate : rate / 100);

/** Today as the task list's URL state writes it (the local date). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const OPEN = 'pending,in_progress';

/** The task list's URL filters a number links to (the list's route validates them). */
interface ListFilter {
  view?: 'today' | 'upcoming';
  status?: string;
  overdue?: boolean;
  dueAfter?: string;
  dueBefore?: string;
}

/** A number on the dashboard; with `search`, a link to the list of exactly those tasks. */
function Stat({
  label,
  value,
  tone,
  search,
}: {
  label: string;
  value: string | number;
  tone?: string;
  search?: ListFilter;
}) {
  const t = useT('dashboard');
  const card = 'rounded-lg bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700';
  const number = (
    <dd className={`mt-1 text-2xl font-semibold ${tone ?? ''}`}>
      {typeof value === 'number' ? formatNumber(value) : value}
    </dd>
  );
  if (!search)
    return (
      <div className={card}>
        <dt className="text-sm text-slate-600 dark:text-slate-300">{label}</dt>
        {number}
      </div>
    );
  // The link stays inside the <dt> (a <dl> may hold only dt/dd groups) and covers the whole card (after:inset-0);
  // its name starts with its visible text, the label (axe: label-content-name-mismatch).
  return (
    <div
      className={`relative ${card} hover:ring-indigo-300 focus-within:ring-2 focus-within:ring-indigo-500 dark:hover:ring-indigo-500`}
    >
      <dt className="text-sm text-slate-600 dark:text-slate-300">
        <Link
          to="/tasks"
          search={search}
          className="after:absolute after:inset-0 focus:outline-none"
          aria-label={t('statLink', { label, value })}
        >
          {label}
        </Link>
      </dt>
      {number}
    </div>
  );
}

export function DashboardPage({ userName }: { userName: string }) {
  const stats = useStats();
  const t = useT('dashboard');
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('welcome', { name: userName })}</h1>
        <Link to="/tasks" className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {t('goToTasks')}
        </Link>
      </div>
      {stats.isPending ? (
        <Spinner label={t('loading')} />
      ) : stats.isError ? (
        <FormError message={errorMessage(stats.error)} />
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-4 md:grid-cols-4 [&>:last-child]:col-span-2" data-testid="stats">
            <Stat label={t('stats.total')} value={stats.data.total} search={{}} />
            <Stat
              label={t('stats.open')}
              value={stats.data.byStatus.pending + stats.data.byStatus.in_progress}
              search={{ status: OPEN }}
            />
            <Stat
              label={t('stats.completed')}
              value={stats.data.byStatus.completed}
              tone="text-emerald-700 dark:text-emerald-300"
              search={{ status: 'completed' }}
            />
            <Stat
              label={t('stats.overdue')}
              value={stats.data.overdue}
              tone={stats.data.overdue ? 'text-red-700 dark:text-red-300' : ''}
              search={{ overdue: true }}
            />
            <Stat
              label={t('stats.dueToday')}
              value={stats.data.dueToday}
              search={{ status: OPEN, dueAfter: today(), dueBefore: today() }}
            />
            <Stat label={t('stats.upcoming')} value={stats.data.dueThisWeek} search={{ view: 'upcoming' }} />
            <Stat label={t('stats.rate')} value={formatRate(stats.data.completionRate)} />
          </dl>
          <Suspense fallback={<Spinner label={t('loadingCharts')} />}>
            <Charts stats={stats.data} />
          </Suspense>
        </>
      )}
    </div>
  );
}
