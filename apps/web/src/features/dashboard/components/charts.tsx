/**
 * Dashboard charts as plain SVG (no chart library: three small charts do not need one). This module is a lazy
 * chunk loaded only by the dashboard. Each chart has a text alternative (a visually hidden table).
 */
import type { TaskStats } from '@primetrade/shared';
import { formatDay, formatNumber, labelOf } from '../../../lib/format';
import { useT } from '../../../lib/i18n';

const STATUS_COLORS = { pending: '#94a3b8', in_progress: '#6366f1', completed: '#10b981', cancelled: '#52525b' };
const PRIORITY_COLORS = { low: '#94a3b8', medium: '#0ea5e9', high: '#f59e0b', urgent: '#ef4444' };

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <figure className="rounded-lg bg-white p-4 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
      <figcaption className="mb-3 text-sm font-medium text-slate-700 dark:text-slate-200">{title}</figcaption>
      {children}
    </figure>
  );
}

function HiddenTable({ caption, rows }: { caption: string; rows: Array<[string, ...Array<string | number>]> }) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <tbody>
        {rows.map(([head, ...cells]) => (
          <tr key={head}>
            <th scope="row">{head}</th>
            {cells.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
              <td key={i}>{typeof c === 'number' ? formatNumber(c) : c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StatusDonut({ byStatus }: { byStatus: TaskStats['byStatus'] }) {
  const entries = Object.entries(byStatus) as Array<[keyof typeof STATUS_COLORS, number]>;
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const r = 40;
  const c = 2 * Math.PI * r;
  let offset = 0;
  const t = useT('dashboard');
  return (
    <Card title={t('charts.byStatus')}>
      <div className="flex items-center gap-6">
        <svg viewBox="0 0 100 100" className="size-36 -rotate-90" aria-hidden="true">
          <circle
            cx="50"
            cy="50"
            r={r}
            fill="none"
            className="stroke-slate-200 dark:stroke-slate-700"
            strokeWidth="16"
          />
          {total > 0
            ? entries.map(([status, n]) => {
                const len = (n / total) * c;
                const el = (
                  <circle
                    key={status}
                    cx="50"
                    cy="50"
                    r={r}
                    fill="none"
                    stroke={STATUS_COLORS[status]}
                    strokeWidth="16"
                    strokeDasharray={`${len} ${c - len}`}
                    strokeDashoffset={-offset}
                  />
                );
                offset += len;
                return el;
              })
            : null}
        </svg>
        <ul className="space-y-1 text-sm">
          {entries.map(([status, n]) => (
            <li key={status} className="flex items-center gap-2">
              <span className="size-3 rounded-sm" style={{ background: STATUS_COLORS[status] }} aria-hidden="true" />
              {labelOf(status)} <span className="font-medium">{formatNumber(n)}</span>
            </li>
          ))}
        </ul>
      </div>
      <HiddenTable caption={t('charts.byStatusCaption')} rows={entries.map(([s, n]) => [labelOf(s), n])} />
    </Card>
  );
}

function PriorityBars({ byPriority }: { byPriority: TaskStats['byPriority'] }) {
  const entries = Object.entries(byPriority) as Array<[keyof typeof PRIORITY_COLORS, number]>;
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const t = useT('dashboard');
  return (
    <Card title={t('charts.byPriority')}>
      <div className="space-y-2" aria-hidden="true">
        {entries.map(([p, n]) => (
          <div key={p} className="flex items-center gap-2 text-sm">
            <span className="w-16 text-slate-600 dark:text-slate-300">{labelOf(p)}</span>
            <div className="h-4 flex-1 rounded bg-slate-100 dark:bg-slate-800">
              <div className="h-4 rounded" style={{ width: `${(n / max) * 100}%`, background: PRIORITY_COLORS[p] }} />
            </div>
            <span className="w-8 text-right font-medium">{formatNumber(n)}</span>
          </div>
        ))}
      </div>
      <HiddenTable caption={t('charts.byPriorityCaption')} rows={entries.map(([p, n]) => [labelOf(p), n])} />
    </Card>
  );
}

function DailyLine({ daily }: { daily: TaskStats['daily'] }) {
  const w = 600;
  const h = 160;
  const pad = 24;
  const max = Math.max(1, ...daily.flatMap((d) => [d.created, d.completed]));
  const x = (i: number) => pad + (daily.length > 1 ? (i / (daily.length - 1)) * (w - 2 * pad) : 0);
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const path = (key: 'created' | 'completed') =>
    daily.map((d, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(d[key]).toFixed(1)}`).join(' ');
  const t = useT('dashboard');
  return (
    <Card title={t('charts.daily')}>
      <svg viewBox={`0 0 ${w} ${h}`} className="h-44 w-full" aria-hidden="true" preserveAspectRatio="none">
        <line x1={pad} x2={w - pad} y1={h - pad} y2={h - pad} className="stroke-slate-300 dark:stroke-slate-600" />
        {daily.length ? (
          <>
            <path d={path('created')} fill="none" stroke="#6366f1" strokeWidth="2" vectorEffect="non-scaling-stroke" />
            <path
              d={path('completed')}
              fill="none"
              stroke="#10b981"
              strokeWidth="2"
              vectorEffect="non-scaling-stroke"
            />
          </>
        ) : null}
      </svg>
      <div className="flex justify-between text-xs text-slate-500 dark:text-slate-400" aria-hidden="true">
        <span>{daily[0] ? formatDay(daily[0].date) : null}</span>
        <span>{t('charts.peak', { max })}</span>
        <span>{daily.length ? formatDay((daily[daily.length - 1] as { date: string }).date) : null}</span>
      </div>
      <div className="mt-2 flex gap-4 text-xs text-slate-600 dark:text-slate-300" aria-hidden="true">
        <span className="flex items-center gap-1">
          <span className="h-0.5 w-4 bg-indigo-500" /> {t('charts.created')}
        </span>
        <span className="flex items-center gap-1">
          <span className="h-0.5 w-4 bg-emerald-500" /> {t('charts.completed')}
        </span>
      </div>
      <table className="sr-only">
        <caption>{t('charts.dailyCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.date')}</th>
            <th scope="col">{t('charts.created')}</th>
            <th scope="col">{t('charts.completed')}</th>
          </tr>
        </thead>
        <tbody>
          {daily.map((d) => (
            <tr key={d.date}>
              <th scope="row">{formatDay(d.date)}</th>
              <td>{formatNumber(d.created)}</td>
              <td>{formatNumber(d.completed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export default function Charts({ stats }: { stats: TaskStats }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="charts">
      <StatusDonut byStatus={stats.byStatus} />
      <PriorityBars byPriority={stats.byPriority} />
      <div className="lg:col-span-2">
        <DailyLine daily={stats.daily} />
      </div>
    </div>
  );
}
