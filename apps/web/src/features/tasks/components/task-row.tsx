import type { Task } from '@primetrade/shared';
import { memo, useEffect, useState } from 'react';
import { PendingMark } from '../../../components/ui/pending-mark';
import { AssigneeMark, ProjectMark } from '../../../components/project-marks';
import { Menu } from '../../../components/ui/menu';
import { cn } from '../../../lib/cn';
import { formatDue } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { PriorityBadge, StatusBadge } from './badges';
import { describeRule } from './quick-add-draft';

export interface TaskRowActions {
  onToggleSelect: (id: string) => void;
  onToggleDone: (task: Task) => void;
  onEdit: (id: string) => void;
  onHistory: (id: string) => void;
  onDelete: (task: Task) => void;
}

function isOverdue(t: Task) {
  return t.dueDate !== null && t.status !== 'completed' && t.status !== 'cancelled' && new Date(t.dueDate) < new Date();
}

export const TaskRow = memo(function TaskRow({
  task,
  selected,
  selecting = false,
  actions,
}: {
  task: Task;
  selected: boolean;
  /** Some row is selected: every row shows its selection box (else it shows on hover or focus, where there is one). */
  selecting?: boolean;
  actions: TaskRowActions;
}) {
  // The done box answers the click at once. The list cache follows a moment later (the mutation first cancels list
  // fetches, which is asynchronous); any new task object from the cache (optimistic, server or rollback) ends the
  // local answer.
  const t = useT('tasks');
  const [pendingDone, setPendingDone] = useState<boolean | null>(null);
  useEffect(() => {
    if (task) setPendingDone(null);
  }, [task]);
  const done = pendingDone ?? task.status === 'completed';
  return (
    <div
      className={cn(
        'group flex items-start gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-700',
        selected ? 'bg-indigo-50 dark:bg-indigo-950' : 'bg-white dark:bg-slate-900',
      )}
      data-testid="task-row"
      data-task-id={task.id}
    >
      <input
        type="checkbox"
        className={cn(
          'mt-1 size-4 transition-opacity',
          // Selection is a square box that stays out of the way: with a mouse it shows on hover or keyboard focus
          // (always while some row is selected); on touch screens it is always there.
          !selected &&
            !selecting &&
            'pointer-fine:opacity-0 pointer-fine:group-hover:opacity-100 focus-visible:opacity-100',
        )}
        checked={selected}
        onChange={() => actions.onToggleSelect(task.id)}
        aria-label={t('row.select', { title: task.title })}
      />
      {/* Done is a round check, unlike the square selection box. */}
      <span className="relative mt-0.5 inline-flex size-5 shrink-0">
        <input
          type="checkbox"
          className="peer size-5 cursor-pointer appearance-none rounded-full border-2 border-slate-400 bg-white checked:border-emerald-600 checked:bg-emerald-600 hover:border-emerald-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:border-slate-500 dark:bg-slate-900 dark:checked:bg-emerald-600 dark:focus-visible:outline-indigo-400"
          checked={done}
          onChange={() => {
            setPendingDone(!done);
            actions.onToggleDone(task);
          }}
          aria-label={t(done ? 'row.markNotDone' : 'row.markDone', { title: task.title })}
        />
        <svg
          viewBox="0 0 16 16"
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 m-auto hidden size-3 text-white peer-checked:block"
        >
          <path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
        </svg>
      </span>
      <div className="min-w-0 flex-1">
        <button
          type="button"
          onClick={() => actions.onEdit(task.id)}
          className={cn(
            // A long title wraps (it is never cut): the row's actions are one menu button on a phone.
            'block max-w-full text-left font-medium break-words [overflow-wrap:anywhere] hover:text-indigo-700 dark:hover:text-indigo-200',
            done && 'text-slate-500 line-through dark:text-slate-400',
          )}
          data-testid="task-title"
        >
          {task.title}
        </button>
        {task.description ? (
          <p className="truncate text-sm text-slate-600 dark:text-slate-300" data-testid="task-description">
            {task.description}
          </p>
        ) : null}
        <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-slate-600 dark:text-slate-300">
          <StatusBadge status={task.status} />
          <PriorityBadge priority={task.priority} />
          <PendingMark collection="/tasks" id={task.id} />
          {task.projectId ? <ProjectMark projectId={task.projectId} /> : null}
          {task.projectId ? <AssigneeMark projectId={task.projectId} assigneeId={task.assigneeId} /> : null}
          {task.dueDate ? (
            <span className={cn(isOverdue(task) && 'font-medium text-red-700 dark:text-red-300')}>
              {t(isOverdue(task) ? 'row.overdue' : 'row.due', { date: formatDue(task.dueDate) })}
            </span>
          ) : null}
          {task.recurrence ? (
            <span
              role="img"
              aria-label={t('row.repeats', { rule: describeRule(task.recurrence.rule) })}
              title={t('row.repeats', { rule: describeRule(task.recurrence.rule) })}
              data-testid="task-repeats"
            >
              <span aria-hidden="true">↻</span>
            </span>
          ) : null}
          {task.tags.map((tag) => (
            <span
              key={tag}
              className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-700 dark:bg-slate-800 dark:text-slate-200"
            >
              #{tag}
            </span>
          ))}
        </div>
      </div>
      <Menu
        className="shrink-0 sm:hidden"
        label={t('row.actionsFor', { title: task.title })}
        items={[
          { label: t('row.edit'), onSelect: () => actions.onEdit(task.id) },
          { label: t('row.history'), onSelect: () => actions.onHistory(task.id) },
          { label: t('row.delete'), danger: true, onSelect: () => actions.onDelete(task) },
        ]}
      />
      <div className="hidden shrink-0 gap-1 sm:flex">
        <button
          type="button"
          className="rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          onClick={() => actions.onHistory(task.id)}
          aria-label={t('row.historyOf', { title: task.title })}
        >
          {t('row.history')}
        </button>
        <button
          type="button"
          className="rounded px-2 py-1 text-xs text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
          onClick={() => actions.onDelete(task)}
          aria-label={t('row.deleteTitled', { title: task.title })}
        >
          {t('row.delete')}
        </button>
      </div>
    </div>
  );
});
