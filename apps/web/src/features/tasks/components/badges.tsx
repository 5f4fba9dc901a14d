import type { TaskPriority, TaskStatus } from '@primetrade/shared';
import { cn } from '../../../lib/cn';
import { labelOf } from '../../../lib/format';

const priorityTone: Record<TaskPriority, string> = {
  low: 'bg-slate-100 text-slate-700',
  medium: 'bg-sky-100 text-sky-800',
  high: 'bg-amber-100 text-amber-800',
  urgent: 'bg-red-100 text-red-800',
};
const statusTone: Record<TaskStatus, string> = {
  pending: 'bg-slate-100 text-slate-700',
  in_progress: 'bg-indigo-100 text-indigo-800',
  completed: 'bg-emerald-100 text-emerald-800',
  cancelled: 'bg-zinc-200 text-zinc-700',
};

export const PriorityBadge = ({ priority }: { priority: TaskPriority }) => (
  <span className={cn('rounded px-1.5 py-0.5 text-xs font-medium', priorityTone[priority])}>{labelOf(priority)}</span>
);
export const StatusBadge = ({ status }: { status: TaskStatus }) => (
  <span className={cn('rounded px-1.5 py-0.5 text-xs font-medium', statusTone[status])}>{labelOf(status)}</span>
);
