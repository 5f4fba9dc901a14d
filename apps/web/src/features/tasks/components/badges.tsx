import type { TaskPriority, TaskStatus } from '@primetrade/shared';
import { cn } from '../../../lib/cn';
import { useT } from '../../../lib/i18n';

const priorityTone: Record<TaskPriority, string> = {
  low: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  medium: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200',
  high: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  urgent: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200',
};
const statusTone: Record<TaskStatus, string> = {
  pending: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  in_progress: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200',
  completed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200',
  cancelled: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200',
};

export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  const t = useT('tasks');
  return (
    <span className={cn('rounded px-1.5 py-0.5 text-xs font-medium', priorityTone[priority])}>
      {t(`priority.${priority}`)}
    </span>
  );
}
export function StatusBadge({ status }: { status: TaskStatus }) {
  const t = useT('tasks');
  return (
    <span className={cn('rounded px-1.5 py-0.5 text-xs font-medium', statusTone[status])}>{t(`status.${status}`)}</span>
  );
}
