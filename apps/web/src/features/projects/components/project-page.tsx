/**
 * A project's page: its name and colour, the caller's role, its top-level tasks as a list or as a board (the board
 * is a lazy chunk: @dnd-kit loads only when it is shown), New task (owner, editor) and Settings.
 * The app supplies the task dialog (`onNewTask`, `onOpenTask`): this feature does not import the tasks feature.
 */
import type { Task } from '@primetrade/shared';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { cn } from '../../../lib/cn';
import { formatDue } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { initials, projectColor, useMembers } from '../../../lib/projects';
import { useBoardTasks } from '../api/board';
import { useProject } from '../api/projects';
import { BOARD_STATUSES, byPosition } from '../board-move';
import { ProjectSettingsDialog } from './project-settings';
import { ProjectStats } from './project-stats';

const Board = lazy(() => import('./board'));

export type ProjectView = 'list' | 'board';

export function ProjectPage({
  projectId,
  view,
  onViewChange,
  onNewTask,
  onOpenTask,
  onLeft,
}: {
  projectId: string;
  view: ProjectView;
  onViewChange: (view: ProjectView) => void;
  onNewTask: (projectId: string) => void;
  onOpenTask: (taskId: string) => void;
  /** After the caller left or deleted the project. */
  onLeft: () => void;
}) {
  const project = useProject(projectId);
  const tasks = useBoardTasks(projectId);
  const members = useMembers(projectId);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const t = useT('projects');

  if (project.isPending) return <Spinner />;
  if (project.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {errorMessage(project.error)}
      </p>
    );
  const p = project.data.project;
  const readOnly = p.role === 'viewer';
  const tabClass = (active: boolean) =>
    cn(
      'rounded-md px-3 py-1.5 text-sm font-medium',
      active
        ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white'
        : 'text-slate-700 hover:text-slate-900 dark:text-slate-200',
    );

  return (
    <div className="space-y-4" data-testid="project-page">
      <div className="flex flex-wrap items-center gap-3">
        <span
          className="size-3 shrink-0 rounded-full"
          style={{ backgroundColor: projectColor(p) }}
          aria-hidden="true"
        />
        <h1 className="min-w-0 text-2xl font-semibold break-words">{p.name}</h1>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-200">
          {t(`role.${p.role}`)}
        </span>
        {p.archived ? (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">
            {t('page.archived')}
          </span>
        ) : null}
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <fieldset className="flex gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
            <legend className="sr-only">{t('page.view')}</legend>
            <button
              type="button"
              className={tabClass(view === 'list')}
              aria-pressed={view === 'list'}
              onClick={() => onViewChange('list')}
            >
              {t('page.list')}
            </button>
            <button
              type="button"
              className={tabClass(view === 'board')}
              aria-pressed={view === 'board'}
              onClick={() => onViewChange('board')}
            >
              {t('page.board')}
            </button>
          </fieldset>
          {p.inbox ? null : (
            <Button variant="secondary" onClick={() => setSettingsOpen(true)}>
              {p.role === 'owner' ? t('page.settings') : t('page.members')}
            </Button>
          )}
          {readOnly ? null : <Button onClick={() => onNewTask(projectId)}>{t('page.newTask')}</Button>}
        </div>
      </div>
      {p.description ? <p className="text-sm text-slate-700 dark:text-slate-300">{p.description}</p> : null}
      {readOnly ? (
        <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="read-only-note">
          {t('page.readOnly')}
        </p>
      ) : null}
      <ProjectStats projectId={projectId} />
      {tasks.isPending ? (
        <Spinner />
      ) : tasks.isError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {errorMessage(tasks.error)}
        </p>
      ) : view === 'board' ? (
        <Suspense fallback={<Spinner />}>
          <Board
            projectId={projectId}
            tasks={tasks.data}
            members={members.data ?? []}
            readOnly={readOnly}
            onOpenTask={onOpenTask}
          />
        </Suspense>
      ) : (
        <ProjectTaskList
          tasks={tasks.data}
          names={new Map((members.data ?? []).map((m) => [m.userId, m.name]))}
          onOpenTask={onOpenTask}
        />
      )}
      <ProjectSettingsDialog
        open={settingsOpen}
        onOpenChange={setSettingsOpen}
        project={p}
        etag={project.data.etag}
        onLeft={onLeft}
      />
    </div>
  );
}

const statusRank = (t: Task) => BOARD_STATUSES.indexOf(t.status);

export function ProjectTaskList({
  tasks,
  names,
  onOpenTask,
}: {
  tasks: Task[];
  names: Map<string, string>;
  onOpenTask?: ((id: string) => void) | undefined;
}) {
  const t = useT('projects');
  const tt = useT('tasks');
  const sorted = useMemo(() => [...tasks].sort((a, b) => statusRank(a) - statusRank(b) || byPosition(a, b)), [tasks]);
  if (sorted.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-300">{t('page.empty')}</p>;
  return (
    <ul
      className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200 dark:divide-slate-700 dark:bg-slate-900 dark:ring-slate-700"
      aria-label={t('page.tasks')}
    >
      {sorted.map((task) => {
        const assignee = task.assigneeId ? names.get(task.assigneeId) : undefined;
        return (
          <li key={task.id} className="flex items-center gap-3 px-3 py-2 text-sm" data-testid="project-task">
            <span className="w-24 shrink-0 text-xs text-slate-600 dark:text-slate-300">
              {tt(`status.${task.status}`)}
            </span>
            {onOpenTask ? (
              <button
                type="button"
                className="min-w-0 flex-1 text-left font-medium break-words hover:underline"
                onClick={() => onOpenTask(task.id)}
              >
                {task.title}
              </button>
            ) : (
              <span className="min-w-0 flex-1 font-medium break-words">{task.title}</span>
            )}
            {task.dueDate ? (
              <span className="text-xs text-slate-600 max-sm:hidden dark:text-slate-300">
                {t('page.due', { date: formatDue(task.dueDate) })}
              </span>
            ) : null}
            {assignee ? (
              <span
                className="inline-flex size-6 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-[11px] font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100"
                title={t('page.assignedTo', { name: assignee })}
                role="img"
                aria-label={t('page.assignedTo', { name: assignee })}
              >
                {initials(assignee)}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
