import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { formatNumber } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useAdminJobs, useAdminStats } from '../api/get-overview';

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2 dark:bg-slate-800">
      <dt className="text-xs text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums">{formatNumber(value)}</dd>
    </div>
  );
}

const panel = 'rounded-lg bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700';

/** Users and tasks at a glance (GET /admin/stats). */
export function StatsPanel() {
  const t = useT('admin');
  const stats = useAdminStats();
  return (
    <section aria-labelledby="admin-stats" className={panel}>
      <h2 id="admin-stats" className="text-lg font-semibold">
        {t('stats.title')}
      </h2>
      {stats.isPending ? (
        <Spinner label={t('stats.loading')} />
      ) : stats.isError ? (
        <FormError message={errorMessage(stats.error)} />
      ) : (
        <dl className="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-4">
          <Figure label={t('stats.users')} value={stats.data.users} />
          <Figure label={t('stats.activeUsers')} value={stats.data.activeUsers} />
          <Figure label={t('stats.disabledUsers')} value={stats.data.users - stats.data.activeUsers} />
          <Figure label={t('stats.tasks')} value={stats.data.tasks} />
          {Object.entries(stats.data.tasksByStatus).map(([status, n]) => (
            <Figure key={status} label={t(`stats.byStatus.${status}`, { defaultValue: status })} value={n} />
          ))}
        </dl>
      )}
    </section>
  );
}

/** The background queue (GET /admin/jobs): counts per state and the most recent failures. */
export function JobsPanel() {
  const t = useT('admin');
  const jobs = useAdminJobs();
  return (
    <section aria-labelledby="admin-jobs" className={panel}>
      <h2 id="admin-jobs" className="text-lg font-semibold">
        {t('jobs.title')}
      </h2>
      {jobs.isPending ? (
        <Spinner label={t('jobs.loading')} />
      ) : jobs.isError ? (
        <FormError message={errorMessage(jobs.error)} />
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            {t('jobs.queue', { kind: jobs.data.kind === 'bullmq' ? 'BullMQ (Redis)' : t('jobs.inProcess') })}
          </p>
          <dl className="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-5">
            {(['waiting', 'active', 'delayed', 'completed', 'failed'] as const).map((k) => (
              <Figure key={k} label={t(`jobs.states.${k}`)} value={jobs.data.counts[k]} />
            ))}
          </dl>
          {jobs.data.failed.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">{t('jobs.noFailed')}</p>
          ) : (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">{t('jobs.failedCaption')}</caption>
                <thead className="text-xs text-slate-600 dark:text-slate-300">
                  <tr>
                    <th className="py-1 pr-3 font-medium">{t('jobs.job')}</th>
                    <th className="py-1 pr-3 font-medium">{t('jobs.attempts')}</th>
                    <th className="py-1 font-medium">{t('jobs.error')}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
                  {jobs.data.failed.map((j) => (
                    <tr key={j.id}>
                      <td className="py-1 pr-3">
                        <span className="font-medium">{j.name}</span>{' '}
                        <span className="text-xs text-slate-600 dark:text-slate-300">{j.id}</span>
                      </td>
                      <td className="py-1 pr-3 tabular-nums">{formatNumber(j.attempts)}</td>
                      <td className="py-1 break-all">{j.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
