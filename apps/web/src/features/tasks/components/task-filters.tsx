import { useEffect, useId, useState } from 'react';
import { labelOf } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { PRIORITIES, SORTS, STATUSES, type TaskSearch } from '../search';

const control =
  'rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-600 dark:bg-slate-900';

/** Search box (debounced) and filters; every value lives in the URL. */
export function TaskFilters({
  search,
  onChange,
}: {
  search: TaskSearch;
  onChange: (patch: Partial<TaskSearch>) => void;
}) {
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

  return (
    <search className="flex flex-wrap items-end gap-3" aria-label="Filter tasks">
      <div className="flex min-w-48 flex-1 flex-col gap-1">
        <label htmlFor={`${id}-q`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          Search
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Search titles and descriptions"
          className={control}
          maxLength={200}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-status`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          Status
        </label>
        <select
          id={`${id}-status`}
          className={control}
          value={search.status ?? ''}
          onChange={(e) => onChange({ status: e.target.value || undefined })}
        >
          <option value="">Any</option>
          <option value="pending,in_progress">Open</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {labelOf(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-priority`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          Priority
        </label>
        <select
          id={`${id}-priority`}
          className={control}
          value={search.priority ?? ''}
          onChange={(e) => onChange({ priority: e.target.value || undefined })}
        >
          <option value="">Any</option>
          <option value="high,urgent">High or urgent</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {labelOf(p)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex w-28 flex-col gap-1">
        <label htmlFor={`${id}-tag`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          Tag
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
          Due from
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
          Due until
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
        Overdue
      </label>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-sort`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          Sort
        </label>
        <select
          id={`${id}-sort`}
          className={control}
          value={search.sort ?? (search.q ? '' : '-createdAt')}
          onChange={(e) => onChange({ sort: e.target.value || undefined })}
        >
          {search.q ? <option value="">Best match</option> : null}
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
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
          Clear filters
        </button>
      ) : null}
    </search>
  );
}
