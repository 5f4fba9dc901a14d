/**
 * A task's detail panel (a dialog with its own URL: /projects/:id?task=<taskId>): its fields, its subtasks (list,
 * add, toggle done — one level deep, so a subtask has none), its history with who made each change, and its
 * comments (supplied by the app: this feature does not import the comments feature). Escape closes it and focus
 * returns to the row or card that opened it (Radix). A viewer sees everything and changes nothing.
 */
import type { HistoryEntry, ProjectMember, ProjectRole, Task } from '@primetrade/shared';
import { TITLE_MAX } from '@primetrade/shared';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime, formatDue } from '../../../lib/format';
import { translate, useT } from '../../../lib/i18n';
import { useAddSubtask, useSubtasks, useTaskDetail, useTaskHistoryEntries, useToggleSubtask } from '../api/task-detail';

export interface TaskDetailProps {
  taskId: string | null;
  role: ProjectRole | undefined;
  members: ProjectMember[];
  onClose: () => void;
  /** Opens the task form on this task (owner, editor). */
  onEdit: (taskId: string) => void;
  /** Opens another task (a subtask, or the parent) in the panel. */
  onOpenTask: (taskId: string) => void;
  /** The comments section for a task (the app passes the comments feature's panel). */
  comments?: (task: Task, canWrite: boolean) => ReactNode;
}

export function TaskDetailPanel({ taskId, role, members, onClose, onEdit, onOpenTask, comments }: TaskDetailProps) {
  const t = useT('projects');
  // What had focus when the panel opened (read while rendering the opening, before the dialog takes focus): it gets
  // focus back on close — also when the panel closes by a URL change, where Radix has nothing to return to.
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (taskId !== null && !wasOpen.current && typeof document !== 'undefined') {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }
  wasOpen.current = taskId !== null;
  useEffect(() => {
    if (taskId !== null) return;
    const el = opener.current;
    if (!el) return;
    const timer = setTimeout(() => {
      if (el.isConnected && (document.activeElement === document.body || document.activeElement === null)) el.focus();
    }, 0);
    return () => clearTimeout(timer);
  }, [taskId]);
  return (
    <Dialog open={taskId !== null} onOpenChange={(o) => !o && onClose()} title={t('detail.title')} wide>
      {taskId ? (
        <DetailBody
          key={taskId}
          taskId={taskId}
          role={role}
          members={members}
          onEdit={onEdit}
          onOpenTask={onOpenTask}
          comments={comments}
        />
      ) : null}
    </Dialog>
  );
}

function DetailBody({
  taskId,
  role,
  members,
  onEdit,
  onOpenTask,
  comments,
}: Omit<TaskDetailProps, 'taskId' | 'onClose'> & { taskId: string }) {
  const t = useT('projects');
  const tt = useT('tasks');
  const detail = useTaskDetail(taskId);
  if (detail.isPending) return <Spinner label={t('detail.loading')} />;
  if (detail.isError) return <FormError message={errorMessage(detail.error)} />;
  const task = detail.data.task;
  const canWrite = role === 'owner' || role === 'editor';
  const assignee = task.assigneeId ? members.find((m) => m.userId === task.assigneeId)?.name : undefined;
  return (
    <div className="space-y-5" data-testid="task-detail">
      <div className="flex flex-wrap items-start gap-3">
        <h3 className="min-w-0 flex-1 text-xl font-semibold break-words" data-testid="task-detail-title">
          {task.title}
        </h3>
        {canWrite ? (
          <Button variant="secondary" size="sm" onClick={() => onEdit(task.id)}>
            {t('detail.edit')}
          </Button>
        ) : null}
      </div>
      {task.parentId ? (
        <p className="text-sm">
          <button
            type="button"
            className="text-indigo-700 hover:underline dark:text-indigo-300"
            onClick={() => task.parentId && onOpenTask(task.parentId)}
          >
            {t('detail.parent')}
          </button>
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3" data-testid="task-fields">
        <Field label={tt('fields.status')} value={tt(`status.${task.status}`)} />
        <Field label={tt('fields.priority')} value={tt(`priority.${task.priority}`)} />
        <Field label={tt('fields.dueDate')} value={task.dueDate ? formatDue(task.dueDate) : t('detail.none')} />
        <Field label={tt('fields.assigneeId')} value={assignee ?? t('detail.unassigned')} />
        <Field label={tt('fields.tags')} value={task.tags.length ? task.tags.join(', ') : t('detail.none')} />
        <Field label={t('detail.updated')} value={formatDateTime(task.updatedAt)} />
      </dl>
      {task.description ? (
        <div>
          <h4 className="text-sm font-semibold">{tt('fields.description')}</h4>
          <p className="mt-1 text-sm break-words whitespace-pre-wrap">{task.description}</p>
        </div>
      ) : null}
      {task.parentId ? null : <Subtasks parent={task} canWrite={canWrite} onOpenTask={onOpenTask} />}
      <History taskId={task.id} members={members} />
      {comments ? comments(task, canWrite) : null}
    </div>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="font-medium break-words">{value}</dd>
    </div>
  );
}

export function Subtasks({
  parent,
  canWrite,
  onOpenTask,
}: {
  parent: Task;
  canWrite: boolean;
  onOpenTask: (id: string) => void;
}) {
  const t = useT('projects');
  const toast = useToast();
  const subtasks = useSubtasks(parent.id);
  const add = useAddSubtask(parent);
  const toggle = useToggleSubtask(parent.id);
  const [title, setTitle] = useState('');
  const list = subtasks.data ?? [];
  const done = list.filter((s) => s.status === 'completed').length;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const value = title.trim();
    if (!value) return;
    add.mutate(value, { onSuccess: () => setTitle('') });
  };

  return (
    <section aria-labelledby="subtasks-heading" className="space-y-2">
      <h4 id="subtasks-heading" className="text-sm font-semibold">
        {t('detail.subtasks')}{' '}
        {list.length ? (
          <span className="font-normal text-slate-600 dark:text-slate-300" data-testid="subtask-count">
            {t('detail.subtaskCount', { done, total: list.length })}
          </span>
        ) : null}
      </h4>
      {subtasks.isPending ? <Spinner label={t('detail.loading')} /> : null}
      {subtasks.isError ? <FormError message={errorMessage(subtasks.error)} /> : null}
      {subtasks.data && list.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('detail.noSubtasks')}</p>
      ) : null}
      <ul className="space-y-1" data-testid="subtasks">
        {list.map((s) => (
          <li key={s.id} className="flex items-center gap-2 text-sm" data-testid="subtask">
            <input
              type="checkbox"
              className="size-4"
              checked={s.status === 'completed'}
              disabled={!canWrite}
              aria-label={t('detail.markDone', { title: s.title })}
              onChange={() =>
                toggle.mutate(s, {
                  onError: (err) => toast(t('detail.notSaved', { reason: errorMessage(err) }), 'error'),
                })
              }
            />
            <button
              type="button"
              className={
                s.status === 'completed'
                  ? 'min-w-0 text-left break-words text-slate-500 line-through hover:underline'
                  : 'min-w-0 text-left break-words hover:underline'
              }
              onClick={() => onOpenTask(s.id)}
            >
              {s.title}
            </button>
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form onSubmit={onSubmit} noValidate className="flex items-end gap-2">
          <TextField
            className="flex-1"
            label={t('detail.newSubtask')}
            name="subtask"
            value={title}
            maxLength={TITLE_MAX}
            onChange={(e) => setTitle(e.target.value)}
            error={add.error ? errorMessage(add.error) : undefined}
          />
          <Button type="submit" size="sm" busy={add.isPending} disabled={!title.trim()}>
            {t('detail.addSubtask')}
          </Button>
        </form>
      ) : null}
    </section>
  );
}

