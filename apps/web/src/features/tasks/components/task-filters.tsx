import { useEffect, useId, useState } from 'react';
import { cn } from '../../../lib/cn';
import { useT } from '../../../lib/i18n';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { PRIORITIES, SORTS, STATUSES, type TaskSearch } from '../search';

const control =
  'rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-600 dark:bg-slate-900';

/**
 * Search box (debounced) and filters; every value lives in the URL. On a small screen the filters sit behind a
 * "Filters" button (a disclosure, with the number of filters set) in a two-column grid; from `sm` up they are
 * one row, as before.
 */
export function TaskFilters({
  search,
  onChange,
}: {
  search: TaskSearch;
  onChange: (patch: Partial<TaskSearch>) => void;
}) {
  const t = useT('tasks');
  const id = useId();
  const [q, setQ] = useState(search.q ?? '');
  const debouncedQ = useDebouncedValue(q, 300);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the typed text settles
  useEffect(() => {
    if ((debouncedQ.trim() || undefined) !== search.q) onChange({ q: debouncedQ.trim() || undefined });
  }, [debouncedQ]);
  // The URL changed from outside (back button, a cleared filter): show it.
  useEffect(() => {
    setQ((current) => ((current.trim() || undefined) === search.q ? current : (search.q ?? '')));
  }, [search.q]);

  const hasFilters = Boolean(
    search.q || search.status || search.priority || search.tag || search.dueAfter || search.dueBefore || search.overdue,
  );
  const [open, setOpen] = useState(false);
  const setCount = [
    search.status,
    search.priority,
    search.tag,
    search.dueAfter,
    search.dueBefore,
    search.overdue,
  ].filter(Boolean).length;

  return (
    <search className="flex flex-wrap items-end gap-3" aria-label={t('filters.label')}>
      <div className="flex min-w-48 flex-1 flex-col gap-1">
        <label htmlFor={`${id}-q`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          {t('filters.search')}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('filters.searchPlaceholder')}
          className={control}
          maxLength={200}
        />
      </div>
      <button
        type="button"
        className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 aria-expanded:bg-slate-100 sm:hidden dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800 dark:aria-expanded:bg-slate-800"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen((o) => !o)}
      >
        {setCount ? t('filters.toggleCount', { count: setCount }) : t('filters.toggle')}
      </button>
      <div
        id={`${id}-panel`}
        data-testid="filter-panel"
        className={cn('w-full grid-cols-2 items-end gap-3 sm:contents', open ? 'grid' : 'hidden')}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-status`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.status')}
          </label>
          <select
            id={`${id}-status`}
            className={control}
            value={search.status ?? ''}
            onChange={(e) => onChange({ status: e.target.value || undefined })}
          >
            <option value="">{t('filters.any')}</option>
            <option value="pending,in_progress">{t('filters.open')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-priority`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.priority')}
          </label>
          <select
            id={`${id}-priority`}
            className={control}
            value={search.priority ?? ''}
            onChange={(e) => onChange({ priority: e.target.value || undefined })}
          >
            <option value="">{t('filters.any')}</option>
            <option value="high,urgent">{t('filters.highOrUrgent')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1 sm:w-28">
          <label htmlFor={`${id}-tag`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.tag')}
          </label>
          <input
            id={`${id}-tag`}
            key={search.tag ?? ''}
            defaultValue={search.tag ?? ''}
            className={control}
            maxLength={30}
            onBlur={(e) => onChange({ tag: e.target.value.trim().toLowerCase() || undefined })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onChange({ tag: e.currentTarget.value.trim().toLowerCase() || undefined });
            }}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-after`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.dueFrom')}
          </label>
          <input
            id={`${id}-after`}
            type="date"
            className={control}
            value={search.dueAfter ?? ''}
            onChange={(e) => onChange({ dueAfter: e.target.value || undefined })}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-before`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.dueUntil')}
          </label>
          <input
            id={`${id}-before`}
            type="date"
            className={control}
            value={search.dueBefore ?? ''}
            onChange={(e) => onChange({ dueBefore: e.target.value || undefined })}
          />
        </div>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input
            type="checkbox"
            checked={search.overdue === true}
            onChange={(e) => onChange({ overdue: e.target.checked || undefined })}
          />
          {t('filters.overdue')}
        </label>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-sort`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            {t('filters.sort')}
          </label>
          <select
            id={`${id}-sort`}
            className={control}
            value={search.sort ?? (search.q ? '' : '-createdAt')}
            onChange={(e) => onChange({ sort: e.target.value || undefined })}
          >
            {search.q ? <option value="">{t('filters.bestMatch')}</option> : null}
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {t(`sort.${s.value}`)}
              </option>
            ))}
          </select>
        </div>
        {hasFilters ? (
          <button
            type="button"
            className="pb-2 text-sm text-indigo-700 hover:underline dark:text-indigo-300"
            onClick={() => {
              setQ('');
              onChange({
                q: undefined,
                status: undefined,
                priority: undefined,
                tag: undefined,
                dueAfter: undefined,
                dueBefore: undefined,
                overdue: undefined,
              });
            }}
          >
            {t('filters.clear')}
          </button>
        ) : null}
      </div>
    </search>
  );
}
