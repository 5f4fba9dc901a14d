import { Link } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { useStats } from '../api/get-stats';

// The charts are a separate chunk: only the dashboard ever loads them.
const Charts = lazy(() => import('./charts'));

/** The rate may come as a fraction (0-1) or a percentage. */
const formatRate = (rate: number) => `${Math.round(rate <= 1 ? rate * 100 : rate)}%`;

function Stat({ label, value, tone }: { label: string; value: string | number; tone?: string }) {
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold ${tone ?? ''}`}>{value}</dd>
    </div>
  );
}

export function DashboardPage({ userName }: { userName: string }) {
  const stats = useStats();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Welcome, {userName}</h1>
        <Link to="/tasks" className="text-sm font-medium text-indigo-700 hover:underline">
          Go to your tasks →
        </Link>
      </div>
      {stats.isPending ? (
        <Spinner label="Loading your numbers" />
      ) : stats.isError ? (
        <FormError message={errorMessage(stats.error)} />
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6" data-testid="stats">
            <Stat label="Total" value={stats.data.total} />
            <Stat label="Open" value={stats.data.byStatus.pending + stats.data.byStatus.in_progress} />
            <Stat label="Completed" value={stats.data.byStatus.completed} tone="text-emerald-700" />
            <Stat label="Overdue" value={stats.data.overdue} tone={stats.data.overdue ? 'text-red-700' : ''} />
            <Stat label="Due today" value={stats.data.dueToday} />
            <Stat label="Completion rate" value={formatRate(stats.data.completionRate)} />
          </dl>
          <Suspense fallback={<Spinner label="Loading charts" />}>
            <Charts stats={stats.data} />
          </Suspense>
        </>
      )}
    </div>
  );
}