const ENUM_FIELDS = new Set(['status', 'priority']);
const show = (v: unknown, field: string) => {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string' && ENUM_FIELDS.has(field)) return translate('tasks', `${field}.${v}`);
  if (Array.isArray(v)) return v.join(', ') || '—';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatDateTime(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** Ids a person cannot read (board keys, the project and parent, shown elsewhere) are left out of the history. */
const HIDDEN_FIELDS = new Set(['position', 'projectId', 'parentId']);

function HistoryItem({ entry, nameOf }: { entry: HistoryEntry; nameOf: (id: unknown) => unknown }) {
  const t = useT('projects');
  const tt = useT('tasks');
  const value = (v: unknown, field: string) => show(field === 'assigneeId' ? nameOf(v) : v, field);
  const changes = Object.entries(entry.changes).filter(
    ([f, c]) => !HIDDEN_FIELDS.has(f) && value(c.from, f) !== value(c.to, f),
  );
  return (
    <li className="border-l-2 border-indigo-200 pl-3 dark:border-indigo-800" data-testid="history-entry">
      <p className="text-sm">
        <span className="font-medium">{tt(`history.type.${entry.type}`)}</span>{' '}
        <span className="text-slate-600 dark:text-slate-300">
          {t('detail.by', { name: entry.actorName, when: formatDateTime(entry.createdAt) })}
        </span>
      </p>
      {changes.length === 0 && 'position' in entry.changes ? (
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{t('detail.movedOnBoard')}</p>
      ) : null}
      {changes.length ? (
        <ul className="mt-1 space-y-0.5 text-xs text-slate-600 dark:text-slate-300">
          {changes.map(([field, c]) => (
            <li key={field} className="break-words">
              <span className="font-medium">{tt(`fields.${field}`, { defaultValue: field })}</span>:{' '}
              {value(c.from, field)} → {value(c.to, field)}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function History({ taskId, members }: { taskId: string; members: ProjectMember[] }) {
  const t = useT('projects');
  const nameOf = (id: unknown) => members.find((m) => m.userId === id)?.name ?? id;
  const history = useTaskHistoryEntries(taskId);
  return (
    <section aria-labelledby="history-heading" className="space-y-2">
      <h4 id="history-heading" className="text-sm font-semibold">
        {t('detail.history')}
      </h4>
      {history.isPending ? <Spinner label={t('detail.loading')} /> : null}
      {history.isError ? <FormError message={errorMessage(history.error)} /> : null}
      {history.data?.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('detail.noHistory')}</p>
      ) : null}
      <ol className="max-h-60 space-y-2 overflow-y-auto" data-testid="history">
        {(history.data ?? []).map((e) => (
          <HistoryItem key={e.id} entry={e} nameOf={nameOf} />
        ))}
      </ol>
    </section>
  );
}
